"""A scriptable stand-in for arXiv's HTTP endpoints, served over real loopback sockets.

``FakeArxiv`` runs an HTTP/1.1 server (keep-alive included) on 127.0.0.1 in a background
thread. Tests script what each path answers and then inspect what arrived, so ingest code
is exercised through its real HTTP client rather than through mocks::

    from dailypapers.lib.tests.fake_arxiv import FakeArxiv

    with FakeArxiv() as arxiv:
        # A queue per path: first a 503 asking to come back in a second, then the feed.
        arxiv.add("/rss/cs.LG", "", status=503, headers={"Retry-After": "1"})
        arxiv.add("/rss/cs.LG", rss_bytes, content_type="application/rss+xml")
        # OAI-PMH pages told apart by their query parameters (a subset must match).
        arxiv.add("/oai2", page1, query={"verb": "ListRecords", "set": "cs"})
        arxiv.add("/oai2", page2, query={"resumptionToken": "6418|1001"})

        fetch_everything(base_url=arxiv.url)  # "http://127.0.0.1:PORT"

        assert [r.path for r in arxiv.requests] == ["/rss/cs.LG", "/rss/cs.LG", ...]
        assert arxiv.requests[1].arrived - arxiv.requests[0].arrived >= 1

Which response a request gets: responses are kept in queues, one per path and ``query``
(the parameters that must appear in the request with those values; a subset is enough).
Among the queues that match a request, the one naming the most parameters wins (ties go
to the queue scripted last), and it answers with its oldest response. A response added
without ``times`` is used up after one answer while more wait behind it in its queue, and
the last one repeats forever; so "503 then 200" serves the 503 once and the 200 from then
on. With ``times=n`` a response answers exactly n times and is then gone. A request that
nothing matches gets a 404 with a short explanation in its body.

Headers given in ``headers`` override the defaults (Content-Type, Content-Length); giving
``{"Transfer-Encoding": "chunked"}`` sends the body chunked, without a length, and
``{"Connection": "close"}`` makes the server close the connection after answering;
``drop_connections()`` closes every open connection at once, like an idle timeout.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]  # a repeated parameter keeps its last value
    headers: dict[str, str]  # names lower-cased
    arrived: float  # time.monotonic() when the request line had been read
    client_port: int  # the same port on two requests means the connection was reused
    body: bytes = b""


@dataclass(slots=True)
class _Scripted:
    status: int
    body: bytes
    headers: dict[str, str]
    delay: float
    query: dict[str, str]
    times: int | None  # answers left; None: until a later match takes over

    def matches(self, query: dict[str, str]) -> bool:
        return all(query.get(name) == value for name, value in self.query.items())


class FakeArxiv:
    """Context manager serving scripted responses on http://127.0.0.1:<free port>."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, list[_Scripted]] = {}
        self._requests: list[RecordedRequest] = []
        self._sockets: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeArxiv:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in a scripted delay
        server.shutdown()
        server.server_close()
        # Kept-alive connections would otherwise park their handler threads forever.
        self.drop_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def drop_connections(self) -> None:
        """Close every open client connection from the server side, as an idle timeout would."""
        with self._lock:
            open_sockets = list(self._sockets)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> FakeArxiv:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. "http://127.0.0.1:54321"."""
        if self._server is None:
            raise RuntimeError("FakeArxiv is not running; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting -------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "application/xml",
        delay: float = 0.0,
        query: dict[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Queue a response for path (see the module docstring for the matching rules).

        A query string in path ("/api/query?id_list=x") is folded into ``query``. A str body
        is sent as UTF-8. ``delay`` is slept before answering, to provoke client timeouts.
        """
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None)")
        parts = urlsplit(path)
        wanted = dict(parse_qsl(parts.query, keep_blank_values=True))
        wanted.update(query or {})
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        merged = {"Content-Type": content_type}
        merged.update(headers or {})
        script = _Scripted(status, data, merged, delay, wanted, times)
        with self._lock:
            self._scripts.setdefault(parts.path or "/", []).append(script)

    def reset(self) -> None:
        """Forget every scripted response and recorded request."""
        with self._lock:
            self._scripts.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    # -- used by the handler threads -------------------------------------------------------

    def _record(self, request: RecordedRequest) -> _Scripted | None:
        with self._lock:
            self._requests.append(request)
            queue = self._scripts.get(request.path, [])
            matching = [(i, s) for i, s in enumerate(queue) if s.matches(request.query)]
            if not matching:
                return None
            # Most specific wins, so an OAI page keyed by resumptionToken beats the first
            # page keyed by verb alone; later-scripted wins ties, as the narrower override.
            best = max(matching, key=lambda item: (len(item[1].query), item[0]))[1]
            line = [s for _, s in matching if s.query == best.query]
            chosen = line[0]
            if chosen.times is not None:
                chosen.times -= 1
                if chosen.times == 0:
                    queue.remove(chosen)
            elif len(line) > 1:
                queue.remove(chosen)
            return chosen

    def _track(self, sock: socket.socket, *, open_: bool) -> None:
        with self._lock:
            if open_:
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)


def _make_handler(fake: FakeArxiv) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections
        server_version = "FakeArxiv/1.0"
        # Headers and body go out in separate writes; with Nagle on, the client's delayed
        # ACK would add ~40 ms to every response.
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            fake._track(self.connection, open_=True)

        def finish(self) -> None:
            fake._track(self.connection, open_=False)
            with contextlib.suppress(OSError):  # the client went away; nothing to flush to
                super().finish()

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean; fake.requests is the log

        def _answer(self, *, send_body: bool = True) -> None:
            arrived = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            form = "application/x-www-form-urlencoded"
            if self.headers.get("Content-Type", "").startswith(form):
                # OAI-PMH allows POST with the arguments in the body; match them the same way.
                query.update(parse_qsl(body.decode("latin-1"), keep_blank_values=True))
            request = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=query,
                headers={k.lower(): v for k, v in self.headers.items()},
                arrived=arrived,
                client_port=self.client_address[1],
                body=body,
            )
            script = fake._record(request)
            if script is None:
                message = f"FakeArxiv: nothing scripted for {self.command} {self.path}\n"
                script = _Scripted(404, message.encode(), {"Content-Type": "text/plain"}, 0, {}, 1)
            if script.delay and fake._stopping.wait(script.delay):
                self.close_connection = True
                return
            try:
                self._send(script, send_body)
            except OSError:
                self.close_connection = True  # the client gave up (e.g. timed out) meanwhile

        def _send(self, script: _Scripted, send_body: bool) -> None:
            headers = {k.lower(): (k, v) for k, v in script.headers.items()}
            chunked = headers.get("transfer-encoding", ("", ""))[1].lower() == "chunked"
            if not chunked and "content-length" not in headers:
                headers["content-length"] = ("Content-Length", str(len(script.body)))
            self.send_response(script.status)
            for name, value in headers.values():
                self.send_header(name, value)
            self.end_headers()
            if send_body and chunked:
                for start in range(0, len(script.body), 16 * 1024):
                    piece = script.body[start : start + 16 * 1024]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            elif send_body:
                self.wfile.write(script.body)
            self.wfile.flush()

    return Handler
