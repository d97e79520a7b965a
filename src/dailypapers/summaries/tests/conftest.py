"""The real huggingface_hub client against the live test server, as the API's tests use it."""

from dailypapers.api.tests.conftest import hub

__all__ = ["hub"]
