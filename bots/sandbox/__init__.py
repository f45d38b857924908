"""bots.sandbox"""
