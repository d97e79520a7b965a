"""A paper's PDF is fetched once, politely, from a local arXiv, and page 1 becomes a WebP; bad
PDFs are skipped with a reason, failures retried later."""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from PIL import Image

from dailypapers import settings as project_settings
from dailypapers.lib.arxiv.client import PoliteClient
from dailypapers.papers.ingest.connect import arxiv_client
from dailypapers.testing.factories import make_paper
from dailypapers.testing.pdfs import encrypted_pdf, paper_pdf, truncated
from dailypapers.thumbnails import storage
from dailypapers.thumbnails.fetching import make_thumbnail, pdf_client
from dailypapers.thumbnails.gate import ARXIV, wait_for_turn
from dailypapers.thumbnails.models import RETRY_AFTER, Thumbnail
from dailypapers.thumbnails.tasks import backlog_ids, make_thumbnails
from dailypapers.thumbnails.tests.conftest import CONTACT

pytestmark = pytest.mark.django_db
Status = Thumbnail.Status


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def serve(server, paper, body: bytes, **options) -> str:
    path = f"/pdf/{paper.versioned_id}"
    server.add(path, body, content_type=options.pop("content_type", "application/pdf"), **options)
    return path


def test_a_paper_gets_page_one_as_a_small_webp_and_a_row_saying_so(pdf_server):
    paper = make_paper("2501.00001", version=2)
    serve(pdf_server, paper, paper_pdf(pages=3))

    assert make_thumbnails.call([paper.pk]) == 1

    row = Thumbnail.objects.get(paper=paper)
    assert (row.status, row.pages, row.width, row.attempts) == (Status.RENDERED, 3, 320, 1)
    with Image.open(storage.path_for("2501.00001")) as picture:
        assert picture.format == "WEBP" and picture.size == (row.width, row.height)
    assert storage.path_for("2501.00001").stat().st_size == row.bytes < 60_000
    assert [r.path for r in pdf_server.requests] == ["/pdf/2501.00001v2"]


def test_a_paper_is_never_fetched_twice(pdf_server):
    paper = make_paper("2501.00002", version=1)
    serve(pdf_server, paper, paper_pdf())
    make_thumbnails.call([paper.pk, paper.pk])
    make_thumbnails.call([paper.pk])
    assert len(pdf_server.requests) == 1
    assert Thumbnail.objects.filter(paper=paper).count() == 1


def test_a_skipped_paper_is_not_fetched_again_either(pdf_server):
    paper = make_paper("2501.00003", version=1)
    serve(pdf_server, paper, b"<html>No PDF for you</html>", content_type="text/html")
    make_thumbnails.call([paper.pk])
    make_thumbnails.call([paper.pk])
    assert len(pdf_server.requests) == 1
    assert paper.pk not in backlog_ids()


def test_requests_keep_the_interval_and_say_who_is_asking(pdf_server, settings):
    settings.ARXIV_REQUEST_INTERVAL = 0.3
    papers = [make_paper(f"2501.0001{n}", version=1) for n in range(3)]
    for paper in papers:
        serve(pdf_server, paper, paper_pdf(seed=paper.pk))

    make_thumbnails.call([paper.pk for paper in papers])

    arrived = [request.arrived for request in pdf_server.requests]
    assert len(arrived) == 3
    # Measured where the server receives them: a loaded machine can delay one arrival by a
    # scheduling slice, which shortens the next gap; without the limit a gap is ~1 ms.
    assert min(gaps(arrived)) >= 0.2
    agents = {request.headers["user-agent"] for request in pdf_server.requests}
    assert len(agents) == 1 and agents.pop().startswith("dailypapers/")
    assert f"mailto:{CONTACT}" in pdf_server.requests[0].headers["user-agent"]


def test_the_default_pace_is_arxivs_one_request_every_three_seconds(monkeypatch):
    assert inspect.signature(PoliteClient).parameters["min_interval"].default == 3.0
    monkeypatch.delenv("ARXIV_REQUEST_INTERVAL", raising=False)
    assert project_settings.env_float("ARXIV_REQUEST_INTERVAL", 3.0) == 3.0
    source = inspect.getsource(project_settings)
    assert 'ARXIV_REQUEST_INTERVAL = env_float("ARXIV_REQUEST_INTERVAL", 3.0)' in source


def test_the_pdf_client_shares_the_interval_with_other_processes(settings):
    settings.ARXIV_REQUEST_INTERVAL = 3.0
    with pdf_client() as client:
        assert client.min_interval == 3.0 and client._gate is not None
        assert client.max_bytes == settings.THUMBNAIL_MAX_PDF_BYTES


