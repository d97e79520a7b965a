"""A stand-in for GitHub's REST API (GET /repos/{owner}/{repo}) on a loopback socket.

``FakeGitHub`` serves the repositories a test adds, with an ETag per state: a request with
``If-None-Match`` set to the current ETag gets a 304, as on GitHub. It keeps an hourly quota
(``quota``) and answers 403 with ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset``
once it is spent (304s cost nothing, as for an authenticated client); ``script(path,
status, headers)`` makes the next request to a path get a scripted answer (a 429 with
Retry-After, a 500) before the normal one. Every request is recorded::

    with FakeGitHub() as github:
        github.add("ada", "sparse", stars=12)
        ...  # point GITHUB_API_URL at github.url
        assert github.requests[0].headers["user-agent"].startswith("dailypapers/")
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True, slots=True)
class GitHubRequest:
    path: str
    headers: dict[str, str]  # names lower-cased
    status: int  # what the fake answered


@dataclass(slots=True)
class _Repo:
    full_name: str
    stars: int
    created_at: str
    version: int = 1

    @property
    def etag(self) -> str:
        return f'W/"{self.full_name.lower()}-{self.version}-{self.stars}"'


@dataclass(slots=True)
class _State:
    repos: dict[str, _Repo] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)  # old key -> new path
    scripted: dict[str, deque[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    requests: list[GitHubRequest] = field(default_factory=list)
    quota: int = 5000
    used: int = 0
    reset_at: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeGitHub:
    def __init__(self, *, quota: int = 5000) -> None:
        self.state = _State(quota=quota, reset_at=int(time.time()) + 3600)
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once, as from GitHub

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                status, headers, body = _answer(state, self.path, self.headers)
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                if payload:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def requests(self) -> list[GitHubRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def add(self, owner: str, name: str, stars: int, created_at: str = "2025-01-01T00:00:00Z"):
        with self.state.lock:
            self.state.repos[f"{owner}/{name}".lower()] = _Repo(
                f"{owner}/{name}", stars, created_at
            )

    def star(self, owner: str, name: str, stars: int) -> None:
        with self.state.lock:
            repo = self.state.repos[f"{owner}/{name}".lower()]
            repo.stars, repo.version = stars, repo.version + 1

    def move(self, owner: str, name: str, new_owner: str, new_name: str) -> None:
        """The repository was renamed: its old address answers 301 to the new one."""
        with self.state.lock:
            old = self.state.repos.pop(f"{owner}/{name}".lower())
            old.full_name = f"{new_owner}/{new_name}"
            self.state.repos[old.full_name.lower()] = old
            self.state.moved[f"{owner}/{name}".lower()] = f"/repos/{new_owner}/{new_name}"

    def script(self, owner: str, name: str, status: int, headers: dict[str, str] | None = None):
        """The next request for this repository gets ``status`` with ``headers``."""
        with self.state.lock:
            key = f"{owner}/{name}".lower()
            self.state.scripted.setdefault(key, deque()).append((status, headers or {}))

    def spend_quota(self, reset_in: int = 3600) -> None:
        with self.state.lock:
            self.state.used = self.state.quota
            self.state.reset_at = int(time.time()) + reset_in


def _answer(state: _State, path: str, headers) -> tuple[int, dict[str, str], object]:
    parts = path.split("?", 1)[0].strip("/").split("/")
    key = "/".join(parts[1:3]).lower() if len(parts) == 3 and parts[0] == "repos" else ""
    with state.lock:
        status, out, body = _decide(state, key, headers.get("If-None-Match", ""))
        plain = {name.lower(): value for name, value in headers.items()}
        state.requests.append(GitHubRequest(path, plain, status))
    return status, out, body


def _decide(state: _State, key: str, etag: str) -> tuple[int, dict[str, str], object]:
    scripted = state.scripted.get(key)
    if scripted:
        status, extra = scripted.popleft()
        return status, extra, {"message": f"scripted {status}"}
    quota = {
        "X-RateLimit-Limit": str(state.quota),
        "X-RateLimit-Remaining": str(max(state.quota - state.used, 0)),
        "X-RateLimit-Reset": str(state.reset_at),
    }
    if state.used >= state.quota:
        return 403, quota, {"message": "API rate limit exceeded"}
    if key in state.moved:
        return 301, {"Location": state.moved[key]}, {"message": "Moved Permanently"}
    repo = state.repos.get(key)
    if repo is not None and etag == repo.etag:
        return 304, {**quota, "ETag": repo.etag}, None
    state.used += 1
    quota["X-RateLimit-Remaining"] = str(max(state.quota - state.used, 0))
    if repo is None:
        return 404, quota, {"message": "Not Found"}
    body = {"full_name": repo.full_name, "stargazers_count": repo.stars,
            "created_at": repo.created_at}  # fmt: skip
    return 200, {**quota, "ETag": repo.etag}, body
