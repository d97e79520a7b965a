"""The production layout behaves as one site: nginx in front of two web nodes on different
ports, sharing one PostgreSQL database and one Redis, with two RQ workers and a scheduler
(docs/deploy.md). Every process is started here, as systemd would start it.

Runs when DATABASE_URL is PostgreSQL, REDIS_URL is set and TASK_BACKEND=rq (CI leg 2). The
subprocesses use pytest's test database, so each test writes through ``transactional_db``
(committed rows only are visible to them).
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from dailypapers.testing import nginx
from dailypapers.testing.processes import (
    Answer,
    Service,
    dailypapers_command,
    free_port,
    request,
    stop_all,
    wait_until,
)

if TYPE_CHECKING:  # the sink's module needs aiosmtpd, a test-only dependency
    from dailypapers.testing.smtp import SmtpSink

ANONYMOUS_CACHE_SECONDS = 2
LOGIN_LIMIT = 4
DIGEST_CHUNK = 2
# Time for a poll to see what is due at the limit: a page stored just before the change is
# served until it expires, and a few requests' time on two shared cores on top.
SLACK_SECONDS = 2.0


def _skip_reason() -> str:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return (
            "two web nodes need a shared database server: runs with DATABASE_URL=postgres://…"
            " and REDIS_URL set (CI leg 2)"
        )
    if not os.environ.get("REDIS_URL"):
        return "two web nodes need a shared cache and queue: set REDIS_URL (CI leg 2)"
    if os.environ.get("TASK_BACKEND") != "rq":
        # This process queues work (an import's embedding) for the site's RQ workers.
        return "the layout's workers are RQ workers: set TASK_BACKEND=rq (CI leg 2)"
    return nginx.missing_reason()


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(_skip_reason()), reason=_skip_reason() or "runs"),
]

# Settings of the machine running the tests that must not reach the site's processes.
_NOT_INHERITED = {
    "DATABASE_URL", "REDIS_URL", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE", "DATA_DIR",
    "DAILYPAPERS_DATA_DIR", "SITE_URL", "ALLOWED_HOSTS", "PORT", "DEBUG", "SECRET_KEY",
}  # fmt: skip
_NOT_INHERITED_PREFIXES = ("EMAIL_", "DIGEST_", "ARXIV_")


def _test_database_url() -> str:
    """DATABASE_URL naming pytest's test database (test_<name>) instead of the configured one."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


