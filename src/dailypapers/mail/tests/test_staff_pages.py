"""The staff outbox pages: a list newest first, and one message shown safely."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives, send_mail

from dailypapers.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_user("staff@example.org", "pw", is_staff=True))
    return client


def test_the_list_shows_messages_newest_first(outbox_dir, staff_client):
    send_mail("Older message", "one", None, ["a@example.org"])
    send_mail("Newer message", "two", None, ["b@example.org"])

    page = staff_client.get("/staff/outbox/").text

    assert page.index("Newer message") < page.index("Older message")
    assert "b@example.org" in page
    assert "No SMTP server is configured" in page


def test_a_message_shows_its_text_with_clickable_links_and_its_html_sandboxed(
    outbox_dir, staff_client
):
    message = EmailMultiAlternatives(
        "Confirm <b>now</b>",
        "Open http://127.0.0.1:8000/accounts/verify/abc/ please",
        to=["ada@example.org"],
    )
    message.attach_alternative(
        '<p>Hi<script>alert(1)</script><a href="http://x/">go</a></p>', "text/html"
    )
    message.send()
    listing = staff_client.get("/staff/outbox/").text
    (name,) = [p.name for p in outbox_dir.iterdir()]
    assert f'href="/staff/outbox/{name}/"' in listing

    response = staff_client.get(f"/staff/outbox/{name}/")

    page = response.text
    assert "Confirm &lt;b&gt;now&lt;/b&gt;" in page
    assert '<a href="http://127.0.0.1:8000/accounts/verify/abc/"' in page
    # The HTML part lives only inside the sandboxed frame's srcdoc, escaped there.
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_an_unknown_or_hostile_message_name_is_a_404(outbox_dir, staff_client):
    assert staff_client.get("/staff/outbox/nothing.eml/").status_code == 404
    assert staff_client.get("/staff/outbox/..%2Fsecret_key/").status_code == 404


def test_members_who_are_not_staff_find_nothing(outbox_dir, client):
    client.force_login(User.objects.create_user("member@example.org", "pw"))

    assert client.get("/staff/outbox/").status_code == 404


def test_signed_out_visitors_are_asked_to_log_in(outbox_dir, client):
    response = client.get("/staff/outbox/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/outbox/")
