"""bots.portals"""
