"""bots.remittance"""
