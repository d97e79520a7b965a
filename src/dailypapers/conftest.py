"""Shared test fixtures: where the shared data lives, and a scripted arXiv on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dailypapers.lib.tests.fake_arxiv import FakeArxiv

if TYPE_CHECKING:  # the sink's module needs aiosmtpd, a test-only dependency
    from dailypapers.testing.smtp import SmtpSink

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = (REPO_ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(autouse=True)
def fast_test_settings(settings) -> None:
    """Tests render pages without running collectstatic, and hash passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def semantic_search_off_unless_asked(settings) -> None:
    """Semantic search is on in the default install (the ONNX model ships as a package), but
    a test's expectations must not hang on one model's vectors: tests get keyword search,
    and those of the semantic layer turn a model on themselves (a FixtureEmbedder through
    semantic.use_embedder, or EMBEDDING_MODEL in test_onnx_embedder.py)."""
    settings.EMBEDDING_MODEL = ""


@pytest.fixture(autouse=True)
def thumbnails_off_unless_asked(settings, tmp_path: Path) -> None:
    """No test fetches a PDF from arXiv: thumbnail fetching is off (imports queue nothing)
    and pictures go to the test's own folder; thumbnails/tests point the URL at a local
    server."""
    settings.THUMBNAIL_PDF_URL = ""
    settings.THUMBNAIL_DIR = tmp_path / "thumbnails"


@pytest.fixture(autouse=True)
def no_keyword_index(monkeypatch) -> Iterator[None]:
    """The Tantivy keyword index lives in DATA_DIR: off unless a test turns it on (with a
    folder of its own, see search/tests/test_keyword_index.py), and never carried over."""
    from dailypapers.search import keyword_index

    monkeypatch.setenv("KEYWORD_INDEX", "off")
    keyword_index.forget()
    yield
    keyword_index.forget()


@pytest.fixture(autouse=True)
def fresh_paper_features() -> Iterator[None]:
    """Test databases reuse ids: the recommender's per-process feature cache must not carry
    one test's papers into the next."""
    from dailypapers.feed import paper_features

    paper_features.clear_cache()
    yield
    paper_features.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def no_sessions_left_at_teardown(django_db_setup, django_db_blocker) -> Iterator[None]:
    """End stray PostgreSQL sessions before the test database is dropped.

    The live server answers each browser connection in a daemon thread with its own
    database connection; a thread still parked on a kept-alive socket when the session
    ends holds its session open, and dropping the database then fails with "being accessed
    by other users". Requesting ``django_db_setup`` makes this run before that teardown.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def private_file_cache(tmp_path_factory) -> Iterator[None]:
    """The embedded default's file cache lives under DATA_DIR: tests get their own folder, so
    clearing it never empties a server's cache running from the same checkout."""
    from django.conf import settings
    from django.test.utils import override_settings

    cache_settings = settings.CACHES["default"]
    if not cache_settings["BACKEND"].endswith("SharedFileCache"):
        yield
        return
    location = str(tmp_path_factory.mktemp("cache"))
    with override_settings(CACHES={"default": {**cache_settings, "LOCATION": location}}):
        yield


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Signed-out pages are cached by path: no test may see another test's pages."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def threads_db(transactional_db, tmp_path: Path) -> Iterator[None]:
    """A database that several threads can write to at once, as in production.

    PostgreSQL already is one. The SQLite test database lives in memory with a shared
    cache, where a second writer fails at once with "table is locked" instead of waiting;
    so SQLite runs get a migrated file database in WAL mode, like the deployed one.
    """
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    # Every thread's connection is built from this same settings dict.
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    # Set the in-memory connection aside rather than closing it: closing would drop the
    # test database (Django ignores close() on it for that reason).
    memory_connection, connection.connection = connection.connection, None
    settings_dict["NAME"] = str(tmp_path / "threads.sqlite3")
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.connection = memory_connection


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "arxiv-metadata.jsonl.gz").exists():
        pytest.skip(f"../shared/data is absent ({SHARED_DATA}): the integration leg needs it")
    return SHARED_DATA


@pytest.fixture
def fake_arxiv(settings) -> Iterator[FakeArxiv]:
    """A local arXiv: API, OAI-PMH and RSS endpoints point at it, with no politeness delay."""
    with FakeArxiv() as server:
        settings.ARXIV_API_URL = f"{server.url}/api/query"
        settings.ARXIV_OAI_URL = f"{server.url}/oai"
        settings.ARXIV_RSS_URL = f"{server.url}/rss"
        settings.ARXIV_REQUEST_INTERVAL = 0.0
        settings.ARXIV_RETRIES = 2
        settings.ARXIV_BACKOFF = 0.05
        settings.ARXIV_TIMEOUT = 5.0
        yield server


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback; Django's SMTP backend is pointed at it."""
    # Imported here so that test runs without aiosmtpd still collect every other test.
    from dailypapers.testing.smtp import SmtpSink

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield sink


@pytest.fixture
def browser_page(live_server, request, monkeypatch):
    """A chromium page (Playwright) and a screenshot helper, against the live test server."""
    from dailypapers.testing.browser import Screenshots, chromium_missing_reason, chromium_page

    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's guard against async misuse does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page() as page:
        yield page, Screenshots(page, request.node.name)


@pytest.fixture(autouse=True)
def github_api_on_loopback(settings) -> None:
    """No test reaches api.github.com: a scheduled star refresh finds a closed local port
    (repos/tests point GITHUB_API_URL at their FakeGitHub)."""
    settings.GITHUB_API_URL = "http://127.0.0.1:9"
    settings.GITHUB_TOKEN = ""
