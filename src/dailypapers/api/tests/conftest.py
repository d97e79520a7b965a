"""The real huggingface_hub client, pointed at a live test server (test_hf_*.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huggingface_hub import HfApi
from huggingface_hub.utils import close_session


@pytest.fixture
def hub(live_server, monkeypatch) -> Iterator[HfApi]:
    # Loopback only: no token from this machine, no telemetry, no proxy in the way.
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    close_session()  # a client made before these settings would not see them
    yield HfApi(endpoint=live_server.url, token=False)
    # The client keeps its connection alive; closing it ends the server's request thread
    # now, not after the test database is gone (which made that thread fail at exit).
    close_session()
