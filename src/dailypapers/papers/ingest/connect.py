"""The polite arXiv client, configured from settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

from dailypapers.lib.arxiv.client import PoliteClient, user_agent
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.pipeline import IngestReport


def arxiv_client(
    *, max_bytes: int | None = None, gate: Callable[[], None] | None = None
) -> PoliteClient:
    """The client of background fetches; ``max_bytes`` defaults to the ingest's limit, and
    ``gate`` shares the rate limit beyond this process (see PoliteClient)."""
    return PoliteClient(
        user_agent=user_agent(settings.ARXIV_CONTACT, settings.SITE_URL),
        min_interval=settings.ARXIV_REQUEST_INTERVAL,
        timeout=settings.ARXIV_TIMEOUT,
        retries=settings.ARXIV_RETRIES,
        backoff=settings.ARXIV_BACKOFF,
        max_bytes=max_bytes or settings.INGEST_MAX_RESPONSE_BYTES,
        gate=gate,
    )


# A member waits on the page while a submission fetches its paper: one try, a short timeout.
INTERACTIVE_TIMEOUT = 3.0


def interactive_arxiv_client(*, max_bytes: int | None = None) -> PoliteClient:
    """The client for a fetch someone waits for: no retries, at most INTERACTIVE_TIMEOUT
    seconds per connect or read, so an unreachable arXiv answers within seconds."""
    return PoliteClient(
        user_agent=user_agent(settings.ARXIV_CONTACT, settings.SITE_URL),
        min_interval=settings.ARXIV_REQUEST_INTERVAL,
        timeout=min(settings.ARXIV_TIMEOUT, INTERACTIVE_TIMEOUT),
        retries=0,
        max_bytes=max_bytes or settings.INGEST_MAX_RESPONSE_BYTES,
    )


@contextmanager
def fetching(report: IngestReport, client: PoliteClient | None) -> Iterator[PoliteClient]:
    """The client an import fetches with: ``client``, or a new one closed at the end.

    A SourceError on the way out is recorded as the import's error before it propagates,
    unless the import already finished with a more telling one.
    """
    own_client = client is None
    client = client or arxiv_client()
    try:
        yield client
    except SourceError as exc:
        if report.finished is None:
            report.finish(error=str(exc))
        raise
    finally:
        if own_client:
            client.close()
