"""/metrics: off unless METRICS_TOKEN is set, behind the token, counting what happens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from dailypapers.core.request_metrics import UNRESOLVED
from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-scrape-token"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client: Client, token: str = TOKEN) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.fixture
def metrics_on(settings) -> None:
    settings.METRICS_TOKEN = TOKEN


def test_metrics_is_a_404_when_no_token_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"])
def test_metrics_without_the_right_bearer_token_is_a_401(client, metrics_on, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "dailypapers_" not in response.content.decode()


def test_the_scrape_holds_queue_depth_and_the_embedding_backlog(client, metrics_on):
    store_paper("2501.00001")
    text = scrape(client)
    assert "dailypapers_embedding_backlog 1.0" in text
    assert "dailypapers_task_queue_depth 0.0" in text  # an empty queue, still there


def test_requesting_the_home_page_moves_the_request_and_page_cache_counters(client, metrics_on):
    store_paper("2501.00001")
    requests_before = sample(
        "dailypapers_http_request_duration_seconds_count", view="feed:home", status="2xx"
    )
    hits_before = sample("dailypapers_page_cache_requests_total", result="hit")
    misses_before = sample("dailypapers_page_cache_requests_total", result="miss")
    client.get("/")
    client.get("/")
    assert (
        sample("dailypapers_http_request_duration_seconds_count", view="feed:home", status="2xx")
        == requests_before + 2
    )
    assert sample("dailypapers_page_cache_requests_total", result="miss") == misses_before + 1
    assert sample("dailypapers_page_cache_requests_total", result="hit") == hits_before + 1
    assert 'view="feed:home"' in scrape(client)


def test_unknown_paths_share_one_label_and_never_become_labels(client, metrics_on):
    before = sample(
        "dailypapers_http_request_duration_seconds_count", view=UNRESOLVED, status="4xx"
    )
    client.get("/no/such/page-1/")
    client.get("/wp-login.php?x=2")
    after = sample("dailypapers_http_request_duration_seconds_count", view=UNRESOLVED, status="4xx")
    assert after == before + 2
    text = scrape(client)
    assert "page-1" not in text and "wp-login" not in text


def test_a_finished_ingest_counts_its_papers_by_source_and_outcome():
    before = sample("dailypapers_ingest_papers_total", source="test", outcome="new")
    runs_before = sample("dailypapers_ingest_runs_total", source="test", result="ok")
    record = PaperRecord(arxiv_id="2501.00001", title="T", abstract="A.", authors=["Ada"])
    ingest([record], IngestReport("test")).finish()
    assert sample("dailypapers_ingest_papers_total", source="test", outcome="new") == before + 1
    assert sample("dailypapers_ingest_runs_total", source="test", result="ok") == runs_before + 1


COUNT_IN_A_CHILD = """
import sys
from dailypapers.core.metrics import DIGEST_DELIVERIES, SMTP_SECONDS
DIGEST_DELIVERIES.labels("sent").inc(int(sys.argv[1]))
SMTP_SECONDS.labels("digests").observe(0.2)
"""


def test_counts_of_two_processes_add_up_in_one_scrape(client, metrics_on, tmp_path, monkeypatch):
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "PATH": "/usr/bin:/bin"}
    for sent in (2, 3):  # two real processes, one after the other: two pids, two files
        subprocess.run([sys.executable, "-c", COUNT_IN_A_CHILD, str(sent)], env=env, check=True)
    assert len(list(folder.glob("*.db"))) >= 2
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    text = scrape(client)
    assert 'dailypapers_digest_deliveries_total{outcome="sent"} 5.0' in text
    assert 'dailypapers_smtp_send_seconds_count{sender="digests"} 2.0' in text
    assert "dailypapers_embedding_backlog" in text  # the scrape-time numbers are there too


def test_run_empties_the_metrics_folder_of_an_earlier_start(tmp_path: Path):
    from dailypapers.core.metrics import reset_multiprocess_dir

    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"old")
    reset_multiprocess_dir(folder)
    assert folder.is_dir() and not any(folder.iterdir())


def test_a_scrape_does_not_load_the_embedding_model(client, metrics_on, settings):
    from dailypapers.search.semantic import loaded_embedder_name

    settings.EMBEDDING_MODEL = "all-MiniLM-L6-v2"  # configured, not loaded by this process
    assert loaded_embedder_name() is None
    assert "dailypapers_embedding_backlog 0.0" in scrape(client)
    assert loaded_embedder_name() is None
