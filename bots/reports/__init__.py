"""bots.reports"""