@dataclass
class Site:
    proxy: int
    node_a: int
    node_b: int
    sink: SmtpSink
    services: list[Service]

    def logs(self) -> str:
        return "\n".join(f"== {s.name}\n{s.output()[-3000:]}" for s in self.services)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Iterator[Site]:
    from dailypapers.testing.smtp import SmtpSink

    root = tmp_path_factory.mktemp("two-nodes")
    node_ports = [free_port(), free_port()]
    proxy_env = dict(os.environ)
    proxy, proxy_port = nginx.nginx_service(root / "nginx", node_ports, proxy_env)
    with SmtpSink() as sink:
        base = {
            key: value
            for key, value in os.environ.items()
            if key not in _NOT_INHERITED and not key.startswith(_NOT_INHERITED_PREFIXES)
        }
        base.update(
            DATABASE_URL=_test_database_url(),
            REDIS_URL=os.environ["REDIS_URL"],
            TASK_BACKEND="rq",
            # One key for every node: sessions and signed links made by one are valid on all.
            SECRET_KEY=settings.SECRET_KEY,
            SITE_URL=f"http://127.0.0.1:{proxy_port}",
            ALLOWED_HOSTS="127.0.0.1 localhost",
            BEHIND_PROXY="1",
            ANONYMOUS_PAGE_CACHE_SECONDS=str(ANONYMOUS_CACHE_SECONDS),
            LOGIN_ATTEMPTS_PER_15_MIN=str(LOGIN_LIMIT),
            # Word-hash vectors, and no periodic table check: only the shared cache's
            # "vectors changed" notice can make a node reload its index.
            EMBEDDING_MODEL="off",
            VECTOR_INDEX_CHECK_SECONDS="3600",
            KEYWORD_INDEX="off",
            # Static files from the app folders: no collectstatic per node in a test.
            STATIC_MANIFEST="0",
            WHITENOISE_USE_FINDERS="1",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_TIMEOUT="5",
            DIGEST_CHECK_MINUTES="0",  # the scheduler queues a digest check every pass
            DIGEST_CHUNK_SIZE=str(DIGEST_CHUNK),
            DIGEST_SEND_RATE="20",  # a chunk takes ~0.1 s: the other worker takes the next
            DIGEST_POSTAL_ADDRESS="1 Test Street, Testville",
            # arXiv is never asked: a closed port fails at once.
            ARXIV_RSS_URL="http://127.0.0.1:9/rss",
            ARXIV_API_URL="http://127.0.0.1:9/api/query",
            ARXIV_OAI_URL="http://127.0.0.1:9/oai",
            ARXIV_RETRIES="0",
        )

        def service(name: str, *args: str) -> Service:
            data_dir = root / name  # nothing is shared through files: each has its own
            data_dir.mkdir()
            # gunicorn puts its control socket in XDG_RUNTIME_DIR, else ~/.gunicorn: one
            # per process, not one path shared by both nodes (and the developer's).
            env = {**base, "DATA_DIR": str(data_dir), "HOME": str(data_dir),
                   "XDG_RUNTIME_DIR": str(data_dir)}  # fmt: skip
            return Service(name, dailypapers_command(*args), env, root, data_dir)

        # One gunicorn process per node, so "the other node's index" is one process's.
        nodes = [
            service(f"node-{label}", "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "1")
            for label, port in zip("ab", node_ports, strict=True)
        ]
        worker_args = ("rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job")
        workers = [service(f"worker-{n}", *worker_args, "default") for n in (1, 2)]
        scheduler = service("scheduler", "scheduler", "--loop")
        services = [*nodes, *workers, scheduler, proxy]
        try:
            for each in services:
                each.start()
            for node, port in zip(nodes, node_ports, strict=True):
                node.wait_for_http(f"http://127.0.0.1:{port}/robots.txt", timeout=60)
            proxy.wait_for_http(f"http://127.0.0.1:{proxy_port}/robots.txt", timeout=20)
            for worker in workers:
                worker.wait_for_text("Listening on", timeout=60)
            yield Site(proxy_port, node_ports[0], node_ports[1], sink, services)
            for each in services:
                each.assert_running()
        finally:
            stop_all(services)


def _member_cookies(email: str) -> dict[str, str]:
    """A signed-in member's cookies: a session stored in the shared database, and a CSRF
    secret of our own (Django compares the form's token with the cookie)."""
    from dailypapers.testing.factories import make_member

    browser = Client()
    browser.force_login(make_member(email))
    csrf = secrets.token_hex(16)  # 32 characters, the cookie's format
    return {"sessionid": browser.cookies["sessionid"].value, "csrftoken": csrf}


def _post(port: int, path: str, cookies: dict[str, str], **fields: str) -> Answer:
    return request(
        port, path, form={**fields, "csrfmiddlewaretoken": cookies["csrftoken"]}, cookies=cookies
    )


def _vote_count(page: str, arxiv_id: str) -> int:
    """The upvote count shown beside the paper on a list page."""
    at = page.index(f"/papers/{arxiv_id}/")
    found = re.search(r'class="vote-count">(\d+)<', page[at:])
    assert found, f"no vote count after {arxiv_id}"
    return int(found.group(1))


def _until(site: Site, check: Callable[[], bool], timeout: float, what: str) -> float:
    """``wait_until``, failing with the end of every process's log."""
    try:
        return wait_until(check, timeout, what)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{site.logs()}") from None


def test_a_vote_and_a_comment_through_node_a_show_on_node_b_at_once_for_members_and_within_the_cache_time_for_visitors(  # noqa: E501
    site: Site, transactional_db: None
) -> None:
    from dailypapers.testing.factories import store_paper

    store_paper("2501.00001", title="Shared state across nodes")
    member = _member_cookies("ada@example.org")
    paper_path = "/papers/2501.00001/"

    # A visitor's pages are stored in the shared cache: what node B stored, node A serves.
    assert _vote_count(request(site.node_b, "/").text, "2501.00001") == 0
    assert request(site.node_a, "/").headers.get("x-page-cache") == "hit"
    request(site.node_a, paper_path)
    assert request(site.node_b, paper_path).headers.get("x-page-cache") == "hit"

    answer = _post(site.node_a, f"{paper_path}vote/", member, action="add")
    assert answer.status in (200, 302), answer.text[:500]
    voted = time.monotonic()

    # The member sees it through the other node and through the proxy at once.
    for port in (site.node_b, site.proxy):
        page = request(port, "/", cookies=member).text
        assert _vote_count(page, "2501.00001") == 1 and 'aria-pressed="true"' in page

    # The paper page's cached copy is keyed on the paper's row: invalidated on every node.
    assert "1 upvote" in re.sub(r"<[^>]+>", "", request(site.node_b, paper_path).text)

    # The feed page may be served from the cache until it expires, then shows the vote.
    def visitor_sees_vote() -> bool:
        return _vote_count(request(site.node_b, "/").text, "2501.00001") == 1

    _until(
        site, visitor_sees_vote, ANONYMOUS_CACHE_SECONDS + SLACK_SECONDS, "visitor seeing the vote"
    )
    assert time.monotonic() - voted <= ANONYMOUS_CACHE_SECONDS + SLACK_SECONDS

    body = f"A comment written through node A ({secrets.token_hex(4)})"
    answer = _post(site.node_a, f"{paper_path}comments/", member, body=body)
    assert answer.status in (200, 302), answer.text[:500]
    commented = time.monotonic()
    assert body in request(site.node_b, paper_path, cookies=member).text
    _until(
        site,
        lambda: body in request(site.proxy, paper_path).text,
        ANONYMOUS_CACHE_SECONDS + SLACK_SECONDS,
        "visitor seeing the comment through the proxy",
    )
    assert time.monotonic() - commented <= ANONYMOUS_CACHE_SECONDS + SLACK_SECONDS


def test_a_new_papers_vector_reaches_the_other_nodes_in_memory_index(
    site: Site, transactional_db: None
) -> None:
    from dailypapers.search.models import PaperEmbedding
    from dailypapers.testing.factories import import_paper

    member = _member_cookies("ada@example.org")  # signed in: pages are never cached
    # Imports queue their papers' embedding; the workers write the vectors.
    import_paper("2501.00101", title="Hermit crabs in tidal pools",
                abstract="Hermit crabs trade shells in tidal pools at low tide.")  # fmt: skip
    import_paper("2501.00102", title="Water storage in desert cacti",
                abstract="Cacti keep water in their stems through dry seasons.")  # fmt: skip
    _until(
        site, lambda: PaperEmbedding.objects.count() == 2, 30, "the workers embedding two papers"
    )

    # Node B loads its index of the two vectors.
    first = request(site.node_b, "/papers/2501.00101/", cookies=member).text
    assert "Related by shared words only" in first, "node B relates by its vector index"

    import_paper("2501.00103", title="Hermit crabs choose shells in tidal pools",
                abstract="Which shells hermit crabs choose in tidal pools, and why.")  # fmt: skip
    _until(
        site, lambda: PaperEmbedding.objects.count() == 3, 30, "the workers embedding the new paper"
    )

    # No table check for an hour (VECTOR_INDEX_CHECK_SECONDS): the worker's notice in the
    # shared cache alone makes node B read the new vector.
    page = request(site.node_b, "/papers/2501.00103/", cookies=member).text
    assert "not indexed for related papers yet" not in page
    assert "Related by shared words only" in page
    again = request(site.node_b, "/papers/2501.00101/", cookies=member).text
    related = again[again.index('id="related-heading"') :]
    assert related.index("/papers/2501.00103/") < related.index("/papers/2501.00102/")


def test_a_digest_run_split_across_both_workers_sends_each_digest_exactly_once(
    site: Site, transactional_db: None
) -> None:
    from dailypapers.digests.models import Delivery
    from dailypapers.testing.factories import make_ranked_paper, make_subscriber

    sink = site.sink
    sink.clear()
    make_ranked_paper(score=5)
    make_ranked_paper(score=3)
    addresses = [f"reader{n}@example.com" for n in range(12)]
    for address in addresses:
        make_subscriber(address)

    # The scheduler queues the digest check; a worker plans the run and fans its chunks out.
    sink.wait_for(len(addresses), timeout=60)
    time.sleep(2 * DIGEST_CHUNK)  # any second copy, from a chunk run twice, arrives by now
    recipients = Counter(rcpt for _, rcpts in sink.envelopes for rcpt in rcpts)
    assert recipients == Counter(addresses), "each subscriber got exactly one digest"
    sent = Delivery.objects.filter(state="sent")
    assert sent.count() == len(addresses)
    # RQ runs each task in a forked work horse: the worker's own log says who ran what.
    chunks = [
        s.output().count("send_digest_chunk") for s in site.services if s.name.startswith("worker")
    ]
    assert all(chunks), f"both workers sent chunks (task lines per worker: {chunks})"


def test_log_in_attempts_count_across_nodes_and_a_forged_forwarded_address_does_not_reset_them(
    site: Site, transactional_db: None
) -> None:
    cookies = {"csrftoken": secrets.token_hex(16)}
    attempt = {"username": "nobody@example.org", "password": "wrong password"}
    for port in [site.node_a, site.node_b] * (LOGIN_LIMIT // 2):
        assert _post(port, "/accounts/login/", cookies, **attempt).status == 200
    assert _post(site.proxy, "/accounts/login/", cookies, **attempt).status == 429

    # Another address from the same client: the address's count is fresh, the client's is
    # spent; a made-up first hop (the proxy appends the real one) changes nothing.
    forged = request(
        site.proxy, "/accounts/login/",
        form={"username": "other@example.org", "password": "x",
              "csrfmiddlewaretoken": cookies["csrftoken"]},
        cookies=cookies, headers={"X-Forwarded-For": "203.0.113.7"},
    )  # fmt: skip
    assert forged.status == 429


def test_the_proxy_spreads_requests_over_both_nodes_serves_static_files_and_refuses_big_bodies(
    site: Site, transactional_db: None
) -> None:
    for n in range(6):
        assert request(site.proxy, f"/robots.txt?spread={n}").status == 200
    node_logs = [s.output() for s in site.services if s.name.startswith("node-")]
    assert all("spread=" in log for log in node_logs), "each node answered some requests"

    static = request(site.proxy, "/static/feed/site.css")
    assert static.status == 200 and "text/css" in static.headers["content-type"]

    # client_max_body_size matches MAX_REQUEST_BODY_BYTES: nginx refuses, no node reads it.
    limit = settings.MAX_REQUEST_BODY_BYTES
    too_big = request(site.proxy, "/accounts/login/", body=b"x" * (limit + 1024))
    assert too_big.status == 413
    within = request(site.proxy, "/accounts/login/", body=b"x" * (limit // 4))
    assert within.status != 413
