"""The polite arXiv client, configured from settings."""

from __future__ import annotations

from django.conf import settings

from dailypapers.lib.arxiv.client import PoliteClient, user_agent


def arxiv_client() -> PoliteClient:
    return PoliteClient(
        user_agent=user_agent(settings.ARXIV_CONTACT, settings.SITE_URL),
        min_interval=settings.ARXIV_REQUEST_INTERVAL,
        timeout=settings.ARXIV_TIMEOUT,
        retries=settings.ARXIV_RETRIES,
        backoff=settings.ARXIV_BACKOFF,
        max_bytes=settings.INGEST_MAX_RESPONSE_BYTES,
    )
