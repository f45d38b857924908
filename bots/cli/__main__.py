"""``python -m bots.cli``: the same as the ``arbots`` command."""

from bots.cli import main

main()
