"""The small sandbox world of the pipeline tests, shared here."""

from tests.pipeline.conftest import small_sandbox  # noqa: F401 - a fixture
