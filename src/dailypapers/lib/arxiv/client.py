"""One polite HTTP client for every arXiv endpoint: the API, OAI-PMH and the RSS feeds.

arXiv asks robots for at most one request every three seconds, a User-Agent that says
who is calling, and patience when it answers 503 with Retry-After. ``PoliteClient``
does all of that in one place, with the standard library only:

    with PoliteClient(user_agent=user_agent("ops@example.org")) as client:
        result = client.get("https://export.arxiv.org/api/query", {"id_list": "2501.01234"})

Failures surface as ``SourceError`` subclasses, so ingest code can treat a refused
request like any other unusable input.
"""

from __future__ import annotations

import http.client
import logging
import random
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlencode, urljoin, urlsplit

from dailypapers import __version__
from dailypapers.lib.records import SourceError

logger = logging.getLogger("dailypapers.arxiv")

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
# Error and redirect bodies are only kept for diagnostics; a runaway one must not cost memory.
_SIDE_BODY_LIMIT = 64 * 1024
_ConnKey = tuple[str, str, int]

# arXiv's limit is per robot, not per object, so the last request start is process-wide.
# It is kept per clock so that a test's fake clock never mixes with real monotonic time.
_gate_lock = threading.Lock()
_last_start: dict[Callable[[], float], float] = {}


@dataclass(slots=True)
class HttpResult:
    status: int
    headers: dict[str, str]  # names lower-cased; repeated headers joined with ", "
    body: bytes  # already decompressed
    url: str  # the URL that finally answered, after redirects


class ArxivHttpError(SourceError):
    """arXiv refused the request, or could not be reached even after retrying."""

    def __init__(self, message: str, *, url: str, status: int | None = None, body: bytes = b""):
        super().__init__(message)
        self.url = url
        self.status = status  # None when no HTTP answer came at all (timeout, refused)
        self.body = body  # at most 64 KiB of what the server sent


class ResponseTooLarge(SourceError):
    """The body (decompressed) exceeds the client's max_bytes; reading stopped there."""


def user_agent(contact: str, site_url: str = "") -> str:
    """Build a User-Agent such as "dailypapers/0.1.0 (+https://site; mailto:ops@example.org)"."""
    site, who = _header_safe(site_url), _header_safe(contact)
    if who and not who.startswith("mailto:") and "://" not in who:
        who = f"mailto:{who}"
    details = [part for part in (site and f"+{site}", who) if part]
    product = f"dailypapers/{__version__}"
    return f"{product} ({'; '.join(details)})" if details else product


