"""bots.store"""
