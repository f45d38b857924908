"""bots.email"""
