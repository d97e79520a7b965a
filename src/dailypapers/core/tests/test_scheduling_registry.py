"""The job registry: each app registers its own jobs, once, and the order is the old one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.core import scheduling
from dailypapers.core.scheduling import Job

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_each_app_registers_its_jobs_once():
    names = [job.name for job in scheduling.jobs()]
    assert names == [
        "ingest-rss-listings",
        "harvest-oai",
        "refresh-github-stars",
        "refresh-trending",
        "summaries-backfill",
        "check-digests",
        "requeue-mail",
        "thumbnail-backlog",
    ]
    for job in scheduling.jobs():
        app = job.enqueue.__module__.split(".")[1]
        assert job.enqueue.__module__ == f"dailypapers.{app}.jobs", job.name


def test_discovering_the_jobs_again_registers_nothing_twice():
    before = scheduling.jobs()
    scheduling.discover()
    scheduling.discover()
    assert scheduling.jobs() == before


def test_a_second_job_under_a_taken_name_is_refused():
    taken = scheduling.jobs()[0]
    impostor = Job(taken.name, taken.next_after, lambda: None, order=taken.order)
    with pytest.raises(ValueError, match="already registered"):
        scheduling.register(impostor)
    assert taken in scheduling.jobs()


def test_every_minutes_reads_the_setting_at_each_run(settings):
    next_after = scheduling.every_minutes("TRENDING_REFRESH_MINUTES")
    settings.TRENDING_REFRESH_MINUTES = 7
    assert (next_after(NOW) - NOW).total_seconds() == 7 * 60
    settings.TRENDING_REFRESH_MINUTES = 30
    assert (next_after(NOW) - NOW).total_seconds() == 30 * 60


def test_core_names_no_app_above_it():
    import ast
    from pathlib import Path

    core = Path(scheduling.__file__).parent
    allowed = {"core", "lib"}
    for path in core.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dailypapers."):
                assert node.module.split(".")[1] in allowed, f"{path.name} imports {node.module}"


def test_discovery_reads_only_the_projects_own_apps(settings):
    # django_rq's jobs.py has no JOBS; the RQ leg installs it already (labels must be unique).
    if "django_rq" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
    before = scheduling.jobs()
    scheduling.discover()
    assert scheduling.jobs() == before
