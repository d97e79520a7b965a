"""arXiv's announcement schedule: estimated listing days from submission times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from dailypapers.lib.arxiv.schedule import estimate_announcement_day, next_ingest_time


def eastern_noon(day: date) -> datetime:
    # 17:00 UTC is 12:00 or 13:00 Eastern: before the 14:00 cutoff either way.
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def test_monday_submission_before_the_cutoff_is_listed_on_tuesday():
    assert estimate_announcement_day(eastern_noon(date(2025, 3, 17))) == date(2025, 3, 18)


def test_monday_submission_after_the_cutoff_is_listed_on_wednesday():
    after_cutoff = datetime(2025, 3, 17, 20, 0, tzinfo=UTC)  # 16:00 Eastern
    assert estimate_announcement_day(after_cutoff) == date(2025, 3, 19)


def test_friday_submission_before_the_cutoff_is_listed_on_monday():
    assert estimate_announcement_day(eastern_noon(date(2025, 3, 21))) == date(2025, 3, 24)


def test_weekend_submission_is_listed_on_tuesday():
    assert estimate_announcement_day(eastern_noon(date(2025, 3, 22))) == date(2025, 3, 25)


def test_next_ingest_time_is_later_today_or_tomorrow():
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert next_ingest_time(now, time(1, 30)) == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert next_ingest_time(now, time(0, 30)) == datetime(2026, 3, 3, 0, 30, tzinfo=UTC)
