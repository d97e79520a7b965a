"""When a subscriber's next digest is due: the next send hour in their time zone.

Pure date arithmetic, no Django. Times are UTC on the hour, which is also how runs are
slotted, so every subscriber due in an hour falls into that hour's run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DAILY = "daily"
WEEKLY = "weekly"


def valid_time_zone(name: str) -> bool:
    if name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
        _ZONES.add("UTC")
    return _ZONES


def time_zone_choices() -> list[str]:
    return sorted(_zone_names())


def next_due(
    after: datetime, *, frequency: str, send_hour: int, time_zone: str, weekday: int = 0
) -> datetime:
    """The first UTC hour strictly after ``after`` at which this digest is due.

    ``weekday`` (Monday 0) matters only for weekly digests. A send hour that a daylight
    saving change skips is taken as the hour after, so no digest is ever lost to it.
    """
    zone = ZoneInfo(time_zone)
    local = after.astimezone(zone)
    for days_ahead in range(0, 9):
        day = (local + timedelta(days=days_ahead)).date()
        if frequency == WEEKLY and day.weekday() != weekday:
            continue
        candidate = datetime(day.year, day.month, day.day, send_hour, tzinfo=zone)
        candidate_utc = candidate.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        if candidate_utc > after:
            return candidate_utc
    raise AssertionError("a due time always exists within eight days")  # pragma: no cover


def hour_slot(moment: datetime) -> datetime:
    """The run slot ``moment`` belongs to: its UTC hour."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
