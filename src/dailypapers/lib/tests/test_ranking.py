"""The trending formula, pinned by numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.lib.ranking import Activity, points, trending_score

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def activity(upvotes=0, comments=0, submitted=False, hours=0.0, stars=0) -> Activity:
    return Activity(upvotes, comments, submitted, NOW - timedelta(hours=hours), stars)


def test_points_weigh_votes_comments_submission_and_stars():
    assert points(activity(upvotes=3, comments=2, submitted=True, stars=99)) == pytest.approx(
        3 + 1.0 + 1.0 + 0.5 * 2
    )


def test_a_fresh_paper_with_ten_votes_scores_ten_over_two_to_the_one_and_a_half():
    assert trending_score(activity(upvotes=10), NOW) == pytest.approx(10 / 2**1.5)


def test_score_after_a_day_is_pinned():
    assert trending_score(activity(upvotes=10, hours=22), NOW) == pytest.approx(10 / 24**1.5)


def test_a_paper_with_no_points_scores_zero():
    assert trending_score(activity(hours=1), NOW) == 0.0


def test_this_mornings_five_votes_beat_yesterdays_twenty():
    assert trending_score(activity(upvotes=5, hours=3), NOW) > trending_score(
        activity(upvotes=20, hours=27), NOW
    )


def test_more_votes_at_the_same_age_always_rank_higher():
    for hours in (0, 5, 50, 500):
        assert trending_score(activity(upvotes=4, hours=hours), NOW) > trending_score(
            activity(upvotes=3, hours=hours), NOW
        )


def test_a_future_entry_time_counts_as_age_zero():
    assert trending_score(activity(upvotes=1, hours=-5), NOW) == pytest.approx(1 / 2**1.5)
