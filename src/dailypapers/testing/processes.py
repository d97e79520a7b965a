"""Long-running processes started by a test: web nodes, workers, a scheduler, nginx.

Each runs in its own process group with its output in a log file, so a test can wait for a
line or an answering port, show the log when something fails, and stop the whole group
(gunicorn's workers, RQ's work horses) with one signal.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from dailypapers.testing.redis_server import free_port

__all__ = [
    "Answer", "Service", "dailypapers_command", "free_port", "request", "stop_all", "wait_until",
]  # fmt: skip


def dailypapers_command(*args: str) -> list[str]:
    """``dailypapers ARGS`` as this interpreter runs it."""
    return [sys.executable, "-m", "dailypapers", *args]


def wait_until(
    condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.1
) -> float:
    """Seconds until ``condition()`` held; fails naming ``what`` after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(poll)
    return time.monotonic() - started


class Service:
    """One command in its own process group, its stdout and stderr in ``log``."""

    def __init__(
        self, name: str, argv: list[str], env: dict[str, str], log_dir: Path, cwd: Path
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.log = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def assert_running(self) -> None:
        if not self.running():
            raise AssertionError(f"{self.name} exited:\n{self.output()[-4000:]}")

    def wait_for_text(self, text: str, timeout: float = 30.0) -> None:
        def seen() -> bool:
            self.assert_running()
            return text in self.output()

        wait_until(seen, timeout, f"{self.name} printing {text!r}\n{self.output()[-4000:]}")

    def wait_for_http(self, url: str, timeout: float = 30.0) -> None:
        """Until ``url`` answers at all (any status: the server is up)."""

        def answers() -> bool:
            self.assert_running()
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return True
            except urllib.error.HTTPError:
                return True
            except (urllib.error.URLError, OSError):
                return False

        wait_until(answers, timeout, f"{self.name} answering {url}\n{self.output()[-4000:]}")

    def terminate(self) -> None:
        """SIGTERM to the group, without waiting (``stop`` waits)."""
        if self.process is not None and self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM to the group, SIGKILL after ``grace``; the exit status (None: never ran)."""
        if self.process is None:
            return None
        self.terminate()
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # Children that outlived their parent (a work horse mid-job) go too.
        _signal_group(self.process.pid, signal.SIGKILL)
        return self.process.returncode


def stop_all(services: list[Service], grace: float = 10.0) -> None:
    """Stop them together: each gets its SIGTERM at once, and ``grace`` in all."""
    for service in services:
        service.terminate()
    for service in services:
        service.stop(grace)


def _signal_group(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Answer:
    """A response; header names in lower case."""

    status: int
    headers: Mapping[str, str]
    text: str


def request(
    port: int,
    path: str,
    *,
    form: Mapping[str, str] | None = None,
    body: bytes | None = None,
    cookies: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 15.0,
) -> Answer:
    """One HTTP request to 127.0.0.1:``port``, redirects not followed: GET, or POST with
    ``form`` (urlencoded) or a raw ``body``."""
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if form is not None:
        body = urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET" if body is None else "POST", path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, text)
    finally:
        connection.close()
