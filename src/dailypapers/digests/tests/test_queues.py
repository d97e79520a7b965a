"""A digest run end to end through the scheduler and the task queue (database, or RQ)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from dailypapers.core import scheduling
from dailypapers.core.models import ScheduledJob
from dailypapers.digests.models import Delivery, DigestRun
from dailypapers.testing.factories import make_ranked_paper, make_subscriber

pytestmark = pytest.mark.django_db


def _due_now() -> None:
    ScheduledJob.objects.filter(name="check-digests").update(
        next_run_at=timezone.now() - timedelta(minutes=1)
    )


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_the_scheduler_starts_a_run_that_the_database_worker_delivers(settings, smtp_sink):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.DIGEST_CHUNK_SIZE = 3
    make_ranked_paper()
    for i in range(7):
        make_subscriber(f"q{i}@example.com")
    scheduling.run_due()
    _due_now()
    assert "check-digests" in scheduling.run_due()
    # The check task fans out three chunk tasks (3 + 3 + 1), run by the same worker.
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    smtp_sink.wait_for(7)
    assert Counter(m["To"] for m in smtp_sink.messages) == {
        f"q{i}@example.com": 1 for i in range(7)
    }
    assert Delivery.objects.filter(state="sent").count() == 7


@pytest.mark.skipif(
    django_settings.TASK_BACKEND != "rq", reason="the RQ leg runs with TASK_BACKEND=rq"
)
def test_a_run_is_delivered_by_an_rq_worker(
    settings, smtp_sink, django_capture_on_commit_callbacks
):
    import django_rq
    from rq import SimpleWorker

    from dailypapers.digests import runs

    settings.DIGEST_CHUNK_SIZE = 2
    queue = django_rq.get_queue("default")
    queue.empty()
    make_ranked_paper()
    for i in range(5):
        make_subscriber(f"rq{i}@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        runs.check(timezone.now())
    assert queue.count == 3
    worker = django_rq.get_worker(
        "default", job_class="django_tasks_rq.Job", worker_class=SimpleWorker
    )
    worker.work(burst=True)
    smtp_sink.wait_for(5)
    assert Counter(m["To"] for m in smtp_sink.messages) == {
        f"rq{i}@example.com": 1 for i in range(5)
    }
    run = DigestRun.objects.get()
    assert runs.finish_if_done(run, timezone.now())
