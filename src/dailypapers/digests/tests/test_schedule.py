"""Due times: the subscriber's hour in their time zone, as a UTC hour."""

from datetime import UTC, datetime

from dailypapers.digests.schedule import hour_slot, next_due, valid_time_zone


def test_daily_digest_is_due_at_the_next_local_send_hour():
    after = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    due = next_due(after, frequency="daily", send_hour=8, time_zone="Europe/Paris")
    assert due == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # 08:00 in Paris (UTC+1)


def test_daily_digest_later_the_same_day_is_due_today():
    after = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)
    due = next_due(after, frequency="daily", send_hour=8, time_zone="UTC")
    assert due == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


def test_weekly_digest_waits_for_its_weekday():
    after = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday
    due = next_due(after, frequency="weekly", send_hour=7, time_zone="UTC", weekday=0)
    assert due == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # the Monday after


def test_summer_time_moves_the_utc_hour():
    after = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)
    due = next_due(after, frequency="daily", send_hour=8, time_zone="America/New_York")
    assert due == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_a_due_time_is_strictly_after_the_given_moment():
    moment = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert next_due(moment, frequency="daily", send_hour=8, time_zone="UTC") > moment


def test_unknown_time_zones_are_refused_and_slots_are_hours():
    assert not valid_time_zone("Mars/Olympus")
    assert valid_time_zone("Asia/Tokyo")
    assert hour_slot(datetime(2026, 3, 4, 8, 59, 59, tzinfo=UTC)) == datetime(
        2026, 3, 4, 8, tzinfo=UTC
    )