class PoliteClient:
    """GET with arXiv's manners: shared rate limit, keep-alive, gzip, retries, size cap.

    One instance may be shared by threads (requests are serialised), but the rate limit
    holds across all instances anyway. ``gate``, when given, is called before every attempt
    once this process's turn has come, and blocks until the request may start: the way to
    share the limit with other processes (thumbnails/gate.py keeps it in the database).
    """

    def __init__(
        self,
        *,
        user_agent: str,
        min_interval: float = 3.0,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 2.0,
        max_backoff: float = 120.0,
        max_retry_after: float = 600.0,
        max_bytes: int = 50_000_000,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        gate: Callable[[], None] | None = None,
    ) -> None:
        if min_interval < 0 or timeout <= 0 or retries < 0 or max_bytes <= 0:
            raise ValueError("min_interval and retries must be >= 0, timeout and max_bytes > 0")
        self.user_agent = user_agent
        self.min_interval = min_interval
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self._sleep = sleep
        self._clock = clock
        self._gate = gate
        self._conns: dict[_ConnKey, http.client.HTTPConnection] = {}
        self._lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            for key in list(self._conns):
                self._drop(key)

    def get(self, url: str, params: Mapping[str, str] | None = None) -> HttpResult:
        """Fetch url (with params appended to its query) and return the 2xx answer."""
        if params:
            url += ("&" if urlsplit(url).query else "?") + urlencode(params)
        with self._lock:
            return self._get(url)

    def _get(self, url: str) -> HttpResult:
        failures = redirects = 0
        while True:
            key, target = _split(url)  # a bad URL fails here, before taking a rate-limit slot
            self._wait_turn()
            try:
                result = self._attempt(key, target, url)
            except (OSError, http.client.HTTPException) as exc:
                failures += 1
                self._pause_or_give_up(failures, _explain(exc, url, self.timeout), None, url, exc)
                continue
            status = result.status
            if 200 <= status < 300:
                return result
            location = result.headers.get("location")
            if status in _REDIRECTS and location:
                target = urljoin(url, location)  # relative Locations are common
                redirects += 1
                if redirects > _MAX_REDIRECTS:
                    message = f"arXiv redirected more than {_MAX_REDIRECTS} times, last to {target}"
                    raise ArxivHttpError(message, url=url, status=status, body=result.body)
                logger.debug("following %d redirect from %s to %s", status, url, target)
                url = target
                continue
            if status == 429 or status >= 500:
                failures += 1
                hint = None
                if status in (429, 503):
                    hint = _retry_after(result.headers.get("retry-after"))
                self._pause_or_give_up(failures, _describe(result), hint, url, None, result)
                continue
            raise ArxivHttpError(_describe(result), url=url, status=status, body=result.body)

    def _wait_turn(self) -> None:
        # Reserve the next start slot under the lock and sleep outside it, so concurrent
        # callers queue up one min_interval apart instead of all waking at once.
        with _gate_lock:
            now = self._clock()
            last = _last_start.get(self._clock)
            start = now if last is None else max(now, last + self.min_interval)
            _last_start[self._clock] = start
        if start > now:
            self._sleep(start - now)
        if self._gate is not None:
            self._gate()

    def _pause_or_give_up(
        self,
        failures: int,
        problem: str,
        retry_after: float | None,
        url: str,
        cause: BaseException | None,
        result: HttpResult | None = None,
    ) -> None:
        if failures > self.retries:
            raise ArxivHttpError(
                f"gave up after {failures} attempts: {problem}",
                url=url,
                status=result.status if result else None,
                body=result.body if result else b"",
            ) from cause
        if retry_after is not None:
            wait = min(retry_after, self.max_retry_after)
            why = "as asked by Retry-After" if wait == retry_after else "Retry-After, capped"
        else:
            base = min(self.max_backoff, self.backoff * 2 ** min(failures - 1, 30))
            # Jitter keeps several workers that failed together from retrying in lockstep.
            wait = base + random.uniform(0, base * 0.1)
            why = "backing off"
        attempt = f"attempt {failures + 1} of {self.retries + 1}"
        logger.warning("%s; retrying in %.1fs, %s (%s)", problem, wait, why, attempt)
        if wait > 0:
            self._sleep(wait)

    def _attempt(self, key: _ConnKey, target: str, url: str) -> HttpResult:
        conn = self._conns.get(key) or self._open(key)
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip"}
        reused = conn.sock is not None
        try:
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if not reused:
                    raise
                # The server closed the idle kept-alive connection before our request reached
                # it; that is how keep-alive ends, not a failure worth a backoff.
                conn.close()
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
            ok = 200 <= response.status < 300
            body, complete = self._read(response, url, strict=ok)
        except BaseException:
            self._drop(key)
            raise
        if not complete:
            self._drop(key)  # unread bytes would corrupt the next response on this connection
        return HttpResult(response.status, _headers(response), body, url)

    def _read(
        self, response: http.client.HTTPResponse, url: str, *, strict: bool
    ) -> tuple[bytes, bool]:
        """Return (body, complete). strict: over the limit raises instead of truncating."""
        limit = self.max_bytes if strict else _SIDE_BODY_LIMIT
        too_large = f"the answer for {url} is larger than {limit} bytes; stopped reading"
        declared = response.getheader("content-length", "")
        if strict and declared.isdigit() and int(declared) > limit:
            raise ResponseTooLarge(too_large)
        encoding = response.getheader("content-encoding", "").strip().lower()
        gzipped = encoding in ("gzip", "x-gzip")
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        out = bytearray()
        raw_size = 0
        try:
            while chunk := response.read(_CHUNK):
                raw_size += len(chunk)
                # max_length bounds the inflated size, so a gzip bomb never fills memory.
                out += inflater.decompress(chunk, limit - len(out) + 1) if inflater else chunk
                if raw_size > limit or len(out) > limit:
                    if strict:
                        raise ResponseTooLarge(too_large)
                    return bytes(out[:limit]), False
            if inflater is not None:
                out += inflater.flush()
                if not inflater.eof:
                    raise zlib.error("the gzip stream ends early")
        except zlib.error as exc:
            if strict:
                raise SourceError(f"arXiv sent a corrupt gzip body for {url}: {exc}") from exc
            return bytes(out), False
        if len(out) > limit and strict:
            raise ResponseTooLarge(too_large)
        return bytes(out[:limit]), True

    def _open(self, key: _ConnKey) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=self.timeout, context=self._ssl
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
        self._conns[key] = conn
        return conn

    def _drop(self, key: _ConnKey) -> None:
        conn = self._conns.pop(key, None)
        if conn is not None:
            conn.close()


def _split(url: str) -> tuple[_ConnKey, str]:
    """(scheme, host, port) to pick the connection, and the request target."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise SourceError(f"not an http(s) URL: {url!r}")
    key = (scheme, parts.hostname, port or (443 if scheme == "https" else 80))
    return key, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _headers(response: http.client.HTTPResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.getheaders():
        name = name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _describe(result: HttpResult) -> str:
    try:
        reason = HTTPStatus(result.status).phrase
    except ValueError:
        reason = "(unknown status)"
    return f"arXiv answered {result.status} {reason} for {result.url}"


def _explain(exc: BaseException, url: str, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g}s from {url}"
    if isinstance(exc, http.client.RemoteDisconnected):
        return f"the server closed the connection without answering {url}"
    return f"request to {url} failed: {type(exc).__name__}: {exc}"


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return seconds if 0 <= seconds < float("inf") else None


def _header_safe(text: str) -> str:
    # A contact read from the environment must not be able to smuggle in header lines.
    return "".join(ch for ch in text if ch.isprintable()).strip()