def test_two_processes_fetching_at_once_still_keep_one_interval(threads_db, pdf_server, settings):
    """Each client gets a clock of its own, so the in-process spacing does not tie them
    together, as in two worker processes: only the row in the database keeps them apart."""
    settings.ARXIV_REQUEST_INTERVAL = 0.4
    papers = [make_paper(f"2501.0002{n}", version=1) for n in range(4)]
    for paper in papers:
        serve(pdf_server, paper, paper_pdf())
    reserved: list[float] = []

    def worker(ids: list[int]) -> None:
        def own_clock() -> float:
            return time.monotonic()

        def gate() -> None:
            reserved.append(wait_for_turn(ARXIV, 0.4))

        with arxiv_client(gate=gate) as client:
            client._clock = own_clock
            for paper_id in ids:
                make_thumbnail(paper_id, client)

    threads = [
        threading.Thread(target=worker, args=([papers[0].pk, papers[1].pk],)),
        threading.Thread(target=worker, args=([papers[2].pk, papers[3].pk],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(reserved) == 4 and min(gaps(sorted(reserved))) >= 0.4 - 1e-6
    arrived = sorted(request.arrived for request in pdf_server.requests)
    assert len(arrived) == 4 and min(gaps(arrived)) >= 0.2  # one arrival may come late
    assert Thumbnail.objects.filter(status=Status.RENDERED).count() == 4


def test_a_503_is_retried_with_backoff_and_then_rendered(pdf_server):
    paper = make_paper("2501.00030", version=1)
    path = serve(pdf_server, paper, b"busy", status=503, content_type="text/plain")
    serve(pdf_server, paper, paper_pdf())

    make_thumbnails.call([paper.pk])

    assert [r.path for r in pdf_server.requests] == [path, path]
    assert Thumbnail.objects.get(paper=paper).status == Status.RENDERED


def test_a_paper_arxiv_keeps_failing_is_failed_and_retried_only_a_day_later(pdf_server):
    paper = make_paper("2501.00031", version=1)
    serve(pdf_server, paper, b"down", status=503, content_type="text/plain")

    make_thumbnails.call([paper.pk])

    row = Thumbnail.objects.get(paper=paper)
    assert row.status == Status.FAILED and "503" in row.reason
    assert len(pdf_server.requests) == 3  # the first try and two retries
    assert paper.pk not in backlog_ids()
    Thumbnail.objects.filter(pk=row.pk).update(updated_at=timezone.now() - RETRY_AFTER)
    assert paper.pk in backlog_ids()
    make_thumbnails.call([paper.pk])
    assert Thumbnail.objects.get(pk=row.pk).attempts == 2


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [
        (truncated(paper_pdf()), "application/pdf", 200, "truncated"),
        (encrypted_pdf(), "application/pdf", 200, "encrypted"),
        (b"<!doctype html><title>Not found</title>", "text/html", 200, "not a PDF"),
        (b"", "application/pdf", 200, "empty"),
        (b"no such paper", "text/plain", 404, "404"),
    ],
    ids=["truncated", "encrypted", "html", "empty", "missing"],
)
def test_bad_pdfs_are_skipped_with_the_reason(pdf_server, body, content_type, status, reason):
    paper = make_paper("2501.00040", version=1)
    serve(pdf_server, paper, body, content_type=content_type, status=status)

    assert make_thumbnails.call([paper.pk]) == 0

    row = Thumbnail.objects.get(paper=paper)
    assert row.status == Status.SKIPPED and reason in row.reason
    assert not storage.path_for(paper.arxiv_id).exists()
    assert len(pdf_server.requests) == 1  # a final answer: no retry


def test_a_200_page_pdf_under_the_size_limit_gets_its_first_page_rendered(pdf_server):
    paper = make_paper("2501.00050", version=1)
    serve(pdf_server, paper, paper_pdf(pages=200))
    make_thumbnails.call([paper.pk])
    row = Thumbnail.objects.get(paper=paper)
    assert (row.status, row.pages) == (Status.RENDERED, 200)


class _Endless:
    """Streams zeros after a PDF header, 64 KiB at a time, and counts what left."""

    def __init__(self, declared: int | None) -> None:
        self.declared = declared
        self.sent = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                if owner.declared is not None:
                    self.send_header("Content-Length", str(owner.declared))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"%PDF-1.4\n" + bytes(64 * 1024 - 9)
                try:
                    while owner.sent < 100_000_000:
                        self.wfile.write(chunk)
                        owner.sent += len(chunk)
                        chunk = bytes(64 * 1024)
                except OSError:
                    pass
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(params=[100_000_000, None], ids=["declared", "undeclared"])
def endless_pdf(request, settings) -> Iterator[_Endless]:
    server = _Endless(request.param)
    settings.THUMBNAIL_PDF_URL = f"{server.url}/pdf"
    settings.ARXIV_REQUEST_INTERVAL = 0.0
    settings.THUMBNAIL_MAX_PDF_BYTES = 2_000_000
    yield server
    server.stop()


def test_a_100_mb_pdf_is_refused_while_streaming_without_reading_it_all(endless_pdf):
    paper = make_paper("2501.00060", version=1)

    started = time.monotonic()
    make_thumbnails.call([paper.pk])

    row = Thumbnail.objects.get(paper=paper)
    assert row.status == Status.SKIPPED and "larger than 2,000,000 bytes" in row.reason
    # Socket buffers hold a few megabytes at most; the rest was never sent.
    time.sleep(0.2)
    assert endless_pdf.sent < 20_000_000
    assert time.monotonic() - started < 10


def test_the_backlog_lists_papers_without_a_row_newest_first(pdf_server):
    old = make_paper("2401.00001", announced_on=timezone.now().date() - timedelta(days=400))
    new = make_paper("2501.00070", announced_on=timezone.now().date())
    done = make_paper("2501.00071", announced_on=timezone.now().date())
    Thumbnail.objects.create(paper=done, status=Status.SKIPPED)
    assert backlog_ids() == [new.pk, old.pk]
    assert backlog_ids(1) == [new.pk]


def test_fetching_off_fetches_nothing(pdf_server, settings):
    settings.THUMBNAIL_PDF_URL = ""
    paper = make_paper("2501.00080", version=1)
    assert make_thumbnails.call([paper.pk]) == 0
    assert not pdf_server.requests and not Thumbnail.objects.exists()
    assert backlog_ids() == []
