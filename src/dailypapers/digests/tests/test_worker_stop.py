"""A stopping worker finishes its message in flight and hands the rest of its chunk back;
what a killed worker held is taken back by the next check, not after its lease."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from dailypapers.digests import claims, runs, sending
from dailypapers.digests.models import Delivery
from dailypapers.digests.tasks import check_digests
from dailypapers.testing.factories import plan_digest_run

pytestmark = pytest.mark.django_db


def test_sigterm_mid_chunk_sends_the_message_in_flight_and_leaves_the_rest_pending(
    settings, smtp_sink
):
    settings.DIGEST_SEND_RATE = 20.0  # 30 digests take 1.5 s: time to stop half-way
    run, ids = plan_digest_run(30)

    def stop_after_three() -> None:
        smtp_sink.wait_for(3)
        os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # the worker's own handler
    try:
        threading.Thread(target=stop_after_three, daemon=True).start()
        report = sending.send_chunk(run.pk, ids)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert 3 <= report.sent < 30
    states = Delivery.objects.filter(run=run)
    assert states.filter(state="sent").count() == report.sent
    assert not states.filter(state="sending").exists()
    rest = states.filter(state="pending")
    assert rest.count() == 30 - report.sent
    assert not rest.filter(enqueued_at__isnull=False).exists(), "handed back to the next check"
    assert len(smtp_sink.wait_for(report.sent)) == report.sent


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_delivery_held_by_a_dead_worker_is_taken_back_by_the_next_check_at_once(
    settings, smtp_sink
):
    settings.DIGEST_LEASE_SECONDS = 600
    run, ids = plan_digest_run(2)
    # A worker of this machine claimed the first delivery a moment ago and was killed.
    dead_claim = f"{claims.host_tag()}.{_dead_pid()}.0badcafe"
    Delivery.objects.filter(pk=ids[0]).update(
        state="sending", claimed_at=timezone.now() - timedelta(seconds=5), claim=dead_claim
    )
    # One held by a live worker (this process) stays with it.
    Delivery.objects.filter(pk=ids[1]).update(
        state="sending", claimed_at=timezone.now(), claim=claims.new_claim()
    )
    assert claims.reclaim_from_dead_workers() == 1
    delivery = Delivery.objects.get(pk=ids[0])
    assert (delivery.state, delivery.enqueued_at) == ("pending", None)
    assert Delivery.objects.get(pk=ids[1]).state == "sending"
    assert runs.resume(run, timezone.now()) == 1


def test_the_digest_check_task_takes_back_what_dead_workers_held():
    run, ids = plan_digest_run(1)
    dead_claim = f"{claims.host_tag()}.{_dead_pid()}.0badcafe"
    Delivery.objects.filter(pk=ids[0]).update(
        state="sending", claimed_at=timezone.now(), claim=dead_claim
    )
    result = check_digests.call()
    assert result["reclaimed"] == 1
    assert Delivery.objects.get(pk=ids[0]).state in ("pending", "sent")
