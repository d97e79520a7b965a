"""Operator commands: preview a subscriber's digest, dry-run and real sends, status."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dailypapers.digests.models import Delivery, DigestRun
from dailypapers.testing.factories import make_ranked_paper, make_subscriber

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("digest", *args, stdout=out)
    return out.getvalue()


def test_preview_shows_the_subject_and_papers_without_sending(tmp_path, smtp_sink):
    make_ranked_paper(title="Previewed paper", score=3)
    make_subscriber("look@example.com")
    html = tmp_path / "digest.html"
    output = run("preview", "LOOK@example.com", "--html", str(html))
    assert "Subject: dailypapers" in output and "Previewed paper" in output
    assert "Previewed paper" in html.read_text()
    assert smtp_sink.messages == [] and not Delivery.objects.exists()


def test_preview_of_an_unknown_address_says_so():
    with pytest.raises(CommandError, match="no subscriber with the address nobody@example.com"):
        run("preview", "nobody@example.com")


def test_dry_run_says_who_would_get_what_and_stores_nothing(smtp_sink):
    make_ranked_paper(title="Dry paper")
    make_subscriber("a@example.com")
    make_subscriber("b@example.com", content="topics", categories=["hep-th"])
    output = run("send", "--dry-run")
    assert "a@example.com: 1 paper, top: Dry paper" in output
    assert "b@example.com: nothing new, no email" in output
    assert "2 subscribers due, 1 digests would be sent" in output
    assert not DigestRun.objects.exists() and smtp_sink.messages == []


def test_send_delivers_the_due_digests_in_process_and_status_lists_the_run(smtp_sink):
    make_ranked_paper()
    make_subscriber("a@example.com")
    make_subscriber("b@example.com")
    output = run("send")
    assert "2 deliveries planned" in output and "sent 2" in output
    assert len(smtp_sink.wait_for(2)) == 2
    assert "sent 2" in run("status")
    assert "no subscriber is due" in run("send")
