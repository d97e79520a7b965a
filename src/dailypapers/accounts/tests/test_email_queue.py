"""Account emails go through the task queue: requests never wait on SMTP, failures are
retried with backoff, and a member is told honestly when an email could not be sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from dailypapers.accounts import emails
from dailypapers.accounts.decorators import verified_required
from dailypapers.accounts.models import User
from dailypapers.mail import delivery, tasks
from dailypapers.mail.models import QueuedEmail

pytestmark = pytest.mark.django_db


def test_a_sign_up_request_only_queues_its_email(smtp_sink, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plain = Client()  # its request's transaction never commits: no task runs

    plain.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "display_name": "New",
            "password1": "correct horse battery",
            "password2": "correct horse battery",
        },
    )

    (row,) = QueuedEmail.objects.all()
    assert row.status == "queued"
    assert row.builder == "dailypapers.accounts.emails.build_verification"
    assert smtp_sink.messages == []
    assert tasks.deliver(row.pk) == "sent"
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "new@example.org"


def test_password_reset_takes_the_same_path_for_known_and_unknown_addresses(ada, smtp_sink):
    plain = Client()
    answers, query_counts = [], []
    for address in ("ada@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            answers.append(plain.post("/accounts/password/reset/", {"email": address}))
        query_counts.append(len(queries))

    assert answers[0]["Location"] == answers[1]["Location"] == "/accounts/password/reset/done/"
    assert query_counts[0] == query_counts[1]
    assert smtp_sink.messages == []  # nothing was sent inside either request
    rows = list(QueuedEmail.objects.order_by("pk"))
    assert [r.address for r in rows] == ["ada@example.org", "nobody@example.org"]
    assert [tasks.deliver(r.pk) for r in rows] == ["sent", "skipped"]
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "ada@example.org"


def test_a_temporary_failure_is_retried_later_through_the_queue(ada, smtp_sink, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_RETRY_SECONDS = 30
    smtp_sink.stop()
    row = emails.queue_verification(ada)

    assert tasks.deliver(row.pk) == "queued"

    row.refresh_from_db()
    assert row.attempts == 1 and "Connection refused" in row.last_error
    retry = DBTaskResult.objects.get(task_path="dailypapers.mail.tasks.send_queued_email")
    assert retry.args_kwargs["args"] == [row.pk]
    assert retry.run_after == row.next_attempt_at
    assert timedelta(seconds=29) < row.next_attempt_at - row.created_at < timedelta(seconds=60)
    # Not due yet: an early run changes nothing.
    assert tasks.deliver(row.pk) == "queued"
    assert QueuedEmail.objects.get(pk=row.pk).attempts == 1


def test_the_retry_delay_doubles():
    assert [delivery.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30.0, 60.0, 120.0]


def test_after_the_last_attempt_the_member_is_told_and_can_try_again(
    client, ada, smtp_sink, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 2
    settings.EMAIL_RETRY_SECONDS = 0
    client.force_login(ada)
    smtp_sink.stop()

    client.post("/accounts/resend-verification/")
    row = QueuedEmail.objects.get()
    assert row.status == "queued"
    assert "we keep trying" in client.get("/accounts/settings/").text
    assert tasks.deliver(row.pk) == "failed"  # the second and last attempt

    page = client.get("/accounts/settings/").text
    assert "We could not send the email to ada@example.org. Please try again." in page
    assert "We sent" not in page
    assert ">Try again</button>" in page

    smtp_sink.start()
    settings.EMAIL_PORT = smtp_sink.port
    client.post("/accounts/resend-verification/")
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert "We sent a confirmation link" in client.get("/accounts/settings/").text


def test_running_the_task_twice_sends_once(ada, smtp_sink):
    row = emails.queue_verification(ada)

    assert tasks.deliver(row.pk) == "sent"
    assert tasks.deliver(row.pk) == "sent"

    assert len(smtp_sink.wait_for(1)) == 1


def test_a_link_for_an_address_confirmed_meanwhile_is_not_sent(ada, smtp_sink):
    row = emails.queue_verification(ada)
    User.objects.filter(pk=ada.pk).update(email_verified_at=row.created_at)

    assert tasks.deliver(row.pk) == "skipped"
    assert smtp_sink.messages == []


def test_the_verify_first_page_offers_to_resend_the_email(ada, smtp_sink):
    row = emails.queue_verification(ada)
    tasks.deliver(row.pk)
    request = RequestFactory().post("/vote/")
    request.user = ada

    response = verified_required(lambda request: HttpResponse("voted"))(request)

    assert response.status_code == 403
    page = response.content.decode()
    assert 'action="/accounts/resend-verification/"' in page
    assert "Resend the email" in page
    assert "We sent a confirmation link to ada@example.org" in page
