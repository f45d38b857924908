"""The pipeline tests' sandbox world (``world``), for running intake on hostile mail."""

from tests.pipeline.conftest import small_sandbox, world  # noqa: F401 (fixtures, re-exported)
