"""Mail test fixtures: an outbox in a scratch data folder, and tasks that run at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.mail.outbox import OUTBOX_BACKEND

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def outbox_dir(settings, tmp_path: Path) -> Path:
    """No SMTP configured: mail is kept under a scratch DATA_DIR."""
    settings.DATA_DIR = tmp_path
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    return tmp_path / "outbox"


@pytest.fixture
def immediate_tasks(settings) -> None:
    settings.TASKS = IMMEDIATE_TASKS
