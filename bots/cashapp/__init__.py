"""bots.cashapp"""
