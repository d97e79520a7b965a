"""Credentials in URL paths never reach a log (issue 16 #11)."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from dailypapers.core.logredact import GunicornLogger, RedactTokens
from dailypapers.core.urlsecrets import REDACTED, redact

SECRET = "Zx9secretTOKENvalue_-123"
SECRET_PATHS = [
    f"/feeds/for-you/{SECRET}/rss",
    f"/digests/confirm/{SECRET}/",
    f"/digests/preferences/{SECRET}/",
    f"/digests/unsubscribe/{SECRET}/",
    f"/digests/view/12/{SECRET}/",
    f"/accounts/verify/{SECRET}/",
    f"/accounts/password/reset/MQ/{SECRET}/",
]
# A credential in a query string, or a secret path percent-encoded inside a parameter.
SECRET_QUERIES = [
    f"/api/v1/papers?token={SECRET}",
    f"/feeds/daily/rss?api_key={SECRET}&x=1",
    f"/accounts/login/?next=%2Ffeeds%2Ffor-you%2F{SECRET}%2Frss",
]


@pytest.mark.parametrize("path", SECRET_PATHS + SECRET_QUERIES)
def test_every_secret_bearing_path_is_redacted(path):
    assert SECRET not in redact(path) and REDACTED in redact(path)


def test_ordinary_paths_are_left_alone():
    for path in (
        "/papers/2501.00001/",
        "/accounts/password/reset/MQ/set-password/",
        "/",
        "/search/?q=monkey=1&keyword=graph",
    ):
        assert redact(path) == path


@pytest.mark.parametrize("path", SECRET_PATHS + SECRET_QUERIES)
def test_gunicorns_access_log_line_shows_no_secret(path):
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": path, "QUERY_STRING": "", "HTTP_REFERER": "http://x" + path,
    }  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", "http://x" + path)])
    atoms = logger.atoms(response, request, environ, timedelta(seconds=0.01))
    line = logger.cfg.access_log_format % atoms
    assert SECRET not in line and REDACTED in line


@pytest.mark.django_db
def test_djangos_request_log_shows_no_secret(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    client.get(f"/feeds/for-you/{SECRET}/rss")  # an unknown feed: logged as Not Found
    assert "Not Found" in caplog.text
    assert SECRET not in caplog.text


def test_the_filter_rewrites_a_records_arguments():
    record = logging.LogRecord(
        "django.request", 30, "", 0, "Not Found: %s", (SECRET_PATHS[0],), None
    )
    RedactTokens().filter(record)
    assert SECRET not in record.getMessage()
