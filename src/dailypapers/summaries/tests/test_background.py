"""Summaries are made in the background, never inside an import: the task queued after an
import, the periodic back-fill job and `dailypapers summarize` store them, each idempotent."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from dailypapers.papers.ingest.jsonl import import_jsonl
from dailypapers.papers.models import Paper
from dailypapers.summaries.jobs import JOBS
from dailypapers.summaries.models import AutoSummary
from dailypapers.summaries.store import pending_ids, summarize_papers
from dailypapers.summaries.tasks import summarize_paper_ids
from dailypapers.testing.factories import import_paper, store_paper

pytestmark = pytest.mark.django_db

FIVE_PAPERS = Path(__file__).resolve().parents[2] / "papers/tests/fixtures/kaggle_five_papers.jsonl"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ABSTRACT = (
    "Graph neural networks struggle with long molecular graphs. We propose sparse graph "
    "attention, which lets each atom attend to a few learned anchor atoms. Sparse graph "
    "attention keeps memory linear in the number of atoms. On molecular benchmarks, sparse "
    "graph attention matches dense attention with a tenth of the memory."
)


def graph_paper(arxiv_id: str = "2501.00001", **fields) -> Paper:
    values = {"title": "Sparse graph attention", "abstract": ABSTRACT, **fields}
    return store_paper(arxiv_id, **values)


def test_the_task_summarises_its_papers_and_running_it_again_writes_nothing():
    papers = [graph_paper("2501.00001"), graph_paper("2501.00002")]
    assert summarize_paper_ids.call([paper.pk for paper in papers]) == 2
    made = AutoSummary.objects.get(paper=papers[0])
    assert "sparse graph attention" in made.keywords and "We propose" in made.summary
    assert made.method == "extractive" and made.content_hash == papers[0].content_hash
    assert summarize_paper_ids.call([paper.pk for paper in papers]) == 0
    assert AutoSummary.objects.get(paper=papers[0]).made_at == made.made_at
    assert pending_ids() == []


def test_a_paper_whose_abstract_changed_is_summarised_again():
    paper = graph_paper(version=1)
    summarize_papers([paper.pk])
    graph_paper(version=2, abstract="We measure tides on icy moons. Tidal heating warms ice.")
    assert pending_ids() == [paper.pk]
    summarize_papers(pending_ids())
    assert "tides" in AutoSummary.objects.get(paper=paper).summary
    assert pending_ids() == []


def test_an_import_queues_the_summaries_of_its_papers_once_it_commits(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        paper = import_paper("2501.00001", abstract=ABSTRACT)
        assert not AutoSummary.objects.exists()  # the import itself computes nothing
    assert AutoSummary.objects.get().paper_id == paper.pk


def test_a_bulk_file_import_queues_one_backfill_that_summarises_every_paper(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    with django_capture_on_commit_callbacks(execute=True):
        report = import_jsonl(FIVE_PAPERS, parallel=False)
    queued = DBTaskResult.objects.get(task_path__endswith="summarize_pending")
    assert queued.priority < 0 and not AutoSummary.objects.exists()
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        import_jsonl(FIVE_PAPERS, parallel=False)  # nothing changed: nothing queued
        report = import_jsonl(FIVE_PAPERS, parallel=False)
    assert report.new == 0
    assert not AutoSummary.objects.exists()
    [job] = JOBS
    job.enqueue()
    assert AutoSummary.objects.count() == Paper.objects.count() == 5


def test_the_command_backfills_what_is_missing_and_all_makes_every_one_again():
    papers = [graph_paper(f"2501.0000{n}") for n in range(1, 4)]
    summarize_papers([papers[0].pk])
    out = StringIO()
    call_command("summarize", "--no-progress", stdout=out)
    assert "2 summaries written for 2 papers" in out.getvalue()
    assert "3 of 3 papers have one" in out.getvalue()
    AutoSummary.objects.update(summary="Old words.")
    call_command("summarize", "--no-progress", stdout=StringIO())
    assert AutoSummary.objects.filter(summary="Old words.").count() == 3  # all current
    call_command("summarize", "--all", "--no-progress", "--jobs", "2", stdout=StringIO())
    assert not AutoSummary.objects.filter(summary="Old words.").exists()


def test_a_models_summary_stays_while_the_version_does_and_keywords_follow_the_text():
    paper = graph_paper(version=2)
    summarize_papers([paper.pk])
    AutoSummary.objects.update(summary="The model's words.", method="model:small")
    graph_paper(version=2, journal_ref="J. Graphs 1 (2026)")  # new content, same version
    summarize_papers(pending_ids())
    row = AutoSummary.objects.get()
    assert (row.summary, row.method) == ("The model's words.", "model:small")
    assert row.content_hash == Paper.objects.get().content_hash
    graph_paper(version=3, abstract="We measure tides on icy moons. Tidal heating warms ice.")
    summarize_papers(pending_ids())
    row = AutoSummary.objects.get()
    assert row.method == "extractive" and "tides" in row.summary and row.version == 3
