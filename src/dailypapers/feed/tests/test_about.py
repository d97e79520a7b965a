"""The About page explains the trending formula with the constants the code uses."""

from __future__ import annotations

import pytest

from dailypapers.lib import ranking

pytestmark = pytest.mark.django_db


def test_about_renders_the_trending_constants_from_the_ranking_module(client, monkeypatch):
    monkeypatch.setattr(ranking, "COMMENT_WEIGHT", 0.75)
    monkeypatch.setattr(ranking, "SUBMISSION_BONUS", 3.0)
    monkeypatch.setattr(ranking, "AGE_OFFSET_HOURS", 4.0)
    monkeypatch.setattr(ranking, "GRAVITY", 1.8)
    body = client.get("/about/").content.decode()
    assert "0.75 × <var>comments</var>" in body
    assert "3.0 × <var>submitted</var>" in body
    assert "+ 4.0)<sup>1.8</sup>" in body
    assert "power <strong>1.8</strong>" in body


def test_about_works_an_example_through_the_real_formula(client):
    body = client.get("/about/").content.decode()
    # 10 upvotes, 4 comments, submitted, 6 hours old, with the shipped constants
    points = 10 + ranking.COMMENT_WEIGHT * 4 + ranking.SUBMISSION_BONUS
    score = points / (6 + ranking.AGE_OFFSET_HOURS) ** ranking.GRAVITY
    assert f"≈ {score:.3f}" in body


def test_about_says_what_the_site_is_and_links_the_feeds(client):
    body = client.get("/about/").content.decode()
    assert "community feed of new arXiv papers" in body
    assert 'id="trending"' in body and 'href="/trending/"' in body


def test_about_explains_the_fallback_for_quiet_sites_with_the_shipped_constants(
    client, monkeypatch
):
    monkeypatch.setattr(ranking, "CODE_WEIGHT", 2.5)
    monkeypatch.setattr(ranking, "FALLBACK_DAYS", 5)
    body = client.get("/about/").content.decode()
    assert 'id="trending-fallback"' in body
    assert "2.5 × <var>has code</var>" in body
    assert "latest <strong>5</strong> announcement days" in body
    assert "member submissions, links to code, GitHub stars, cross-lists and recency" in body
    # 1 + 2.5 (code) + 0.25 × 2 (cross-lists) = 4, then divided by 1 and by 3
    assert "two cross-lists scores\n4;" in body and "scores 1.33." in body
