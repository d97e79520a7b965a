"""A digest the mail server accepted is recorded before anything else can fail or stop the
worker: the next digest failing to render, a stop signal, or a kill while the next one is
rendered never leaves an accepted message to be sent again (issue 16, finding 21)."""

from __future__ import annotations

import os
import signal
import time
import traceback
from collections import Counter
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from dailypapers.digests import runs, sending, smtp
from dailypapers.digests.models import Delivery, SentPaper, Subscriber
from dailypapers.digests.render import DigestRenderer
from dailypapers.testing.factories import plan_digest_run

pytestmark = pytest.mark.django_db


class RenderBroke(Exception):
    """What a digest that cannot be rendered raises (bad data, a template error)."""


class BreakOneSubscribersDigest:
    """Fault injection: the second digest a worker renders raises, and so does every later
    rendering of that same subscriber's digest, until ``fixed``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.email: str | None = None
        self.fixed = False
        self._rendered: list[str] = []
        real_render = DigestRenderer.render

        def render(renderer, subscriber, paper_ids):
            self._rendered.append(subscriber.email)
            if self.email is None and len(self._rendered) == 2:
                self.email = subscriber.email
            if subscriber.email == self.email and not self.fixed:
                raise RenderBroke(f"cannot render the digest of {subscriber.email}")
            return real_render(renderer, subscriber, paper_ids)

        monkeypatch.setattr(DigestRenderer, "render", render)


def received_per_address(smtp_sink) -> Counter[str]:
    return Counter(message["To"] for message in smtp_sink.messages)


def _due_now(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_digest_accepted_just_before_the_next_one_fails_to_render_is_recorded_once(
    smtp_sink, monkeypatch
):
    run, ids = plan_digest_run(3)
    broken = BreakOneSubscribersDigest(monkeypatch)
    report = sending.send_chunk(run.pk, ids)
    assert (report.sent, report.retrying, report.failed) == (2, 1, 0)
    smtp_sink.wait_for(2)
    for message in smtp_sink.messages:
        delivery = Delivery.objects.get(subscriber__email=message["To"])
        assert delivery.state == "sent"
        assert SentPaper.objects.filter(delivery=delivery).count() == 2
    # The one that cannot be rendered waits for a later try; nothing is left "sending".
    failing = Delivery.objects.get(subscriber__email=broken.email)
    assert (failing.state, failing.attempts) == ("pending", 1)
    assert failing.next_attempt_at > timezone.now()
    assert "could not render" in failing.error
    assert not Delivery.objects.filter(state="sending").exists()

    # Tried again while the bad digest still fails: nothing is sent again.
    _due_now(failing)
    assert sending.send_chunk(run.pk, ids).retrying == 1
    broken.fixed = True
    _due_now(failing)
    assert sending.send_chunk(run.pk, ids).sent == 1
    smtp_sink.wait_for(3)
    assert received_per_address(smtp_sink) == Counter(f"r{i}@example.com" for i in range(3))
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_a_digest_that_never_renders_fails_for_good_after_the_last_attempt(
    smtp_sink, monkeypatch, settings
):
    settings.DIGEST_MAX_ATTEMPTS = 2
    run, ids = plan_digest_run(3)
    broken = BreakOneSubscribersDigest(monkeypatch)
    assert sending.send_chunk(run.pk, ids).sent == 2
    failing = Delivery.objects.get(subscriber__email=broken.email)
    _due_now(failing)
    report = sending.send_chunk(run.pk, ids)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    failing.refresh_from_db()
    assert failing.state == "failed"
    assert "could not render" in failing.error
    assert len(smtp_sink.wait_for(2)) == 2


def _stop_right_after_the_first_accept() -> None:
    """The worker is told to stop (SIGTERM) the moment SMTP has accepted its first digest;
    like RQ's work horse, it has the default disposition for SIGTERM."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    real_send = smtp.Mailer.send
    accepted: list[str] = []

    def send(mailer, sender, recipient, message):
        real_send(mailer, sender, recipient, message)
        accepted.append(recipient)
        if len(accepted) == 1:
            os.kill(os.getpid(), signal.SIGTERM)

    smtp.Mailer.send = send


def _killed_while_rendering_the_second_digest() -> None:
    """kill -9 (an OOM kill, a supervisor out of patience) while the worker renders its
    second digest: the old loop did that between SMTP accepting the first and recording it."""
    real_render = DigestRenderer.render
    rendered: list[str] = []

    def render(renderer, subscriber, paper_ids):
        rendered.append(subscriber.email)
        if len(rendered) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_render(renderer, subscriber, paper_ids)

    DigestRenderer.render = render


