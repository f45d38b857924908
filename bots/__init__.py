"""arbots: automation bots for SAP accounts receivable and collections."""

__version__ = "0.1.0"
