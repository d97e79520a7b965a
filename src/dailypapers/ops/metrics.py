"""/metrics: Prometheus text for a scraper holding METRICS_TOKEN.

The counts every process records (core/metrics.py) are merged from the multiprocess folder;
what lives in the database or Redis (the task queue's depth, papers still without vectors)
is read at scrape time by the collector below, so it costs nothing between scrapes and is
never stale.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from dailypapers.core import taskqueue
from dailypapers.core.metrics import multiprocess_dir
from dailypapers.papers.models import Paper
from dailypapers.search.models import PaperEmbedding
from dailypapers.search.semantic import loaded_embedder_name

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def embedding_backlog() -> int:
    """Papers without a vector of the active embedder (one vector per paper: a difference).

    A process that has not loaded the model (a web worker before its first search) counts
    against the model most vectors belong to, rather than load it for a scrape.
    """
    model = loaded_embedder_name()
    if model is None:
        per_model = PaperEmbedding.objects.values("model").annotate(n=Count("pk")).order_by("-n")
        embedded = per_model[0]["n"] if per_model else 0
    else:
        embedded = PaperEmbedding.objects.filter(model=model).count()
    return max(0, Paper.objects.count() - embedded)


def queue_families(queue: taskqueue.QueueStats) -> Iterator[Metric]:
    yield GaugeMetricFamily(
        "dailypapers_task_queue_depth", "Tasks waiting and due now.", value=queue.waiting
    )
    yield GaugeMetricFamily(
        "dailypapers_task_queue_scheduled", "Tasks deferred to a later time.", value=queue.scheduled
    )
    yield GaugeMetricFamily("dailypapers_task_queue_running", "Tasks running.", value=queue.running)
    if queue.oldest_waiting_at is not None:
        age = (timezone.now() - queue.oldest_waiting_at).total_seconds()
        yield GaugeMetricFamily(
            "dailypapers_task_queue_oldest_waiting_seconds",
            "How long the longest-waiting due task has waited.",
            value=max(0.0, age),
        )


class ScrapeTimeCollector(Collector):
    """Numbers read from the stores when scraped. A store that fails to answer leaves its
    metric out (and is logged) rather than failing the whole scrape."""

    def collect(self) -> Iterator[Metric]:
        try:
            queue = taskqueue.stats()
        except Exception:
            logger.exception("metrics: the task queue could not be read")
        else:
            if queue.measured:  # the immediate backend has no queue
                yield from queue_families(queue)
        try:
            backlog = embedding_backlog()
        except Exception:
            logger.exception("metrics: the embedding backlog could not be read")
        else:
            yield GaugeMetricFamily(
                "dailypapers_embedding_backlog",
                "Papers without a vector of the active embedding model.",
                value=backlog,
            )


def exposition() -> bytes:
    """Every process's counts (multiprocess mode), else this process's own, plus the stores."""
    folder = multiprocess_dir()
    if folder is None:
        # Metrics switched on in a process started without the folder (tests with
        # override_settings): its own in-memory counts are all there is.
        counts = REGISTRY
    else:
        counts = CollectorRegistry()
        MultiProcessCollector(counts, path=str(folder))
    stores = CollectorRegistry()
    stores.register(ScrapeTimeCollector())
    return generate_latest(counts) + generate_latest(stores)


def authorized(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404("metrics are off")  # the same answer as any unknown address
    if not authorized(request):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)
