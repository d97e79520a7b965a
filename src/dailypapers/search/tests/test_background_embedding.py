"""What an import changed is embedded in the background: papers sends papers_imported, search
queues the work after the import commits, and the status page shows how far it has come."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.jsonl import import_jsonl
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Paper
from dailypapers.search import semantic
from dailypapers.search.models import PaperEmbedding
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db

PAPERS_APP = Path(__file__).resolve().parents[2] / "papers"
FIVE_PAPERS = PAPERS_APP / "tests" / "fixtures" / "kaggle_five_papers.jsonl"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def import_one(arxiv_id: str, title: str) -> Paper:
    """An import as every source makes one: records through the pipeline, then finish()."""
    record = PaperRecord(arxiv_id=arxiv_id, title=title, abstract="An abstract.",
                         authors=["Ada Lovelace"], categories=["cs.LG"])  # fmt: skip
    ingest([record], IngestReport("test")).finish()
    return Paper.objects.get(arxiv_id=arxiv_id)


def test_papers_an_import_changed_get_vectors_once_it_commits(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        paper = import_one("2501.00001", "Graph networks")
        assert not PaperEmbedding.objects.exists()  # nothing before the commit
    assert PaperEmbedding.objects.get().paper_id == paper.pk


def test_a_bulk_file_import_embeds_every_paper_it_stored(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        report = import_jsonl(FIVE_PAPERS, parallel=False)
    assert report.new > 0 and not report.changed_paper_ids  # bulk files keep no ids
    assert PaperEmbedding.objects.count() == Paper.objects.count() == report.new


def test_embedding_is_queued_behind_other_tasks(settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        import_one("2501.00001", "Graph networks")
    # Other apps queue their own work after an import too (summaries): only embedding's here.
    queued = DBTaskResult.objects.get(task_path__endswith="embed_paper_ids")
    assert queued.priority < 0


def test_an_import_that_changed_nothing_queues_nothing(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    import_one("2501.00001", "Graph networks")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        import_one("2501.00001", "Graph networks")  # the same record again
    assert queued == []


def test_the_papers_app_sends_its_signal_without_importing_search():
    for path in PAPERS_APP.rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        imported = [
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        ]  # fmt: skip
        assert not [name for name in imported if name.startswith("dailypapers.search")], path


def test_the_status_page_shows_embedding_progress_while_it_runs(client):
    papers = [store_paper(f"2501.0000{n}", title=f"Paper {n}") for n in range(1, 6)]
    from dailypapers.search.embedding import embed_papers

    embed_papers([paper.pk for paper in papers[:3]], semantic.active_embedder())
    body = client.get("/search/status/").content.decode()
    assert "3 of 5 papers" in body
    assert "In progress" in body and "2 to go" in body and "minute" in body


def test_the_status_page_says_nothing_of_progress_when_every_paper_has_a_vector(client):
    paper = store_paper("2501.00001", title="Graph networks")
    from dailypapers.search.embedding import embed_papers

    embed_papers([paper.pk], semantic.active_embedder())
    body = client.get("/search/status/").content.decode()
    assert "1 of 1 papers" in body and "In progress" not in body
