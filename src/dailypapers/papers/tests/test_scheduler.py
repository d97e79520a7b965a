"""Recurring jobs: due runs are enqueued once, whatever the number of schedulers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from dailypapers.core import scheduling
from dailypapers.core.models import ScheduledJob
from dailypapers.papers.jobs import oai_sets

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_new_job_is_scheduled_for_the_next_ingest_time_not_run_at_once(settings):
    settings.INGEST_AT_UTC = "01:30"
    assert scheduling.run_due(NOW) == []
    job = ScheduledJob.objects.get(name="ingest-rss-listings")
    assert job.next_run_at == datetime(2026, 3, 3, 1, 30, tzinfo=UTC)


def test_a_due_job_is_claimed_by_exactly_one_of_two_schedulers(settings):
    settings.INGEST_AT_UTC = "01:30"
    scheduling.run_due(NOW)
    due = NOW + timedelta(days=1)
    job = next(j for j in scheduling.jobs() if j.name == "ingest-rss-listings")
    assert scheduling.claim(job, due) is True
    assert scheduling.claim(job, due) is False
    row = ScheduledJob.objects.get(name=job.name)
    assert row.next_run_at == datetime(2026, 3, 4, 1, 30, tzinfo=UTC)
    assert row.last_run_at == due


def test_a_stale_claim_loses_to_the_scheduler_that_already_moved_the_job(settings):
    settings.INGEST_AT_UTC = "01:30"
    scheduling.run_due(NOW)
    row = ScheduledJob.objects.get(name="ingest-rss-listings")
    ScheduledJob.objects.filter(pk=row.pk).update(next_run_at=row.next_run_at + timedelta(days=1))
    won = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        last_run_at=NOW
    )
    assert won == 0


def test_due_jobs_enqueue_ingest_tasks_on_the_task_queue(settings):
    from django_tasks_db.models import DBTaskResult

    settings.INGEST_AT_UTC = "01:30"
    settings.ARXIV_CATEGORIES = ["cs.AI", "astro-ph.GA"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    scheduling.run_due(NOW)
    started = scheduling.run_due(NOW + timedelta(days=1))
    assert started == [
        "ingest-rss-listings",
        "harvest-oai",
        "refresh-github-stars",
        "refresh-trending",
        "summaries-backfill",
        "check-digests",
        "requeue-mail",
        "thumbnail-backlog",
    ]
    queued = sorted(
        (r.task_path.rsplit(".", 1)[-1], str(r.args_kwargs["args"]))
        for r in DBTaskResult.objects.all()
    )
    assert queued == [
        ("check_digests", "[]"),
        ("harvest_set", "['cs']"),
        ("harvest_set", "['physics:astro-ph']"),
        ("ingest_listings", "[['cs.AI', 'astro-ph.GA']]"),
        ("queue_backlog", "[]"),
        ("refresh_due_stars", "[]"),
        ("refresh_trending", "[]"),
        ("requeue_stalled_email", "[]"),
        ("summarize_pending", "[50000]"),
    ]


def test_trending_is_refreshed_every_few_minutes(settings):
    settings.TRENDING_REFRESH_MINUTES = 10
    settings.DIGEST_CHECK_MINUTES = 60
    scheduling.run_due(NOW)
    assert scheduling.run_due(NOW + timedelta(minutes=5)) == []
    assert scheduling.run_due(NOW + timedelta(minutes=11)) == ["refresh-trending"]


def test_oai_sets_are_derived_from_categories():
    assert oai_sets(["cs.AI", "cs.LG", "math.RT", "hep-th", "astro-ph.CO"]) == [
        "cs",
        "math",
        "physics:hep-th",
        "physics:astro-ph",
    ]


def test_scheduler_command_without_loop_runs_once_and_returns(capsys):
    call_command("scheduler")
    assert ScheduledJob.objects.count() == len(scheduling.jobs())


def test_a_bad_ingest_time_is_reported_clearly(settings):
    settings.INGEST_AT_UTC = "25h"
    with pytest.raises(ValueError, match="INGEST_AT_UTC must be HH:MM"):
        scheduling.run_due(NOW)
