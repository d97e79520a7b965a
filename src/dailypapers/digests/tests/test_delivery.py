"""Sending: once per subscriber and run, whatever the workers do; failures retried or recorded."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dailypapers.digests import runs, sending
from dailypapers.digests.models import Delivery, DigestRun, SentPaper, Subscriber
from dailypapers.digests.schedule import hour_slot
from dailypapers.testing.factories import make_ranked_paper, make_subscriber, plan_digest_run
from dailypapers.testing.smtp import _free_port

pytestmark = pytest.mark.django_db


def test_the_same_chunk_sent_twice_sends_each_digest_once(smtp_sink):
    run, ids = plan_digest_run(5)
    first = sending.send_chunk(run.pk, ids)
    second = sending.send_chunk(run.pk, ids)
    assert (first.sent, second.sent, second.skipped) == (5, 0, 5)
    smtp_sink.wait_for(5)
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(
        f"r{i}@example.com" for i in range(5)
    )


def test_two_workers_racing_over_one_chunk_never_send_a_digest_twice(threads_db, smtp_sink):
    run, ids = plan_digest_run(30)
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connections

        try:
            sending.send_chunk(run.pk, ids)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            sending.mailer().close()
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    smtp_sink.wait_for(30)
    counts = Counter(m["To"] for m in smtp_sink.messages)
    assert len(counts) == 30 and max(counts.values()) == 1
    assert Delivery.objects.filter(state="sent").count() == 30


def test_a_server_outage_defers_the_chunk_and_nothing_is_lost(settings, smtp_sink):
    run, ids = plan_digest_run(4)
    smtp_sink.stop()
    report = sending.send_chunk(run.pk, ids)
    assert report.sent == 0 and report.retrying == 4
    assert Delivery.objects.filter(state="pending", enqueued_at__isnull=True).count() == 4
    smtp_sink.start()
    settings.EMAIL_PORT = smtp_sink.port
    later = timezone.now() + timedelta(minutes=5)
    Delivery.objects.update(next_attempt_at=timezone.now())  # the retry delay has passed
    assert runs.resume(run, later) == 4
    assert sending.send_chunk(run.pk, ids).sent == 4
    assert len(smtp_sink.wait_for(4)) == 4
    assert runs.finish_if_done(run, later)


class RefusingHandler:
    """An SMTP server that refuses one address for good (550) and accepts the rest."""

    def __init__(self, refused: str) -> None:
        self.refused = refused
        self.accepted: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address == self.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.accepted.extend(envelope.rcpt_tos)
        return "250 Message accepted"


@contextmanager
def mail_server(handler: object, settings) -> Iterator[None]:
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 5
    try:
        yield
    finally:
        controller.stop()
        sending.mailer().close_quietly()


def test_permanent_refusals_are_recorded_and_stop_mail_after_a_few(settings):
    settings.DIGEST_MAX_BOUNCES = 2
    handler = RefusingHandler("r0@example.com")
    with mail_server(handler, settings):
        run, ids = plan_digest_run(3)
        report = sending.send_chunk(run.pk, ids)
        assert (report.sent, report.failed) == (2, 1)
        refused = Delivery.objects.get(subscriber__email="r0@example.com")
        assert refused.state == "failed" and "550" in refused.error
        assert Subscriber.objects.get(email="r0@example.com").bounced_at is None
        second = DigestRun.objects.create(
            slot=timezone.now() + timedelta(hours=1), latest_day=run.latest_day
        )
        Subscriber.objects.update(next_due_at=timezone.now(), covered_until=None)
        sending.send_chunk(second.pk, runs.plan(second, timezone.now(), fan_out=False))
        stopped = Subscriber.objects.get(email="r0@example.com")
        assert stopped.bounce_count == 2 and stopped.bounced_at is not None
        assert stopped.next_due_at is None
        # The others were sent these papers already: nothing new, so no second email.
        assert sorted(handler.accepted) == ["r1@example.com", "r2@example.com"]
        assert Delivery.objects.filter(run=second, state="empty").count() == 2


class RefusingOurMessages:
    """An SMTP server that refuses our sender (MAIL FROM) or our message (DATA), not the
    recipients: what a wrong login, an unverified sender or a content filter looks like."""

    def __init__(self, mail_reply: str = "", data_reply: str = "") -> None:
        self.mail_reply, self.data_reply = mail_reply, data_reply

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return self.data_reply or "250 Message accepted"


@pytest.mark.parametrize(
    ("mail_reply", "data_reply", "outcome"),
    [
        ("550 5.7.1 Sender address rejected", "", "pending"),
        ("530 5.7.0 Authentication required", "", "pending"),
        ("", "554 5.6.0 Message content rejected", "failed"),
    ],
)
def test_refusals_of_our_sender_or_message_never_count_as_bounces(
    settings, mail_reply, data_reply, outcome
):
    settings.DIGEST_MAX_BOUNCES = 1
    with mail_server(RefusingOurMessages(mail_reply, data_reply), settings):
        run, ids = plan_digest_run(3)
        report = sending.send_chunk(run.pk, ids)
    assert report.sent == 0
    # Our sender or login refused: every message would fail alike, so all wait for a retry;
    # the message refused: that delivery fails. Either way no address is blamed.
    assert (report.retrying, report.failed) == ((3, 0) if outcome == "pending" else (0, 3))
    assert set(Delivery.objects.values_list("state", flat=True)) == {outcome}
    assert (mail_reply or data_reply)[:3] in Delivery.objects.first().error
    assert not Subscriber.objects.filter(bounce_count__gt=0).exists()
    assert not Subscriber.objects.filter(bounced_at__isnull=False).exists()


def fail_claims_after_the_first(table: str) -> None:
    """A database error (as a lock timeout or a dropped connection would raise) whenever a
    delivery is claimed while another one is already past pending."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION digest_test_fail_claim() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF NEW.state = 'sending' AND EXISTS (SELECT 1 FROM {table} "
                "WHERE id <> OLD.id AND state <> 'pending') "
                "THEN RAISE EXCEPTION 'the database went away'; END IF; RETURN NEW; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER digest_test_fail_claim BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION digest_test_fail_claim()"
            )
        else:
            cursor.execute(
                f"CREATE TEMP TRIGGER digest_test_fail_claim BEFORE UPDATE ON {table} "
                f"WHEN NEW.state = 'sending' AND EXISTS (SELECT 1 FROM {table} "
                "WHERE id <> OLD.id AND state <> 'pending') "
                "BEGIN SELECT RAISE(ABORT, 'the database went away'); END"
            )


