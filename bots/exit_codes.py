"""The exit codes of every ``arbots`` command, in one place (the README lists them).

``0`` done, ``1`` some work failed (the rest went on), ``2`` a configuration
or connection error, ``75`` the landscape's lease is held by another run
(sysexits' ``EX_TEMPFAIL``: try again later), ``130``/``143`` stopped on
request by SIGINT/SIGTERM (128 + the signal's number, as shells report it).
"""

EXIT_OK, EXIT_FAILURES, EXIT_CONFIG = 0, 1, 2
EXIT_BUSY = 75
EXIT_SIGINT, EXIT_SIGTERM = 130, 143
