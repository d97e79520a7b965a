"""Rate limits on log-in, sign-up and password reset: 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user

from dailypapers.accounts.models import User
from dailypapers.core.ratelimit import client_ip, hit

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def assert_too_many(response, longest_wait: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= longest_wait
    assert "Too many attempts" in response.text


def test_hit_allows_exactly_the_limit_in_a_window():
    results = [hit("test:counter", 3, 60) for _ in range(5)]

    assert results == [True, True, True, False, False]


def test_limits_under_different_keys_are_counted_apart():
    assert hit("test:a", 1, 60)
    assert hit("test:b", 1, 60)
    assert not hit("test:a", 1, 60)


def test_too_many_logins_from_one_address_get_429(client, settings):
    settings.LOGIN_ATTEMPTS_PER_15_MIN = 3
    for n in range(3):
        data = {"username": f"guess{n}@example.org", "password": "x"}
        assert client.post("/accounts/login/", data).status_code == 200

    response = client.post("/accounts/login/", {"username": "guess9@example.org", "password": "x"})

    assert_too_many(response, 15 * 60)


def test_too_many_logins_for_one_account_get_429_from_any_ip(client, settings):
    settings.LOGIN_ATTEMPTS_PER_15_MIN = 3
    data = {"username": "ada@example.org", "password": "wrong"}
    for n in range(3):
        client.post("/accounts/login/", data, REMOTE_ADDR=f"10.0.0.{n}")

    response = client.post(
        "/accounts/login/", {**data, "username": "ADA@example.org"}, REMOTE_ADDR="10.0.0.99"
    )

    assert_too_many(response, 15 * 60)


def test_a_blocked_login_does_not_log_in_even_with_the_right_password(client, settings):
    settings.LOGIN_ATTEMPTS_PER_15_MIN = 2
    User.objects.create_user("ada@example.org", PASSWORD)
    for _ in range(2):
        client.post("/accounts/login/", {"username": "ada@example.org", "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert get_user(client).is_anonymous


def sign_up_data(n: int) -> dict[str, str]:
    return {
        "email": f"person{n}@example.org",
        "display_name": f"Person {n}",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def test_too_many_sign_ups_from_one_ip_get_429(client, settings, smtp_sink):
    settings.SIGNUPS_PER_HOUR_PER_IP = 2
    for n in range(2):
        assert client.post("/accounts/signup/", sign_up_data(n)).status_code == 302
        client.logout()

    response = client.post("/accounts/signup/", sign_up_data(3))

    assert_too_many(response, 60 * 60)
    assert not User.objects.filter(email="person3@example.org").exists()


def test_sign_ups_from_another_ip_are_counted_apart(client, settings, smtp_sink):
    settings.SIGNUPS_PER_HOUR_PER_IP = 1
    assert client.post("/accounts/signup/", sign_up_data(1)).status_code == 302
    client.logout()

    response = client.post("/accounts/signup/", sign_up_data(2), REMOTE_ADDR="10.1.1.1")

    assert response.status_code == 302


def test_incomplete_sign_up_forms_do_not_count(client, settings, smtp_sink):
    settings.SIGNUPS_PER_HOUR_PER_IP = 1
    for _ in range(3):
        bad = {**sign_up_data(0), "password2": "a typo"}
        assert client.post("/accounts/signup/", bad).status_code == 200

    assert client.post("/accounts/signup/", sign_up_data(0)).status_code == 302


def test_too_many_password_resets_from_one_ip_get_429(client, settings, smtp_sink):
    settings.LOGIN_ATTEMPTS_PER_15_MIN = 2
    for n in range(2):
        response = client.post("/accounts/password/reset/", {"email": f"p{n}@example.org"})
        assert response.status_code == 302

    response = client.post("/accounts/password/reset/", {"email": "p9@example.org"})

    assert_too_many(response, 15 * 60)


def test_resets_for_one_address_are_limited_whether_or_not_it_has_an_account(
    client, settings, smtp_sink
):
    settings.LOGIN_ATTEMPTS_PER_15_MIN = 100
    User.objects.create_user("ada@example.org", PASSWORD)
    for address in ("ada@example.org", "nobody@example.org"):
        statuses = [
            client.post(
                "/accounts/password/reset/", {"email": address}, REMOTE_ADDR=f"10.2.0.{n}"
            ).status_code
            for n in range(6)
        ]
        assert statuses == [302] * 5 + [429]
    assert len(smtp_sink.wait_for(5)) == 5


def test_asking_for_confirmation_links_too_often_gets_429(client, smtp_sink):
    client.force_login(User.objects.create_user("ada@example.org", PASSWORD))
    for _ in range(5):
        assert client.post("/accounts/resend-verification/").status_code == 302

    response = client.post("/accounts/resend-verification/")

    assert_too_many(response, 60 * 60)
    assert len(smtp_sink.wait_for(5)) == 5


def test_the_client_address_is_the_remote_address_without_a_proxy(rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_ip(request) == "192.0.2.7"


def test_behind_a_proxy_the_last_forwarded_hop_is_the_client(rf, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")

    assert client_ip(request) == "203.0.113.9"


def test_ipv6_clients_are_counted_per_64(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")

    assert client_ip(one) == client_ip(other) == "2001:db8:1:2::/64"


def test_ipv4_mapped_ipv6_addresses_count_as_ipv4(rf):
    assert client_ip(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.7")) == "192.0.2.7"
