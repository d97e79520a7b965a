"""Optional summaries from an operator's OpenAI-compatible endpoint, against a fake one on
127.0.0.1: stored with method "model:NAME", asked once per paper version, rate-limited, and
on any failure the local summary stays."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command

from dailypapers.lib.chat import ChatError, Endpoint, RateGate, ask_summary
from dailypapers.papers.models import Paper
from dailypapers.summaries import abstractive
from dailypapers.summaries.models import AutoSummary
from dailypapers.summaries.store import summarize_papers
from dailypapers.summaries.tasks import summarize_paper_ids
from dailypapers.testing.factories import store_paper

ABSTRACT = (
    "Icy moons are heated by tides. We present a model of tidal heating for moons with "
    "layered interiors. Most tidal heat is released in the ice shell near the poles."
)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
Answer = Callable[[dict[str, Any]], tuple[int, bytes]]


def completion(text: str) -> tuple[int, bytes]:
    return 200, json.dumps(
        {"choices": [{"message": {"role": "assistant", "content": text}}]}
    ).encode()


class FakeModel:
    """A chat-completions endpoint on loopback that answers with ``answer`` and records asks."""

    def __init__(self) -> None:
        self.answer: Answer = lambda body: completion(
            "Moons are warmed by tides, mostly at the poles."
        )
        self.asks: list[tuple[float, dict[str, Any], dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.asks.append((time.monotonic(), body, dict(self.headers)))
                status, raw = fake.answer(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def model(settings, monkeypatch) -> Iterator[FakeModel]:
    fake = FakeModel()
    settings.SUMMARY_API_URL, settings.SUMMARY_MODEL, settings.SUMMARY_API_KEY = (
        fake.url,
        "tiny-summariser",
        "sk-test",
    )
    monkeypatch.setattr(abstractive, "_gate", RateGate(0.0))
    yield fake
    fake.close()


def moon_paper(version: int = 1, abstract: str = ABSTRACT) -> Paper:
    paper = store_paper("2501.00001", title="Tidal heating", abstract=abstract, version=version)
    summarize_papers([paper.pk])
    return paper


@pytest.mark.django_db
def test_the_models_summary_is_stored_with_its_name_and_the_request_is_well_formed(model):
    paper = moon_paper()
    assert abstractive.ask_model([paper.pk]) == 1
    row = AutoSummary.objects.get()
    assert row.summary == "Moons are warmed by tides, mostly at the poles."
    assert row.method == "model:tiny-summariser" and row.model_asked == "tiny-summariser@v1"
    assert "tidal heating" in row.keywords  # key phrases stay extracted
    [(_, body, headers)] = model.asks
    assert body["model"] == "tiny-summariser" and "Tidal heating" in body["messages"][-1]["content"]
    assert headers["Authorization"] == "Bearer sk-test"
    assert headers["User-Agent"].startswith("dailypapers/")


@pytest.mark.django_db
def test_a_version_is_asked_about_once_and_a_new_version_again(model):
    paper = moon_paper(version=1)
    abstractive.ask_model([paper.pk])
    abstractive.ask_model([paper.pk])
    call_command("summarize", "--model", "--no-progress", stdout=StringIO())
    assert len(model.asks) == 1
    moon_paper(version=2, abstract=ABSTRACT + " The shell is thin.")
    assert AutoSummary.objects.get().method == "extractive"  # the new version's, until asked
    abstractive.ask_model([paper.pk])
    assert len(model.asks) == 2 and AutoSummary.objects.get().model_asked.endswith("@v2")


@pytest.mark.django_db
def test_after_an_import_the_local_summary_is_made_and_the_model_asked_in_turn(
    model, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    paper = store_paper("2501.00001", title="Tidal heating", abstract=ABSTRACT, version=1)
    with django_capture_on_commit_callbacks(execute=True):
        summarize_paper_ids.call([paper.pk])
    assert AutoSummary.objects.get().method == "model:tiny-summariser"


FAILURES: dict[str, Answer] = {
    "server error": lambda body: (500, b'{"error": "overloaded"}'),
    "rate limited": lambda body: (429, b"{}"),
    "refused": lambda body: (400, b'{"error": {"message": "bad model"}}'),
    "not json": lambda body: (200, b"<html>gateway</html>"),
    "wrong json": lambda body: (200, b'{"choices": []}'),
    "empty answer": lambda body: completion("   "),
}


@pytest.mark.django_db
@pytest.mark.parametrize("failure", list(FAILURES))
def test_on_any_failure_the_local_summary_stays(model, failure):
    paper = moon_paper()
    local = AutoSummary.objects.get().summary
    model.answer = FAILURES[failure]
    assert abstractive.ask_model([paper.pk]) == 0
    row = AutoSummary.objects.get()
    assert (row.summary, row.method) == (local, "extractive")
    # What a later try may cure is asked again on the next run; a refusal is not.
    retryable = failure in ("server error", "rate limited")
    assert (row.model_asked == "") is retryable


@pytest.mark.django_db
def test_a_timeout_keeps_the_local_summary_and_is_tried_again_later(model, settings):
    paper = moon_paper()

    def slow(body: dict[str, Any]) -> tuple[int, bytes]:
        time.sleep(1.0)
        return completion("Too late.")

    model.answer = slow
    target = Endpoint(model.url, "tiny-summariser", timeout=0.2)
    with pytest.raises(ChatError) as raised:
        ask_summary(target, "Tidal heating", ABSTRACT)
    assert raised.value.retryable
    settings.SUMMARY_API_URL = "http://127.0.0.1:9/v1"  # nothing listens: refused at once
    assert abstractive.ask_model([paper.pk]) == 0
    assert AutoSummary.objects.get().model_asked == ""


@pytest.mark.django_db
def test_nothing_is_asked_without_an_endpoint(model, settings):
    settings.SUMMARY_API_URL = ""
    paper = moon_paper()
    assert abstractive.ask_model([paper.pk]) == 0 and model.asks == []


def test_requests_are_spaced_by_the_rate_gate():
    fake = FakeModel()
    try:
        gate = RateGate(0.2)
        target = Endpoint(fake.url, "tiny")
        for _ in range(3):
            ask_summary(target, "T", "An abstract.", gate)
        starts = [moment for moment, _, _ in fake.asks]
        assert len(starts) == 3
        # Arrival times at the server: a loaded machine may delay one arrival, shortening the
        # next gap by a scheduling slice; without the gate a gap is about a millisecond.
        assert all(later - earlier >= 0.12 for earlier, later in pairwise(starts))
    finally:
        fake.close()


def test_the_api_key_never_shows_in_the_endpoints_repr():
    assert "sk-secret" not in repr(Endpoint("http://127.0.0.1:1/v1", "m", "sk-secret"))
    assert Endpoint("http://h/v1/", "m").url == "http://h/v1/chat/completions"
    assert Endpoint("http://h/v1/chat/completions", "m").url == "http://h/v1/chat/completions"
