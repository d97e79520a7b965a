"""Several processes serve one site, so the default cache must be shared by all of them:
a process-local cache is refused by a system check (core.E001) before anything starts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from dailypapers.core.checks import PROCESS_LOCAL_CACHE, shared_cache_check

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"


def test_the_default_shared_file_cache_passes_the_check():
    assert shared_cache_check() == []


def test_redis_passes_the_check(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert shared_cache_check() == []


@pytest.mark.parametrize("backend", [LOCMEM, DUMMY])
def test_a_process_local_cache_is_an_error_naming_the_backend_and_the_fix(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend}}
    [error] = shared_cache_check()
    assert error.id == PROCESS_LOCAL_CACHE
    assert error.is_serious()
    assert backend in error.msg and "rate limits" in error.msg
    assert "REDIS_URL" in (error.hint or "")


def test_the_check_command_fails_with_a_local_memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": LOCMEM}}
    with pytest.raises(SystemCheckError, match="core.E001"):
        call_command("check")


def test_serve_refuses_to_start_gunicorn_with_a_local_memory_cache(tmp_path: Path):
    (tmp_path / "local_cache_settings.py").write_text(
        textwrap.dedent(f"""\
            from dailypapers.settings import *  # noqa: F403
            CACHES = {{"default": {{"BACKEND": "{LOCMEM}"}}}}
        """)
    )
    from dailypapers.testing.processes import free_port

    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "local_cache_settings",
        "DATA_DIR": str(tmp_path / "data"),
        "EMBEDDING_MODEL": "off",
    }
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "dailypapers", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "LocMemCache" in result.stderr
    assert "gunicorn" not in result.stdout, "gunicorn was never started"
