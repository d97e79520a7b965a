"""GitHubClient against a real loopback server (FakeGitHub): ETags, limits, 404, tokens."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from dailypapers.lib.github import GitHubClient, GitHubError, RateLimited
from dailypapers.testing.fake_github import FakeGitHub

UA = "dailypapers/test (+https://papers.example.org; mailto:ops@example.org)"


@pytest.fixture
def github():
    with FakeGitHub() as fake:
        fake.add("ada", "sparse", stars=12, created_at="2025-01-02T03:04:05Z")
        yield fake


def client(github: FakeGitHub, **options) -> GitHubClient:
    sleeps: list[float] = []
    made = GitHubClient(user_agent=UA, base_url=github.url, sleep=sleeps.append, **options)
    made.sleeps = sleeps  # type: ignore[attr-defined]
    return made


def test_a_repository_answers_its_stars_etag_and_creation_time(github):
    with client(github) as c:
        answer = c.repo("ada", "sparse")
    assert answer.outcome == "ok" and answer.stars == 12
    assert answer.etag.startswith('W/"') and answer.full_name == "ada/sparse"
    assert answer.created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_every_request_names_us_and_asks_for_githubs_json(github):
    with client(github) as c:
        c.repo("ada", "sparse")
    headers = github.requests[0].headers
    assert headers["user-agent"] == UA
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert "authorization" not in headers


def test_a_configured_token_is_sent_as_a_bearer_token(github):
    with client(github, token="ghp_secret") as c:
        c.repo("ada", "sparse")
    assert github.requests[0].headers["authorization"] == "Bearer ghp_secret"


def test_the_etag_makes_the_next_request_conditional_and_a_304_keeps_the_stars(github):
    with client(github) as c:
        first = c.repo("ada", "sparse")
        again = c.repo("ada", "sparse", first.etag)
        github.star("ada", "sparse", 15)
        changed = c.repo("ada", "sparse", first.etag)
    assert github.requests[1].headers["if-none-match"] == first.etag
    assert again.outcome == "not_modified" and again.etag == first.etag and again.stars is None
    assert changed.outcome == "ok" and changed.stars == 15 and changed.etag != first.etag
    assert c.not_modified == 1 and c.sent == 3
    # One connection serves them all (keep-alive).
    assert [r.status for r in github.requests] == [200, 304, 200]


def test_a_missing_repository_is_gone_at_once_without_retries(github):
    with client(github) as c:
        answer = c.repo("ada", "deleted")
    assert answer.outcome == "gone" and len(github.requests) == 1


def test_a_spent_hourly_quota_raises_with_the_reset_time_and_stops_further_requests(github):
    reset = int(time.time()) + 1800
    github.spend_quota(reset_in=1800)
    with client(github) as c:
        with pytest.raises(RateLimited) as raised:
            c.repo("ada", "sparse")
        assert raised.value.resume_at == datetime.fromtimestamp(reset, UTC)
        with pytest.raises(RateLimited):
            c.repo("ada", "other")
    assert len(github.requests) == 1  # the second was never sent


def test_the_last_request_of_the_quota_stops_the_next_before_it_is_sent():
    with FakeGitHub(quota=1) as github:
        github.add("ada", "sparse", stars=1)
        with client(github) as c:
            assert c.repo("ada", "sparse").outcome == "ok"
            assert c.remaining == 0
            with pytest.raises(RateLimited):
                c.repo("ada", "sparse")
        assert len(github.requests) == 1


def test_a_429_or_secondary_403_with_retry_after_pauses_for_that_long(github):
    now = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)
    github.script("ada", "sparse", 429, {"Retry-After": "120"})
    github.script("ada", "sparse", 403, {"Retry-After": "30"})
    with client(github, now=lambda: now) as c:
        with pytest.raises(RateLimited) as first:
            c.repo("ada", "sparse")
        with pytest.raises(RateLimited) as second:
            c.repo("ada", "sparse")
    assert first.value.resume_at == now + timedelta(seconds=120)
    assert second.value.resume_at == now + timedelta(seconds=30)


def test_a_secondary_limit_without_retry_after_waits_a_minute(github):
    now = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)
    github.script("ada", "sparse", 429)
    with client(github, now=lambda: now) as c, pytest.raises(RateLimited) as raised:
        c.repo("ada", "sparse")
    assert raised.value.resume_at == now + timedelta(minutes=1)


def test_server_errors_are_retried_a_few_times_with_backoff_then_reported(github):
    for _ in range(3):
        github.script("ada", "sparse", 502)
    with client(github, retries=2, backoff=0.5) as c:
        answer = c.repo("ada", "sparse")
    assert answer.outcome == "failed" and "502" in answer.detail
    assert c.sleeps == [0.5, 1.0] and len(github.requests) == 3  # type: ignore[attr-defined]


def test_a_server_error_then_success_reads_the_stars(github):
    github.script("ada", "sparse", 503)
    with client(github) as c:
        assert c.repo("ada", "sparse").stars == 12


def test_a_renamed_repository_is_followed_to_its_new_address(github):
    github.move("ada", "sparse", "ada-lab", "sparse2")
    with client(github) as c:
        answer = c.repo("ada", "sparse")
    assert answer.outcome == "ok" and answer.full_name == "ada-lab/sparse2"


def test_a_refused_token_stops_the_run(github):
    github.script("ada", "sparse", 401)
    with client(github, token="bad") as c, pytest.raises(GitHubError):
        c.repo("ada", "sparse")


def test_an_unreachable_api_is_a_failed_answer_not_an_exception():
    c = GitHubClient(user_agent=UA, base_url="http://127.0.0.1:9", retries=1, sleep=lambda s: None)
    assert c.repo("ada", "sparse").outcome == "failed"
