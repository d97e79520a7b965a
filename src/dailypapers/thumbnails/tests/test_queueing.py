"""Which papers get a thumbnail when: recent papers as an import brings them, the rest from
the backlog, by its job or by `dailypapers thumbnails`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dailypapers.core import scheduling
from dailypapers.testing.factories import import_paper, make_paper, make_thumbnail
from dailypapers.testing.pdfs import paper_pdf
from dailypapers.thumbnails.models import Thumbnail
from dailypapers.thumbnails.tasks import PRIORITY, queue_backlog

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_thumbnails() -> list[list[int]]:
    return [
        result.args_kwargs["args"][0]
        for result in DBTaskResult.objects.order_by("pk")
        if result.task_path.endswith(".make_thumbnails")
    ]


def test_an_import_queues_its_recent_papers_below_other_work_after_it_commits(
    pdf_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    settings.THUMBNAIL_RECENT_DAYS = 7
    today = timezone.now().date()
    with django_capture_on_commit_callbacks(execute=True):
        recent = import_paper("2512.00001", day=today - timedelta(days=2))
        assert queued_thumbnails() == []  # nothing before the import commits
    with django_capture_on_commit_callbacks(execute=True):
        import_paper("2001.00001", day=today - timedelta(days=400))

    assert queued_thumbnails() == [[recent.pk]]
    thumbnail_task = DBTaskResult.objects.get(task_path__endswith=".make_thumbnails")
    assert thumbnail_task.priority == PRIORITY < 0
    assert not pdf_server.requests  # queued, not fetched, by the import


def test_an_import_with_fetching_off_queues_nothing(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DB_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        import_paper("2512.00002", day=timezone.now().date())
    assert queued_thumbnails() == []


def test_the_backlog_job_queues_a_batch_in_chunks_newest_first(
    pdf_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    settings.THUMBNAIL_BACKLOG_BATCH = 25
    today = timezone.now().date()
    papers = [make_paper(f"2501.{n:05d}", announced_on=today) for n in range(30)]
    make_thumbnail(papers[-1])
    assert "thumbnail-backlog" in [job.name for job in scheduling.jobs()]

    with django_capture_on_commit_callbacks(execute=True):
        assert queue_backlog.call() == 25

    # Task ids are random: order the chunks by size, then by their first (newest) paper.
    chunks = sorted(queued_thumbnails(), key=lambda chunk: (len(chunk), chunk[0]), reverse=True)
    assert [len(chunk) for chunk in chunks] == [10, 10, 5]
    newest_first = [paper.pk for paper in reversed(papers[:-1])][:25]
    assert [pk for chunk in chunks for pk in chunk] == newest_first


def test_the_command_works_through_the_backlog_and_says_how_it_went(pdf_server):
    done = make_paper("2501.00100", version=1)
    make_thumbnail(done)
    good = make_paper("2501.00101", version=1, announced_on=timezone.now().date())
    bad = make_paper("2501.00102", version=1)
    pdf_server.add(f"/pdf/{good.versioned_id}", paper_pdf(), content_type="application/pdf")
    pdf_server.add(f"/pdf/{bad.versioned_id}", b"<html>", content_type="text/html")
    out = StringIO()

    call_command("thumbnails", "--limit", "5", "--no-progress", stdout=out)

    text = out.getvalue()
    assert "thumbnails: 1 rendered" in text  # the count before
    assert "2 papers in" in text and "1 rendered, 1 skipped" in text
    assert Thumbnail.objects.get(paper=good).status == Thumbnail.Status.RENDERED
    status = StringIO()
    call_command("thumbnails", "--status", stdout=status)
    assert status.getvalue().strip() == "thumbnails: 2 rendered, 1 skipped"
    assert len(pdf_server.requests) == 2


def test_the_command_refuses_to_run_with_fetching_off():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="THUMBNAIL_PDF_URL is off"):
        call_command("thumbnails", stdout=StringIO())
