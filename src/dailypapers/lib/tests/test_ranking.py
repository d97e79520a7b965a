"""The trending formula, pinned by numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.lib.ranking import (
    Activity,
    Standing,
    fallback_points,
    fallback_score,
    points,
    trending_score,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def activity(upvotes=0, comments=0, submitted=False, hours=0.0) -> Activity:
    return Activity(upvotes, comments, submitted, NOW - timedelta(hours=hours))


def test_points_weigh_votes_comments_and_submission():
    assert points(activity(upvotes=3, comments=2, submitted=True)) == pytest.approx(3 + 1.0 + 1.0)


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


def standing(submitted=False, has_code=False, cross_lists=0, age_days=0) -> Standing:
    return Standing(submitted, has_code, cross_lists, age_days)


def test_fallback_points_weigh_base_submission_code_and_cross_lists():
    assert fallback_points(standing()) == pytest.approx(1.0)
    assert fallback_points(standing(submitted=True, has_code=True, cross_lists=2)) == pytest.approx(
        1.0 + 1.0 + 1.0 + 0.25 * 2
    )


def test_fallback_counts_at_most_four_cross_lists():
    assert fallback_points(standing(cross_lists=9)) == pytest.approx(1.0 + 0.25 * 4)


def test_fallback_score_divides_by_age_in_days_plus_one():
    assert fallback_score(standing(has_code=True, cross_lists=1, age_days=0)) == pytest.approx(2.25)
    assert fallback_score(standing(has_code=True, cross_lists=1, age_days=3)) == pytest.approx(
        2.25 / 4
    )


def test_a_plain_paper_of_the_latest_day_ties_a_day_old_paper_with_code():
    assert fallback_score(standing()) == pytest.approx(fallback_score(standing(True, age_days=1)))
    assert fallback_score(standing(has_code=True, age_days=1)) == pytest.approx(1.0)
