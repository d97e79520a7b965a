"""arXiv's announcement schedule, as far as a service needs it.

arXiv announces new submissions at 20:00 US Eastern, Sunday to Thursday; the listing
(and its RSS feed) carries the next day's date. Submissions received before the 14:00
Eastern cutoff on a weekday are in that evening's announcement. Holidays shift this a few
days a year; the estimate below ignores them, and real listings (RSS, listing files)
always take precedence over it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
CUTOFF = time(14, 0)
ANNOUNCE = time(20, 0)


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:  # Saturday, Sunday
        day += timedelta(days=1)
    return day


def estimate_announcement_day(submitted_at: datetime) -> date:
    """The listing date a submission made at ``submitted_at`` (aware) most likely got."""
    local = submitted_at.astimezone(EASTERN)
    day = local.date()
    if local.weekday() >= 5 or local.time() >= CUTOFF:
        day += timedelta(days=1)
    day = _next_weekday(day)  # the cutoff day whose mailing carries the submission
    return _next_weekday(day + timedelta(days=1))  # the mailing is dated the next weekday


def next_ingest_time(now: datetime, at_utc: time) -> datetime:
    """The next moment (aware, UTC) at ``at_utc`` after ``now``."""

    now_utc = now.astimezone(UTC)
    candidate = datetime.combine(now_utc.date(), at_utc, tzinfo=UTC)
    if candidate <= now_utc:
        candidate += timedelta(days=1)
    return candidate
