"""PoliteClient against a real loopback server (FakeArxiv): no network mocks."""

from __future__ import annotations

import gzip
import logging
import socket
import threading
import time
from email.utils import formatdate

import pytest

from dailypapers import __version__
from dailypapers.lib.arxiv.client import (
    ArxivHttpError,
    HttpResult,
    PoliteClient,
    ResponseTooLarge,
    user_agent,
)
from dailypapers.lib.records import SourceError
from dailypapers.lib.tests.fake_arxiv import FakeArxiv

UA = user_agent("ops@example.org", "https://papers.example.org")
FEED = "<feed><entry>x</entry></feed>"


@pytest.fixture
def arxiv():
    with FakeArxiv() as fake:
        yield fake


def client(**overrides) -> PoliteClient:
    options = {"user_agent": UA, "min_interval": 0.0, "timeout": 5.0, "backoff": 0.01}
    options.update(overrides)
    return PoliteClient(**options)


class RecordingSleep:
    """Stands in for time.sleep: remembers each wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def gaps(requests) -> list[float]:
    return [b.arrived - a.arrived for a, b in zip(requests, requests[1:], strict=False)]


# -- user agent ----------------------------------------------------------------------------


def test_user_agent_names_the_product_version_site_and_contact():
    expected = f"dailypapers/{__version__} (+https://site.example; mailto:ops@example.org)"
    assert user_agent("ops@example.org", "https://site.example") == expected


def test_user_agent_without_contact_or_site_is_just_the_product():
    assert user_agent("") == f"dailypapers/{__version__}"
    assert user_agent("", "https://s.example") == f"dailypapers/{__version__} (+https://s.example)"


def test_user_agent_drops_line_breaks_that_could_inject_headers():
    assert "\n" not in user_agent("ops@example.org\r\nX-Evil: 1")


def test_every_request_carries_the_user_agent_and_asks_for_gzip(arxiv):
    arxiv.add("/api/query", FEED)
    with client() as c:
        c.get(arxiv.url + "/api/query")
    headers = arxiv.requests[0].headers
    assert "mailto:ops@example.org" in headers["user-agent"]
    assert headers["user-agent"] == UA
    assert headers["accept-encoding"] == "gzip"


# -- basic GET -----------------------------------------------------------------------------


def test_a_successful_get_returns_status_lowercased_headers_body_and_url(arxiv):
    arxiv.add("/api/query", FEED, headers={"X-Total": "1"})
    with client() as c:
        result = c.get(arxiv.url + "/api/query")
    assert result == HttpResult(200, result.headers, FEED.encode(), arxiv.url + "/api/query")
    assert result.headers["x-total"] == "1"
    assert result.headers["content-type"] == "application/xml"


def test_params_are_encoded_and_appended_to_an_existing_query(arxiv):
    arxiv.add("/api/query", FEED)
    with client() as c:
        result = c.get(arxiv.url + "/api/query?start=0", {"search_query": "cat:cs.LG AND ti:x"})
    assert arxiv.requests[0].query == {"start": "0", "search_query": "cat:cs.LG AND ti:x"}
    assert result.url.endswith("/api/query?start=0&search_query=cat%3Acs.LG+AND+ti%3Ax")


def test_a_non_http_url_is_refused_as_a_source_error():
    with client() as c, pytest.raises(SourceError, match="not an http"):
        c.get("ftp://export.arxiv.org/x")


# -- rate limit ----------------------------------------------------------------------------


def test_consecutive_requests_start_at_least_min_interval_apart(arxiv):
    arxiv.add("/rss/cs.LG", FEED)
    with client(min_interval=0.3) as c:
        for _ in range(3):
            c.get(arxiv.url + "/rss/cs.LG")
    assert len(arxiv.requests) == 3
    # Measured where the server receives them: a loaded machine can delay one arrival by a
    # scheduling slice, which shortens the next gap; without the limit a gap is ~1 ms.
    assert all(gap >= 0.2 for gap in gaps(arxiv.requests))


def test_separate_clients_in_one_process_share_the_rate_limit(arxiv):
    arxiv.add("/rss/cs.LG", FEED)
    with client(min_interval=0.3) as first, client(min_interval=0.3) as second:
        first.get(arxiv.url + "/rss/cs.LG")
        second.get(arxiv.url + "/rss/cs.LG")
        first.get(arxiv.url + "/rss/cs.LG")
    assert all(gap >= 0.2 for gap in gaps(arxiv.requests))


def test_the_rate_limit_measures_between_starts_with_the_injected_clock():
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    def clock() -> float:
        return now[0]

    c = client(min_interval=3.0, sleep=sleep, clock=clock)
    c._wait_turn()
    now[0] += 1.0  # the first request took a second
    c._wait_turn()
    now[0] += 5.0  # idle for longer than the interval: no wait
    c._wait_turn()
    assert waits == [pytest.approx(2.0)]


# -- connections ---------------------------------------------------------------------------


def test_the_connection_is_kept_alive_and_reused_across_requests(arxiv):
    arxiv.add("/api/query", FEED)
    arxiv.add("/oai2", FEED)
    with client() as c:
        for path in ("/api/query", "/oai2", "/api/query"):
            c.get(arxiv.url + path)
    assert len({r.client_port for r in arxiv.requests}) == 1


def test_a_connection_the_server_closes_is_reopened_for_the_next_request(arxiv):
    arxiv.add("/rss/cs.LG", FEED, headers={"Connection": "close"})
    with client() as c:
        first = c.get(arxiv.url + "/rss/cs.LG")
        second = c.get(arxiv.url + "/rss/cs.LG")
    assert first.body == second.body == FEED.encode()
    ports = [r.client_port for r in arxiv.requests]
    assert len(ports) == 2 and ports[0] != ports[1]


def test_an_idle_connection_dropped_by_the_server_is_reopened_without_a_retry(arxiv, caplog):
    arxiv.add("/rss/cs.LG", FEED)
    with caplog.at_level(logging.WARNING, logger="dailypapers.arxiv"), client() as c:
        c.get(arxiv.url + "/rss/cs.LG")
        arxiv.drop_connections()
        time.sleep(0.05)  # let the FIN reach the client's socket
        assert c.get(arxiv.url + "/rss/cs.LG").body == FEED.encode()
    assert caplog.records == []  # keep-alive ending is routine, not a failure
    first, second = arxiv.requests
    assert first.client_port != second.client_port


def test_clients_in_different_threads_still_take_turns(arxiv):
    arxiv.add("/api/query", FEED)

    def fetch_twice() -> None:
        with client(min_interval=0.2) as c:
            c.get(arxiv.url + "/api/query")
            c.get(arxiv.url + "/api/query")

    workers = [threading.Thread(target=fetch_twice) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert len(arxiv.requests) == 4
    assert all(gap >= 0.19 for gap in gaps(arxiv.requests))


# -- retries -------------------------------------------------------------------------------


def test_a_500_then_a_200_succeeds_after_one_retry(arxiv):
    arxiv.add("/api/query", "oops", status=500)
    arxiv.add("/api/query", FEED)
    with client() as c:
        result = c.get(arxiv.url + "/api/query")
    assert result.status == 200 and result.body == FEED.encode()
    assert len(arxiv.requests) == 2


def test_a_503_retry_after_in_seconds_is_honoured_before_retrying(arxiv):
    arxiv.add("/oai2", "busy", status=503, headers={"Retry-After": "1"})
    arxiv.add("/oai2", FEED)
    with client(backoff=0.01) as c:
        result = c.get(arxiv.url + "/oai2")
    assert result.status == 200
    assert gaps(arxiv.requests)[0] >= 1.0


def test_a_retry_after_http_date_is_turned_into_the_wait_until_then(arxiv):
    arxiv.add("/oai2", "busy", status=503, headers={"Retry-After": formatdate(time.time() + 3)})
    arxiv.add("/oai2", FEED)
    sleep = RecordingSleep()
    with client(sleep=sleep, backoff=50.0) as c:
        assert c.get(arxiv.url + "/oai2").status == 200
    # HTTP-dates have one-second resolution, so "3 s from now" means between 2 and 3 s.
    assert len(sleep.waits) == 1 and 1.9 <= sleep.waits[0] <= 3.1


def test_a_429_is_retried_like_a_503_and_retry_after_is_capped(arxiv):
    arxiv.add("/api/query", "slow down", status=429, headers={"Retry-After": "3600"})
    arxiv.add("/api/query", FEED)
    sleep = RecordingSleep()
    with client(sleep=sleep, max_retry_after=7.0) as c:
        assert c.get(arxiv.url + "/api/query").status == 200
    assert sleep.waits == [7.0]


def test_backoff_grows_exponentially_up_to_max_backoff(arxiv):
    arxiv.add("/api/query", "down", status=502)
    sleep = RecordingSleep()
    fast_fail = client(sleep=sleep, retries=5, backoff=1.0, max_backoff=5.0)
    with fast_fail as c, pytest.raises(ArxivHttpError):
        c.get(arxiv.url + "/api/query")
    bases = [1.0, 2.0, 4.0, 5.0, 5.0]
    assert len(sleep.waits) == 5
    for wait, base in zip(sleep.waits, bases, strict=True):
        assert base <= wait <= base * 1.1  # at most 10% jitter on top


def test_exhausted_retries_raise_with_the_attempt_count_status_and_url(arxiv):
    arxiv.add("/api/query", "still down", status=503)
    url = arxiv.url + "/api/query?id_list=2501.01234"
    with client(retries=2) as c, pytest.raises(ArxivHttpError) as caught:
        c.get(url)
    error = caught.value
    reason = f"arXiv answered 503 Service Unavailable for {url}"
    assert str(error) == f"gave up after 3 attempts: {reason}"
    assert (error.status, error.url, error.body) == (503, url, b"still down")
    assert len(arxiv.requests) == 3


def test_each_retry_is_logged_with_its_reason_and_wait(arxiv, caplog):
    arxiv.add("/api/query", "down", status=500)
    arxiv.add("/api/query", FEED)
    with caplog.at_level(logging.WARNING, logger="dailypapers.arxiv"), client(backoff=0.01) as c:
        c.get(arxiv.url + "/api/query")
    [record] = caplog.records
    assert record.name == "dailypapers.arxiv"
    assert "500 Internal Server Error" in record.getMessage()
    assert "retrying in 0.0s" in record.getMessage()


def test_a_400_raises_at_once_without_retry_and_exposes_the_body(arxiv):
    arxiv.add("/api/query", "<error>malformed id</error>", status=400)
    url = arxiv.url + "/api/query?id_list=abc"
    with client() as c, pytest.raises(ArxivHttpError) as caught:
        c.get(url)
    assert str(caught.value) == f"arXiv answered 400 Bad Request for {url}"
    assert caught.value.status == 400
    assert caught.value.body == b"<error>malformed id</error>"
    assert len(arxiv.requests) == 1


def test_an_unscripted_path_is_a_404_error_without_retry(arxiv):
    with client() as c, pytest.raises(ArxivHttpError, match="404 Not Found") as caught:
        c.get(arxiv.url + "/nowhere")
    assert b"nothing scripted" in caught.value.body
    assert len(arxiv.requests) == 1


def test_a_timeout_is_retried_on_a_fresh_connection(arxiv):
    arxiv.add("/rss/cs.LG", FEED, delay=2.0, times=1)
    arxiv.add("/rss/cs.LG", FEED)
    with client(timeout=0.2) as c:
        result = c.get(arxiv.url + "/rss/cs.LG")
    assert result.body == FEED.encode()
    first, second = arxiv.requests
    assert first.client_port != second.client_port


def test_repeated_timeouts_give_up_with_a_clear_message(arxiv):
    arxiv.add("/rss/cs.LG", FEED, delay=2.0)
    with client(timeout=0.1, retries=1) as c, pytest.raises(ArxivHttpError) as caught:
        c.get(arxiv.url + "/rss/cs.LG")
    assert str(caught.value).startswith("gave up after 2 attempts: no answer within 0.1s from")
    assert caught.value.status is None


def test_a_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    with client(retries=1) as c, pytest.raises(ArxivHttpError, match="gave up after 2 attempts"):
        c.get(f"http://127.0.0.1:{port}/api/query")


# -- bodies --------------------------------------------------------------------------------


def test_a_gzip_body_is_decompressed(arxiv):
    arxiv.add("/rss/cs.LG", gzip.compress(FEED.encode()), headers={"Content-Encoding": "gzip"})
    with client() as c:
        assert c.get(arxiv.url + "/rss/cs.LG").body == FEED.encode()


def test_a_body_over_max_bytes_raises_response_too_large(arxiv):
    arxiv.add("/api/query", b"x" * 5000)
    with client(max_bytes=1000) as c, pytest.raises(ResponseTooLarge):
        c.get(arxiv.url + "/api/query")


def test_a_chunked_body_without_length_is_cut_off_at_max_bytes(arxiv):
    arxiv.add("/api/query", b"x" * 100_000, headers={"Transfer-Encoding": "chunked"})
    arxiv.add("/small", b"ok", headers={"Transfer-Encoding": "chunked"})
    with client(max_bytes=1000) as c:
        with pytest.raises(ResponseTooLarge, match="larger than 1000 bytes"):
            c.get(arxiv.url + "/api/query")
        assert c.get(arxiv.url + "/small").body == b"ok"  # the client recovers


def test_the_size_cap_applies_to_the_decompressed_body(arxiv):
    bomb = gzip.compress(b"\0" * 1_000_000)
    arxiv.add("/rss/cs.LG", bomb, headers={"Content-Encoding": "gzip"})
    with client(max_bytes=100_000) as c, pytest.raises(ResponseTooLarge):
        c.get(arxiv.url + "/rss/cs.LG")
    assert len(bomb) < 100_000  # the compressed size alone would have passed


def test_a_corrupt_gzip_body_is_a_source_error(arxiv):
    arxiv.add("/rss/cs.LG", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    with client() as c, pytest.raises(SourceError, match="corrupt gzip"):
        c.get(arxiv.url + "/rss/cs.LG")


# -- redirects -----------------------------------------------------------------------------


def test_a_redirect_is_followed_and_the_final_url_reported(arxiv):
    arxiv.add("/rss/cs.LG", "", status=301, headers={"Location": "/rss/cs.LG/new"})
    arxiv.add("/rss/cs.LG/new", FEED)
    with client() as c:
        result = c.get(arxiv.url + "/rss/cs.LG")
    assert result.body == FEED.encode()
    assert result.url == arxiv.url + "/rss/cs.LG/new"
    assert [r.path for r in arxiv.requests] == ["/rss/cs.LG", "/rss/cs.LG/new"]


def test_a_redirect_loop_stops_after_five_hops(arxiv):
    arxiv.add("/a", "", status=302, headers={"Location": "/b"})
    arxiv.add("/b", "", status=302, headers={"Location": "/a"})
    with client() as c, pytest.raises(ArxivHttpError, match="redirected more than 5 times"):
        c.get(arxiv.url + "/a")
    assert len(arxiv.requests) == 6
