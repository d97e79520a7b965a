"""Leaving and changing preferences from the links in a digest, with no account."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.core import signing
from django.utils import timezone

from dailypapers.digests import links, runs
from dailypapers.digests.models import Subscriber
from dailypapers.testing.factories import make_ranked_paper, make_subscriber


def local(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.mark.django_db(transaction=True)
def test_one_click_post_to_the_list_unsubscribe_url_unsubscribes_without_cookie_or_token(
    live_server, settings, smtp_sink, immediate_tasks
):
    settings.SITE_URL = live_server.url
    make_ranked_paper()
    subscriber = make_subscriber("leaver@example.com")
    runs.check(timezone.now())
    [message] = smtp_sink.wait_for(1)
    https_url = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])[0]
    assert https_url.startswith(live_server.url)
    request = urllib.request.Request(
        https_url, data=b"List-Unsubscribe=One-Click", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.url == https_url  # answered in place, no redirect
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and subscriber.next_due_at is None


@pytest.mark.django_db
def test_opening_the_unsubscribe_link_only_asks(client):
    subscriber = make_subscriber("scanned@example.com")
    path = links.unsubscribe_url(subscriber.pk, subscriber.link_key).removeprefix(
        "http://testserver"
    )
    response = client.get(path)
    assert response.status_code == 200 and b"Stop sending digests" in response.content
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None
    assert client.post(path).status_code == 200
    subscriber.refresh_from_db()
    left_at = subscriber.unsubscribed_at
    assert left_at is not None
    # A second click finds the link retired, and changes nothing.
    assert client.post(path).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == left_at


@pytest.mark.django_db
def test_unsubscribing_retires_every_old_link_and_offers_one_fresh_link(client):
    subscriber = make_subscriber("forwarded@example.com")
    old_key = subscriber.link_key
    unsubscribe_path = local(links.unsubscribe_url(subscriber.pk, old_key))
    preferences_path = local(links.preferences_url(subscriber.pk, old_key))
    page = client.post(unsubscribe_path)
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.link_key != old_key
    fresh_path = local(links.preferences_url(subscriber.pk, subscriber.link_key))
    assert f'href="{fresh_path}"' in page.content.decode()
    # Whoever kept or was forwarded an old digest can no longer restart mail or see settings.
    assert client.post(preferences_path, {"resubscribe": "1"}).status_code == 404
    assert client.get(preferences_path).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and subscriber.next_due_at is None
    assert client.get(fresh_path).status_code == 200


@pytest.mark.django_db
def test_a_validly_signed_link_for_another_subscriber_id_is_refused(client):
    victim = make_subscriber("victim@example.com")
    holder = make_subscriber("holder@example.com")
    # Signed by us, but pairing the victim's id with the key of the holder's own link.
    token = links.manage_token(victim.pk, holder.link_key)
    assert client.get(f"/digests/preferences/{token}/").status_code == 404
    assert client.post(f"/digests/unsubscribe/{token}/").status_code == 404
    victim.refresh_from_db()
    assert victim.unsubscribed_at is None
    with pytest.raises(links.InvalidLink):
        links.subscriber_for_manage_token(signing.Signer(salt=links.MANAGE_SALT).sign("x.key"))


@pytest.mark.django_db
def test_a_forged_link_finds_nobody(client):
    subscriber = make_subscriber("someone@example.com")
    assert client.post(f"/digests/unsubscribe/{subscriber.pk}.x:forged/").status_code == 404
    assert client.get(f"/digests/preferences/{subscriber.pk}.x:forged/").status_code == 404


@pytest.mark.django_db
def test_preferences_change_schedule_and_content_and_pause_stops_mail(client):
    subscriber = make_subscriber("prefs@example.com")
    path = links.preferences_url(subscriber.pk, subscriber.link_key).removeprefix(
        "http://testserver"
    )
    assert client.get(path).status_code == 200
    form = {
        "frequency": "weekly", "send_hour": "18", "time_zone": "Europe/Berlin", "weekday": "4",
        "content": "topics", "categories": "cs.CL, hep-th", "top_n": "7",
    }  # fmt: skip
    assert client.post(path, form).status_code == 302
    subscriber.refresh_from_db()
    assert (subscriber.frequency, subscriber.send_hour, subscriber.time_zone) == (
        "weekly", 18, "Europe/Berlin",
    )  # fmt: skip
    assert subscriber.categories == ["cs.CL", "hep-th"] and subscriber.top_n == 7
    assert subscriber.next_due_at.weekday() == 4
    assert client.post(path, {**form, "paused": "on"}).status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.paused and subscriber.next_due_at is None
    bad = client.post(path, {**form, "time_zone": "Mars/Base", "categories": "not a cat!"})
    assert bad.status_code == 400
    assert Subscriber.objects.get(pk=subscriber.pk).time_zone == "Europe/Berlin"


@pytest.mark.django_db
def test_an_old_confirmation_link_cannot_resubscribe_after_a_one_click_unsubscribe(client):
    subscriber = make_subscriber("left@example.com")
    confirm_path = local(links.confirm_url(subscriber))
    client.post(local(links.unsubscribe_url(subscriber.pk, subscriber.link_key)))
    assert client.post(confirm_path).status_code in (400, 404, 410)
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and subscriber.next_due_at is None
