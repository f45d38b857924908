"""Benchmarks: ``python -m bench`` runs every ``bench/<name>.py`` that has a ``main()``.

Each benchmark prints its own figures and a ratio against a baseline measured
in the same process. ``python -m bench NAME [NAME...]`` runs only those.
"""
