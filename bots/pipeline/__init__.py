"""The bots themselves: plain functions wired from the rooms, one module per bot.

Each bot is ``bot(ctx: BotContext) -> BotSection``; its steps are plain
functions with idempotent side effects (every external write goes through the
store's ledger), so that :mod:`bots.runner` can run them in one process today
and a durable workflow engine can run them step by step later.
"""
