"""bots.sap"""