def _send_chunk_in_a_worker_process(run_id: int, ids: list[int], fault) -> int:
    """send_chunk in a forked worker process with ``fault`` injected; its wait status."""
    connections.close_all()  # the worker opens its own database connection
    smtp.mailer().close_quietly()  # and its own SMTP connection
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            fault()
            sending.send_chunk(run_id, ids)
        except BaseException:  # noqa: BLE001 - reported through the exit status
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError("the worker process hung")
        time.sleep(0.02)


@pytest.mark.parametrize(
    "fault", [_stop_right_after_the_first_accept, _killed_while_rendering_the_second_digest]
)
def test_a_worker_stopped_or_killed_after_an_accept_never_leaves_it_to_be_sent_again(
    threads_db, settings, smtp_sink, fault
):
    settings.DIGEST_LEASE_SECONDS = 60
    run, ids = plan_digest_run(3)
    status = _send_chunk_in_a_worker_process(run.pk, ids, fault)
    assert not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1), "the worker failed"
    sent_by_the_worker = list(smtp_sink.messages)
    assert len(sent_by_the_worker) <= 1
    for message in sent_by_the_worker:
        delivery = Delivery.objects.get(subscriber__email=message["To"])
        assert delivery.state == "sent", "accepted by SMTP, so recorded as sent"
        assert SentPaper.objects.filter(delivery=delivery).count() == 2

    # The next check, once the lease of whatever the worker held has run out, and the
    # chunk retried: every subscriber ends up with exactly one digest.
    Delivery.objects.filter(state="sending").update(
        claimed_at=timezone.now() - timedelta(seconds=settings.DIGEST_LEASE_SECONDS + 1)
    )
    runs.resume(run, timezone.now())
    sending.send_chunk(run.pk, ids)
    smtp_sink.wait_for(3)
    assert received_per_address(smtp_sink) == Counter(f"r{i}@example.com" for i in range(3))
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
    assert SentPaper.objects.count() == 6


def test_ctrl_c_right_after_an_accept_records_it_before_interrupting(smtp_sink, monkeypatch):
    """`dailypapers digest send` in a terminal: Python's own SIGINT handler would raise
    KeyboardInterrupt wherever the chunk is, even between the accept and its record."""
    run, ids = plan_digest_run(3)
    real_send = smtp.Mailer.send

    def send(mailer, sender, recipient, message):
        real_send(mailer, sender, recipient, message)
        if len(smtp_sink.messages) == 1:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(smtp.Mailer, "send", send)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            sending.send_chunk(run.pk, ids)
    finally:
        signal.signal(signal.SIGINT, previous)
    [accepted] = smtp_sink.messages
    delivery = Delivery.objects.get(subscriber__email=accepted["To"])
    assert delivery.state == "sent"
    assert SentPaper.objects.filter(delivery=delivery).count() == 2
    assert Delivery.objects.filter(state="pending", enqueued_at__isnull=True).count() == 2

    monkeypatch.setattr(smtp.Mailer, "send", real_send)
    assert sending.send_chunk(run.pk, ids).sent == 2
    smtp_sink.wait_for(3)
    assert received_per_address(smtp_sink) == Counter(f"r{i}@example.com" for i in range(3))


def fail_updates_of_last_sent_at(table: str) -> str:
    """A database error (a deadlock, a lock timeout) whenever a subscriber's last mail time
    is written; returns the statement that takes it away again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION digest_test_fail_last_sent() RETURNS trigger LANGUAGE plpgsql"
                " AS $$ BEGIN RAISE EXCEPTION 'deadlock detected'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER digest_test_fail_last_sent BEFORE UPDATE OF last_sent_at"
                f" ON {table} FOR EACH ROW EXECUTE FUNCTION digest_test_fail_last_sent()"
            )
            return f"DROP TRIGGER digest_test_fail_last_sent ON {table}"
        cursor.execute(
            f"CREATE TEMP TRIGGER digest_test_fail_last_sent BEFORE UPDATE OF last_sent_at"
            f" ON {table} BEGIN SELECT RAISE(ABORT, 'deadlock detected'); END"
        )
        return "DROP TRIGGER digest_test_fail_last_sent"


def test_the_last_digest_of_a_chunk_stays_recorded_when_the_chunk_bookkeeping_fails(smtp_sink):
    run, ids = plan_digest_run(3)
    drop = fail_updates_of_last_sent_at(Subscriber._meta.db_table)
    with pytest.raises(DatabaseError):
        sending.send_chunk(run.pk, ids)
    smtp_sink.wait_for(3)
    # The last one was accepted after the others were recorded: only the chunk's final
    # commit records it, and the subscribers' last mail time must not take it down with it.
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
    assert SentPaper.objects.count() == 6

    with connection.cursor() as cursor:
        cursor.execute(drop)
    assert sending.send_chunk(run.pk, ids).skipped == 3
    assert received_per_address(smtp_sink) == Counter(f"r{i}@example.com" for i in range(3))
