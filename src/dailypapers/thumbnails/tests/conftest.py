"""A local arXiv serving PDFs (made by dailypapers.testing.pdfs) for the thumbnail tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dailypapers.lib.tests.fake_arxiv import FakeArxiv

CONTACT = "ops@example.org"


@pytest.fixture
def pdf_server(settings) -> Iterator[FakeArxiv]:
    """THUMBNAIL_PDF_URL at a fake arXiv on loopback; no pause between requests unless a
    test sets ARXIV_REQUEST_INTERVAL, and quick retries."""
    with FakeArxiv() as server:
        settings.THUMBNAIL_PDF_URL = f"{server.url}/pdf"
        settings.ARXIV_CONTACT = CONTACT
        settings.ARXIV_REQUEST_INTERVAL = 0.0
        settings.ARXIV_RETRIES = 2
        settings.ARXIV_BACKOFF = 0.05
        settings.ARXIV_TIMEOUT = 5.0
        yield server
