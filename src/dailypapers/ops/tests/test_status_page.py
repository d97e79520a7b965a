"""The staff status page: each figure it shows, against rows made for the test."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from dailypapers.digests.models import DigestRun
from dailypapers.feed.tasks import refresh_trending
from dailypapers.search import semantic
from dailypapers.search.models import PaperEmbedding
from dailypapers.summaries.store import summarize_papers
from dailypapers.testing.factories import (
    make_delivery,
    make_ingest_run,
    make_member,
    make_paper,
    make_subscriber,
    signed_in,
)
from dailypapers.testing.outages import add_broken_database, unreachable_rq_queues
from dailypapers.thumbnails.models import Thumbnail

pytestmark = pytest.mark.django_db
ON_RQ = django_settings.TASK_BACKEND == "rq"
PAGE = "/staff/status/"


@pytest.fixture
def staff():
    return signed_in(make_member("staff@example.org", is_staff=True))


def _page(staff) -> str:
    response = staff.get(PAGE)
    assert response.status_code == 200
    return response.text


def _section(page: str, name: str) -> str:
    return page.split(f'<section id="{name}">', 1)[1].split("</section>", 1)[0]


def _row(html: str, attribute: str, value: str) -> str:
    return html.split(f'<tr data-{attribute}="{value}">', 1)[1].split("</tr>", 1)[0]


def _cell(row: str, name: str) -> str:
    match = re.search(rf'class="{name}">(.*?)</td>', row, re.S)
    assert match, f"no {name} cell in {row}"
    return match.group(1).strip()


def _by_id(page: str, element_id: str) -> str:
    match = re.search(rf'<(\w+) id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no #{element_id}"
    return re.sub(r"<[^>]+>", "", match.group(2)).strip()


# Who may see it


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/status/")


def test_a_member_who_is_not_staff_finds_nothing_there():
    assert signed_in(make_member()).get(PAGE).status_code == 404


def test_staff_see_the_page_and_it_is_never_cached(staff):
    response = staff.get(PAGE)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "<h1>Status</h1>" in response.text


# The figures


def test_the_last_ingest_of_each_source_is_shown_with_its_age_and_outcome(staff):
    make_ingest_run("api", timedelta(hours=5), new=1)
    make_ingest_run("api", timedelta(hours=3), new=7, updated=2, skipped=1)
    make_ingest_run("oai", timedelta(days=2), error="HTTP 503 from arXiv")

    ingest = _section(_page(staff), "ingest")

    api = _row(ingest, "source", "api")
    assert _cell(api, "age") == "3\xa0hours ago"
    assert (_cell(api, "new"), _cell(api, "updated"), _cell(api, "skipped")) == ("7", "2", "1")
    assert _cell(api, "outcome") == "ok"
    oai = _row(ingest, "source", "oai")
    assert _cell(oai, "age") == "2\xa0days ago"
    assert _cell(oai, "outcome") == "failed: HTTP 503 from arXiv"
    assert ingest.count("<tr data-source=") == 2


def test_papers_without_a_vector_of_the_configured_model_are_counted(staff):
    model = semantic.active_embedder().name
    with_vector, with_old_vector, _ = (make_paper(f"2501.0000{i}") for i in range(1, 4))
    PaperEmbedding.objects.create(
        paper=with_vector, model=model, dim=2, vector=b"", content_hash="x"
    )
    PaperEmbedding.objects.create(
        paper=with_old_vector, model="a-model-no-longer-used", dim=2, vector=b"", content_hash="x"
    )

    page = _page(staff)

    assert _by_id(page, "vectors").startswith(f"2 of 3 papers have no vector of {model}")


def test_papers_without_a_thumbnail_or_a_stored_summary_are_counted(staff):
    rendered, skipped, _untried = (make_paper(f"2501.0001{i}") for i in range(1, 4))
    Thumbnail.objects.create(paper=rendered, status=Thumbnail.Status.RENDERED)
    Thumbnail.objects.create(paper=skipped, status=Thumbnail.Status.SKIPPED, reason="encrypted")
    summarize_papers([rendered.pk])

    page = _page(staff)

    thumbnails = _by_id(page, "thumbnails")
    assert thumbnails.startswith("1 of 3 papers not tried yet; 1 rendered, 1 skipped")
    assert _by_id(page, "summaries").startswith("2 of 3 papers have no stored automatic summary")


def test_the_queue_shows_waiting_scheduled_and_running_tasks_and_the_oldest_wait(staff):
    now = timezone.now()
    if ON_RQ:
        import django_rq

        queue = django_rq.get_queue("default")
        queue.empty()
        refresh_trending.enqueue()
        refresh_trending.enqueue()
        oldest = queue.get_jobs(0, 1)[0]
        oldest.enqueued_at = now - timedelta(hours=2)
        oldest.save()
        later = refresh_trending.using(run_after=now + timedelta(hours=1)).enqueue()
        expected_running = "0"
    else:
        from django_tasks_db.models import DBTaskResult

        oldest_id = refresh_trending.enqueue().id
        refresh_trending.enqueue()
        running = refresh_trending.enqueue().id
        refresh_trending.using(run_after=now + timedelta(hours=1)).enqueue()
        DBTaskResult.objects.filter(pk=oldest_id).update(enqueued_at=now - timedelta(hours=2))
        DBTaskResult.objects.filter(pk=running).update(status="RUNNING")
        expected_running = "1"
    try:
        page = _page(staff)
    finally:
        if ON_RQ:
            queue.empty()
            queue.scheduled_job_registry.remove(later.id, delete_job=True)

    assert _by_id(page, "queue-waiting") == "2"
    assert _by_id(page, "queue-scheduled") == "1"
    assert _by_id(page, "queue-running") == expected_running
    assert "waiting 2\xa0hours" in _by_id(page, "queue-oldest")


def test_each_digest_run_shows_sent_failed_and_retrying_deliveries(staff):
    now = timezone.now()
    earlier = DigestRun.objects.create(slot=now - timedelta(days=1), planned=3, finished_at=now)
    latest = DigestRun.objects.create(slot=now, planned=5)
    subscribers = [make_subscriber(f"s{i}@example.org") for i in range(5)]
    for subscriber, (state, attempts) in zip(
        subscribers,
        [("sent", 1), ("sent", 1), ("failed", 8), ("pending", 2), ("pending", 0)],
        strict=True,
    ):
        make_delivery(latest, subscriber, state, attempts)
    for subscriber, state in zip(subscribers, ["sent", "empty", "cancelled"], strict=False):
        make_delivery(earlier, subscriber, state, 1)

    digests = _section(_page(staff), "digests")

    row = _row(digests, "run", str(latest.pk))
    assert [_cell(row, name) for name in ("planned", "sent", "failed", "retrying", "waiting")] == [
        "5", "2", "1", "1", "1",
    ]  # fmt: skip
    assert _cell(row, "finished") == "not yet"
    row = _row(digests, "run", str(earlier.pk))
    assert [_cell(row, name) for name in ("sent", "failed", "empty", "cancelled")] == [
        "1", "0", "1", "1",
    ]  # fmt: skip
    assert digests.index(f'data-run="{latest.pk}"') < digests.index(f'data-run="{earlier.pk}"')


def test_the_bounce_rate_is_the_share_of_subscribed_addresses_now_bouncing(staff):
    make_subscriber("fine@example.org")
    make_subscriber("paused@example.org", paused=True)
    make_subscriber("refused-once@example.org", bounce_count=1)
    make_subscriber("stopped@example.org", bounce_count=3, bounced_at=timezone.now())
    # Not subscribed: neither counts.
    make_subscriber("left@example.org", bounce_count=2, unsubscribed_at=timezone.now())
    make_subscriber("unconfirmed@example.org", confirmed_at=None)

    page = _page(staff)

    assert _by_id(page, "bounce-rate") == "50.0 %"
    assert _by_id(page, "bounce-bouncing") == "2"
    assert _by_id(page, "bounce-subscribed") == "4"
    assert _by_id(page, "bounce-stopped") == "1"


def test_no_subscribers_means_no_bounce_rate_yet(staff):
    assert _by_id(_page(staff), "bounce-rate") == "none yet"


def test_disk_use_of_the_data_folder_is_shown_per_top_level_entry(staff, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "dailypapers.sqlite3").write_bytes(b"x" * 3000)
    (tmp_path / "cache" / "ab").mkdir(parents=True)
    (tmp_path / "cache" / "one").write_bytes(b"x" * 100)
    (tmp_path / "cache" / "ab" / "two").write_bytes(b"x" * 50)
    (tmp_path / "outbox").mkdir()
    (tmp_path / "link").symlink_to("/usr")  # counted as the link, not what it points to

    disk = _section(_page(staff), "disk")

    database = _row(disk, "entry", "dailypapers.sqlite3")
    assert (_cell(database, "bytes"), _cell(database, "files")) == ("3000", "1")
    cache = _row(disk, "entry", "cache/")
    assert (_cell(cache, "bytes"), _cell(cache, "files")) == ("150", "2")
    assert _cell(_row(disk, "entry", "outbox/"), "files") == "0"
    assert disk.index('"dailypapers.sqlite3"') < disk.index('"cache/"')  # largest first
    link_bytes = int(_cell(_row(disk, "entry", "link"), "bytes"))
    assert link_bytes < 100
    assert _by_id(disk, "disk-total") == f"{(3150 + link_bytes) / 1024:.1f}\xa0KB"


def test_a_section_that_cannot_be_read_says_so_and_the_rest_still_shows(
    staff, settings, monkeypatch, tmp_path
):
    if ON_RQ:
        unreachable_rq_queues(monkeypatch)
    else:
        add_broken_database(monkeypatch, "tasks", tmp_path)
        settings.DATABASE_ROUTERS = ["dailypapers.ops.tests.test_status_page.TasksElsewhere"]
    make_ingest_run("rss", timedelta(minutes=10))

    page = _page(staff)

    assert "could not be read" in _section(page, "queue")
    assert _cell(_row(_section(page, "ingest"), "source", "rss"), "outcome") == "ok"


class TasksElsewhere:
    """Routes the task table to the ``tasks`` database alias."""

    def db_for_read(self, model, **hints):
        return "tasks" if model.__name__ == "DBTaskResult" else None
