"""A polite reader of GitHub's REST API: one repository's stars at a time.

GitHub asks API clients for a User-Agent that names them, conditional requests where they
can (an answer "304 Not Modified" to ``If-None-Match: <etag>`` costs an authenticated
client nothing of its hourly quota), and patience when limited: once
``X-RateLimit-Remaining`` reaches 0, no request until ``X-RateLimit-Reset``; on a 403 or
429 secondary limit, none until ``Retry-After`` has passed (a minute when it says nothing).
``GitHubClient`` does that, and raises ``RateLimited`` with the moment to resume instead of
sleeping for up to an hour: the caller stops its run and the next one resumes then.

arXiv's ``PoliteClient`` (lib/arxiv/client.py) is not reused for the requests: it treats
every non-2xx answer as an error (a 304 and a 404 are answers here), sends no request
headers of the caller's, and spaces requests on arXiv's process-wide three-second gate.
Its User-Agent builder is reused.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urljoin, urlsplit

__all__ = ["GitHubClient", "GitHubError", "RateLimited", "RepoAnswer"]

API_VERSION = "2022-11-28"
SECONDARY_WAIT = timedelta(minutes=1)  # GitHub's advice when a limit names no time
_MAX_REDIRECTS = 3  # a renamed or moved repository answers 301 to its new address
_MAX_BODY = 1_000_000


class GitHubError(Exception):
    """A failure the run cannot go past: a refused token, a broken configuration."""


class RateLimited(Exception):  # noqa: N818 - it reads as what happened, like StopIteration
    """GitHub asked us to stop until ``resume_at`` (UTC)."""

    def __init__(self, resume_at: datetime, reason: str) -> None:
        super().__init__(f"{reason}; resume after {resume_at:%Y-%m-%d %H:%M:%S} UTC")
        self.resume_at = resume_at
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RepoAnswer:
    """What GitHub said about one repository.

    ``outcome``: "ok" (stars read), "not_modified" (the ETag still holds: stars unchanged),
    "gone" (404, 410 or 451: deleted, private or blocked) or "failed" (anything else, after
    retries; ``detail`` says what).
    """

    outcome: str
    stars: int | None = None
    etag: str = ""
    full_name: str = ""  # "owner/name" as GitHub spells it now (after a rename)
    created_at: datetime | None = None
    detail: str = ""


class GitHubClient:
    """GET /repos/{owner}/{repo} with GitHub's manners; keeps one connection alive."""

    def __init__(
        self,
        *,
        user_agent: str,
        base_url: str = "https://api.github.com",
        token: str = "",
        timeout: float = 20.0,
        retries: int = 2,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.user_agent = user_agent
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._now = now
        self._conn: http.client.HTTPConnection | None = None
        self._conn_key: tuple[str, str, int | None] | None = None
        self.remaining: int | None = None  # of the hourly quota, as the last answer said
        self.reset_at: datetime | None = None
        self.sent = 0  # requests sent, retries included
        self.not_modified = 0  # of them answered 304

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def repo(self, owner: str, name: str, etag: str = "") -> RepoAnswer:
        """Stars of github.com/owner/name; ``etag`` from the last answer makes it conditional.

        Raises ``RateLimited`` before sending when the quota is known to be spent, and when
        GitHub answers with a limit; ``GitHubError`` when it refuses the token (401).
        """
        url = f"{self.base_url}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
        failures = redirects = 0
        while True:
            self._wait_for_quota()
            try:
                status, headers, body = self._get(url, etag)
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                failures += 1
                if failures > self.retries:
                    return RepoAnswer("failed", detail=f"{type(exc).__name__}: {exc}"[:300])
                self._sleep(self.backoff * 2 ** (failures - 1))
                continue
            self._note_quota(headers)
            if status in (301, 302, 307, 308) and headers.get("location"):
                redirects += 1
                target = urljoin(url, headers["location"])
                if redirects > _MAX_REDIRECTS or _origin(target) != _origin(url):
                    return RepoAnswer("failed", detail=f"redirected to {target}"[:300])
                url = target
                continue
            if status >= 500 and failures < self.retries:
                failures += 1
                self._sleep(self.backoff * 2 ** (failures - 1))
                continue
            return self._answer(status, headers, body, etag)

    def _answer(self, status: int, headers: dict[str, str], body: bytes, etag: str) -> RepoAnswer:
        if status == 200:
            return _parse(body, headers.get("etag", ""))
        if status == 304:
            self.not_modified += 1
            return RepoAnswer("not_modified", etag=headers.get("etag", etag))
        if status in (404, 410, 451):
            return RepoAnswer("gone", detail=f"GitHub answered {status}")
        if status == 401:
            raise GitHubError("GitHub refused the token (401): check GITHUB_TOKEN")
        if status in (403, 429):
            self._raise_if_limited(status, headers, body)
        message = body[:200].decode("utf-8", "replace").strip()
        return RepoAnswer("failed", detail=f"GitHub answered {status}: {message}"[:300])

    def _raise_if_limited(self, status: int, headers: dict[str, str], body: bytes) -> None:
        now = self._now()
        retry_after = _seconds(headers.get("retry-after"))
        if retry_after is not None:
            raise RateLimited(now + timedelta(seconds=retry_after), f"{status} with Retry-After")
        if headers.get("x-ratelimit-remaining") == "0" and self.reset_at is not None:
            raise RateLimited(max(self.reset_at, now), f"{status}: the hourly quota is spent")
        if status == 429 or b"rate limit" in body.lower():
            raise RateLimited(now + SECONDARY_WAIT, f"{status}: a secondary rate limit")

    def _wait_for_quota(self) -> None:
        if self.remaining == 0 and self.reset_at is not None and self.reset_at > self._now():
            raise RateLimited(self.reset_at, "the hourly quota is spent")

    def _note_quota(self, headers: dict[str, str]) -> None:
        remaining = _seconds(headers.get("x-ratelimit-remaining"))
        reset = _seconds(headers.get("x-ratelimit-reset"))
        if remaining is not None:
            self.remaining = int(remaining)
        if reset is not None:
            self.reset_at = datetime.fromtimestamp(reset, UTC)

    def _get(self, url: str, etag: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "", parts.port)
        if self._conn is None or self._conn_key != key:
            self.close()
            cls = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            self._conn, self._conn_key = cls(key[1], key[2], timeout=self.timeout), key
        headers = {
            "User-Agent": self.user_agent,
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
        }
        if etag:
            headers["If-None-Match"] = etag
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.sent += 1
        self._conn.request("GET", target, headers=headers)
        response = self._conn.getresponse()
        body = response.read(_MAX_BODY + 1)
        found = {name.lower(): value for name, value in response.getheaders()}
        if len(body) > _MAX_BODY or response.will_close:
            self.close()
        return response.status, found, body[:_MAX_BODY]


def _parse(body: bytes, etag: str) -> RepoAnswer:
    try:
        data = json.loads(body)
        stars = int(data["stargazers_count"])
    except (ValueError, KeyError, TypeError) as exc:
        return RepoAnswer("failed", detail=f"unreadable answer: {exc}"[:300])
    created = data.get("created_at")
    try:
        created_at = datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        created_at = None
    full_name = data.get("full_name") if isinstance(data.get("full_name"), str) else ""
    return RepoAnswer("ok", stars=max(stars, 0), etag=etag, full_name=full_name or "",
                      created_at=created_at)  # fmt: skip


def _seconds(value: str | None) -> float | None:
    """A header's number (Retry-After in seconds, a quota, an epoch time); None if unusable."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if 0 <= number < 1e12 else None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc
