"""Source 3: OAI-PMH ListRecords (formats arXiv and arXivRaw), incremental and resumable.

The harvest state lives in ``HarvestState``: after each page is stored, the resumption
token of the next page is saved, so a harvest killed at any moment resumes where it
stopped (the page in flight is fetched again, and the upsert makes that harmless). When
the list is complete, ``harvested_until`` moves on and the next harvest starts there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.conf import settings

from dailypapers.lib.arxiv.client import PoliteClient
from dailypapers.lib.arxiv.oaipmh import (
    OaiError,
    build_list_records_params,
    parse_list_records,
)
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.connect import fetching
from dailypapers.papers.ingest.pipeline import IngestReport, Progress, ingest
from dailypapers.papers.models import HarvestState

FORMATS = ("arXiv", "arXivRaw")
FIRST_HARVEST_DAYS = 3  # with no history and no --from, look back this far


def harvest_key(set_spec: str | None, metadata_prefix: str) -> str:
    return f"oai:{set_spec or '*'}:{metadata_prefix}"


def harvest_oai(
    *,
    set_spec: str | None = None,
    from_date: date | None = None,
    until_date: date | None = None,
    metadata_prefix: str = "arXiv",
    max_pages: int | None = None,
    client: PoliteClient | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    """Harvest one window; resumes an interrupted harvest of the same window."""
    if metadata_prefix not in FORMATS:
        raise SourceError(f"metadata format must be one of {', '.join(FORMATS)}")
    state, _ = HarvestState.objects.get_or_create(key=harvest_key(set_spec, metadata_prefix))
    resuming = bool(state.resumption_token) and (
        from_date is None or from_date == state.window_from
    )
    if not resuming:
        today = datetime.now(UTC).date()
        state.window_from = (
            from_date or state.harvested_until or (today - timedelta(days=FIRST_HARVEST_DAYS))
        )
        state.window_until = until_date or today
        state.resumption_token = ""
        state.pages_done = 0
        state.save()
    if state.window_until and state.window_from and state.window_from > state.window_until:
        raise SourceError(f"--from {state.window_from} is after --until {state.window_until}")

    report = IngestReport(
        source="oai",
        detail=f"{state.key} {state.window_from}..{state.window_until}"
        + (f" resumed at page {state.pages_done + 1}" if resuming else ""),
    )
    pages = 0
    with fetching(report, client) as client:
        try:
            while True:
                params = build_list_records_params(
                    metadata_prefix=metadata_prefix,
                    set_spec=set_spec,
                    from_date=state.window_from,
                    until_date=state.window_until,
                    resumption_token=state.resumption_token or None,
                )
                page = parse_list_records(client.get(settings.ARXIV_OAI_URL, params).body)
                ingest([*page.records, *page.skipped], report, on_progress=on_progress)
                state.resumption_token = page.resumption_token or ""
                state.pages_done += 1
                pages += 1
                if not state.resumption_token:
                    state.harvested_until = state.window_until
                    state.last_success_at = datetime.now(UTC)
                    state.save()
                    break
                state.save()
                if max_pages is not None and pages >= max_pages:
                    break
        except OaiError as exc:
            if exc.code == "badResumptionToken" and state.resumption_token:
                # arXiv's tokens expire; a dead one must not fail every later run. Drop it, and
                # make sure the next harvest starts no later than this window did.
                state.resumption_token = ""
                state.pages_done = 0
                start = state.window_from
                if start and (state.harvested_until is None or start < state.harvested_until):
                    state.harvested_until = start
                state.save()
                expired = OaiError(
                    exc.code,
                    f"{exc.message} The checkpoint was dropped; the next run harvests again "
                    f"from {state.harvested_until}.",
                )
                report.finish(error=str(expired))
                raise expired from None
            raise
    return report.finish()
