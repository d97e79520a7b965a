"""Optional summaries written by a model, where an operator configured an endpoint.

With SUMMARY_API_URL and SUMMARY_MODEL set (SUMMARY_API_KEY if the endpoint wants one),
papers summarised locally are queued for the model as well (``enqueue_asks``); a task asks
the endpoint one paper at a time, at most one request per ``MIN_INTERVAL`` seconds per
worker process, and stores the answer with method "model:NAME". Each paper version is asked
once per model: ``model_asked`` records the ask, and a row whose record matches is skipped,
whatever the answer was. On any failure the paper keeps its local summary; a failure a later
try may cure (timeout, 429, 5xx) is not recorded, so the next back-fill asks again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django_tasks import task

from dailypapers.lib.chat import ChatError, Endpoint, RateGate, ask_summary
from dailypapers.summaries.models import MODEL_PREFIX, AutoSummary

logger = logging.getLogger("dailypapers.summaries")

MIN_INTERVAL = 1.0  # seconds between two requests' starts, per process
TASK_CHUNK = 50  # papers per task: under a minute at one request a second
ASK_PRIORITY = -20  # after everything else: the local summary shows meanwhile
_gate = RateGate(MIN_INTERVAL)


def endpoint() -> Endpoint | None:
    """The configured endpoint, or None when the operator set none (the default)."""
    if not (settings.SUMMARY_API_URL and settings.SUMMARY_MODEL):
        return None
    return Endpoint(settings.SUMMARY_API_URL, settings.SUMMARY_MODEL, settings.SUMMARY_API_KEY)


def asked_mark(model: str, version: int | None) -> str:
    return f"{model}@v{version or 0}"


def ask_model(paper_ids: Iterable[int], gate: RateGate | None = None) -> int:
    """Ask the model about these papers where it was not asked about their version yet;
    the number of summaries it wrote. Without an endpoint, nothing."""
    target = endpoint()
    if target is None:
        return 0
    gate = gate or _gate
    written = 0
    rows = AutoSummary.objects.filter(paper_id__in=list(paper_ids)).select_related("paper")
    for row in rows.only("version", "model_asked", "paper__title", "paper__abstract"):
        mark = asked_mark(target.model, row.version)
        if row.model_asked == mark:
            continue
        try:
            text = ask_summary(target, row.paper.title, row.paper.abstract, gate)
        except ChatError as exc:
            logger.warning("summary model: paper %s kept its local summary: %s", row.pk, exc)
            if not exc.retryable:
                AutoSummary.objects.filter(pk=row.pk, version=row.version).update(model_asked=mark)
            continue
        # Only if the paper is still at the version asked about (an import may have won).
        written += AutoSummary.objects.filter(pk=row.pk, version=row.version).update(
            summary=text, method=f"{MODEL_PREFIX}{target.model}", model_asked=mark
        )
    return written


@task()
def ask_model_summaries(paper_ids: list[int]) -> int:
    return ask_model(paper_ids)


def enqueue_asks(paper_ids: Iterable[int]) -> None:
    """Queue the model's summaries of these papers, after commit; nothing without an endpoint."""
    target = endpoint()
    if target is None:
        return
    todo = _not_asked(list(paper_ids), target.model)
    if not todo:
        return

    def enqueue() -> None:
        queued = ask_model_summaries
        if queued.get_backend().supports_priority:
            queued = queued.using(priority=ASK_PRIORITY)
        for start in range(0, len(todo), TASK_CHUNK):
            queued.enqueue(todo[start : start + TASK_CHUNK])

    transaction.on_commit(enqueue)


def not_asked_ids(limit: int | None = None) -> list[int]:
    """Papers whose current version the configured model was not asked about, oldest first."""
    target = endpoint()
    if target is None:
        return []
    rows = AutoSummary.objects.order_by("pk").values_list("paper_id", "version", "model_asked")
    todo = [pk for pk, version, asked in rows if asked != asked_mark(target.model, version)]
    return todo[:limit] if limit else todo


def _not_asked(ids: list[int], model: str) -> list[int]:
    todo: list[int] = []
    for start in range(0, len(ids), 1000):  # bounded IN lists
        rows = AutoSummary.objects.filter(paper_id__in=ids[start : start + 1000]).values_list(
            "paper_id", "version", "model_asked"
        )
        todo += [pk for pk, version, asked in rows if asked != asked_mark(model, version)]
    return sorted(todo)
