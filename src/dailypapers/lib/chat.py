"""Ask an OpenAI-compatible chat-completions endpoint for a paper's summary; standard library only.

    text = ask_summary(Endpoint("http://127.0.0.1:8080/v1", "small-model", "key"), title, abstract)

Any failure (no answer in time, a refused connection, a 4xx or 5xx status, a body that is
not the expected JSON, an empty answer) raises ``ChatError``; ``retryable`` says whether a
later try may succeed (timeouts, connection errors, 429 and 5xx) or would get the same
answer again. Requests are serialised process-wide with at least ``min_interval`` seconds
between their starts (``RateGate``), so a queue of papers cannot flood the endpoint.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from dailypapers import __version__

MAX_BODY = 1_000_000  # bytes read from an answer at most
MAX_ABSTRACT = 4000  # characters of the abstract sent
MAX_SUMMARY = 400  # characters kept of the answer (the prompt asks for fewer)
PROMPT = (
    "Summarise this research paper for a reader skimming a list of new papers: one or two "
    "plain sentences, at most 280 characters, no preamble, no markdown."
)
_SPACE = re.compile(r"\s+")


class ChatError(Exception):
    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class Endpoint:
    base_url: str  # e.g. https://api.example.com/v1 (or the full .../chat/completions)
    model: str
    api_key: str = field(default="", repr=False)  # never in logs
    timeout: float = 20.0

    @property
    def url(self) -> str:
        base = self.base_url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


class RateGate:
    """At least ``min_interval`` seconds between the starts of requests, across threads."""

    def __init__(
        self,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._last: float | None = None

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < self.min_interval:
                self._sleep(self.min_interval - (now - self._last))
                now = self._clock()
            self._last = now


def _request(endpoint: Endpoint, title: str, abstract: str) -> urllib.request.Request:
    body = {
        "model": endpoint.model,
        "messages": [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": f"Title: {title}\n\nAbstract: {abstract[:MAX_ABSTRACT]}"},
        ],
        "temperature": 0.2,
        "max_tokens": 120,
    }
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": f"dailypapers/{__version__}",
    }
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    return urllib.request.Request(
        endpoint.url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )


def _answer(raw: bytes) -> str:
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ChatError("the answer is not chat-completions JSON", retryable=False) from None
    if not isinstance(content, str):
        raise ChatError("the answer's content is not text", retryable=False)
    text = _SPACE.sub(" ", content).strip().strip('"').strip()
    if not text:
        raise ChatError("the answer is empty", retryable=False)
    if len(text) > MAX_SUMMARY:
        text = text[: MAX_SUMMARY - 1].rsplit(" ", 1)[0] + "…"
    return text


def ask_summary(endpoint: Endpoint, title: str, abstract: str, gate: RateGate | None = None) -> str:
    """The endpoint's summary of a paper, or ChatError saying why there is none."""
    request = _request(endpoint, title, abstract)
    if gate is not None:
        gate.wait()
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout) as response:  # noqa: S310
            raw = response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:
        retryable = exc.code == 429 or exc.code >= 500
        raise ChatError(f"HTTP {exc.code} from {endpoint.url}", retryable=retryable) from None
    except (OSError, ValueError) as exc:  # URLError, timeouts, resets; a bad URL
        raise ChatError(f"no answer from {endpoint.url}: {exc}", retryable=True) from None
    if len(raw) > MAX_BODY:
        raise ChatError("the answer is larger than 1 MB", retryable=False)
    return _answer(raw)
