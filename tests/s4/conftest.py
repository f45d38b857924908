"""Fixtures of the S/4 tests (defined in s4_world.py)."""

from s4_world import own_s4, own_world, s4, secrets_env, world  # noqa: F401
