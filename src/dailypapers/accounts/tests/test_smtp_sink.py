"""The SMTP sink the email tests rely on: a real server that keeps parsed messages."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from dailypapers.testing.smtp import SmtpSink


def send(port: int, subject: str, to: str = "ada@example.org") -> None:
    message = EmailMessage()
    message["From"] = "noreply@example.org"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Grüße, with a non-ASCII body")
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.send_message(message, to_addrs=[to, "hidden@example.org"])


def test_the_sink_keeps_parsed_messages_and_their_envelopes():
    with SmtpSink() as sink:
        send(sink.port, "Héllo")

        (message,) = sink.wait_for(1)
        assert message["Subject"] == "Héllo"
        assert message.get_content().strip() == "Grüße, with a non-ASCII body"
        assert sink.envelopes == [
            ("noreply@example.org", ["ada@example.org", "hidden@example.org"])
        ]


def test_clear_forgets_what_arrived():
    with SmtpSink() as sink:
        send(sink.port, "one")
        sink.wait_for(1)

        sink.clear()
        send(sink.port, "two")

        assert [m["Subject"] for m in sink.wait_for(1)] == ["two"]


def test_waiting_for_mail_that_never_comes_fails_with_a_count():
    with SmtpSink() as sink, pytest.raises(AssertionError, match="expected 1 message"):
        sink.wait_for(1, timeout=0.2)


def test_two_sinks_run_side_by_side_on_different_ports():
    with SmtpSink() as first, SmtpSink() as second:
        assert first.port != second.port
        send(second.port, "to the second")
        second.wait_for(1)
        assert first.messages == []


def test_a_stopped_sink_refuses_connections():
    sink = SmtpSink().start()
    port = sink.port
    sink.stop()

    with pytest.raises(OSError):
        send(port, "too late")


@pytest.mark.django_db
def test_the_fixture_points_django_at_the_sink(smtp_sink, settings):
    from django.core.mail import send_mail

    send_mail("Hi", "Body", None, ["ada@example.org"])

    (message,) = smtp_sink.wait_for(1)
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