def test_a_digest_the_server_accepted_stays_recorded_when_the_next_claim_fails(smtp_sink):
    run, ids = plan_digest_run(2)
    fail_claims_after_the_first(Delivery._meta.db_table)
    with pytest.raises(DatabaseError):
        sending.send_chunk(run.pk, ids)
    [message] = smtp_sink.wait_for(1)
    # Left "sending", it would be sent again once its lease ran out.
    sent = Delivery.objects.get(subscriber__email=message["To"])
    assert sent.state == "sent"
    assert SentPaper.objects.filter(delivery=sent).count() == 2
    assert Delivery.objects.exclude(pk=sent.pk).get().state == "pending"


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_after_its_lease(settings, smtp_sink):
    settings.DIGEST_LEASE_SECONDS = 60
    run, ids = plan_digest_run(2)
    # A worker claimed the first delivery and was killed before recording the outcome.
    Delivery.objects.filter(pk=ids[0]).update(
        state="sending", claimed_at=timezone.now() - timedelta(minutes=5), claim="dead"
    )
    assert sending.send_chunk(run.pk, ids).sent == 1
    assert not runs.finish_if_done(run, timezone.now())
    assert runs.resume(run, timezone.now()) == 1
    assert sending.send_chunk(run.pk, ids).sent == 1
    assert runs.finish_if_done(run, timezone.now())
    assert len(smtp_sink.wait_for(2)) == 2


def test_unsubscribing_after_planning_cancels_the_pending_digest(smtp_sink):
    run, ids = plan_digest_run(2)
    Subscriber.objects.filter(email="r0@example.com").update(unsubscribed_at=timezone.now())
    report = sending.send_chunk(run.pk, ids)
    assert (report.sent, report.cancelled) == (1, 1)


def test_planning_twice_never_makes_two_deliveries_and_skips_nobody_due():
    make_ranked_paper()
    due = [make_subscriber(f"d{i}@example.com") for i in range(5)]
    make_subscriber("later@example.com", due=timezone.now() + timedelta(hours=3))
    now = timezone.now()
    run = DigestRun.objects.create(slot=now, latest_day=runs.latest_announcement_day())
    # A planner killed half-way: two of the due subscribers were already planned.
    Subscriber.objects.filter(pk__in=[s.pk for s in due[:2]]).update(next_due_at=None)
    runs.plan(run, now, fan_out=False)
    Subscriber.objects.filter(pk__in=[s.pk for s in due[:2]]).update(next_due_at=now)
    runs.plan(run, now, fan_out=False)
    runs.plan(run, now, fan_out=False)
    planned = set(Delivery.objects.values_list("subscriber__email", flat=True))
    assert planned == {f"d{i}@example.com" for i in range(5)}
    assert Delivery.objects.count() == 5


def test_a_subscriber_another_check_is_planning_is_not_planned_into_a_second_run(threads_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: planners cannot overlap")
    make_ranked_paper()
    subscriber = make_subscriber("once@example.com")
    now = timezone.now()
    day = runs.latest_announcement_day()
    this_hour = DigestRun.objects.create(slot=hour_slot(now), latest_day=day)
    last_hour = DigestRun.objects.create(slot=hour_slot(now) - timedelta(hours=1), latest_day=day)
    planned_there = threading.Event()
    commit = threading.Event()

    def check_of_the_last_hour() -> None:
        from django.db import connections

        try:
            # Half-way through planning: the delivery and the new due time not yet committed.
            with transaction.atomic():
                runs._insert_deliveries(last_hour.pk, [subscriber.pk], now)
                Subscriber.objects.filter(pk=subscriber.pk).update(
                    next_due_at=now + timedelta(days=1)
                )
                planned_there.set()
                commit.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=check_of_the_last_hour)
    other.start()
    assert planned_there.wait(10)
    threading.Timer(1.0, commit.set).start()  # commits while this planner may be waiting
    try:
        runs.plan(this_hour, now, fan_out=False)
    finally:
        commit.set()
        other.join()
    assert list(Delivery.objects.filter(subscriber=subscriber).values_list("run", flat=True)) == [
        last_hour.pk
    ]


def test_old_runs_are_pruned_with_their_deliveries_and_papers_sent(settings, smtp_sink):
    settings.DIGEST_KEEP_DAYS = 10
    run, ids = plan_digest_run(2)
    sending.send_chunk(run.pk, ids)
    assert runs.finish_if_done(run, timezone.now())
    assert SentPaper.objects.count() == 4
    assert runs.prune(timezone.now() + timedelta(days=9)) == 0
    assert runs.prune(timezone.now() + timedelta(days=11)) == 1
    assert not DigestRun.objects.exists() and not Delivery.objects.exists()
    assert not SentPaper.objects.exists()
    assert Subscriber.objects.count() == 2
