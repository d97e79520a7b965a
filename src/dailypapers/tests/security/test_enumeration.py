"""Who has an account must not show through sign-up, log-in or password reset: not in the
body, not in the cookies, not in the time taken.
"""

from __future__ import annotations

import re
import statistics
import time

import pytest
from django.test import Client
from django.utils import timezone

from dailypapers.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-4711"
KNOWN = "known@example.org"


@pytest.fixture(autouse=True)
def known_member(settings) -> User:
    settings.LOGIN_ATTEMPTS_PER_15_MIN = 1000
    settings.SIGNUPS_PER_HOUR_PER_IP = 1000
    return User.objects.create_user(KNOWN, PASSWORD, email_verified_at=timezone.now())


def answer(client: Client, path: str, data: dict) -> tuple[int, str, str, set[str]]:
    response = client.post(path, data)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, response.get("Location", ""), body, set(response.cookies)


def signup_data(email: str) -> dict[str, str]:
    return {"email": email, "display_name": "Someone", "password1": PASSWORD,
            "password2": PASSWORD}  # fmt: skip


def test_log_in_answers_alike_for_a_known_and_an_unknown_address():
    known = answer(Client(), "/accounts/login/", {"username": KNOWN, "password": "wrong-1"})
    unknown = answer(Client(), "/accounts/login/", {"username": "no@example.org",
                                                    "password": "wrong-1"})  # fmt: skip
    assert known[:2] == unknown[:2]
    assert known[2].replace(KNOWN, "X") == unknown[2].replace("no@example.org", "X")
    assert known[3] == unknown[3]


def test_password_reset_answers_alike_for_a_known_and_an_unknown_address(smtp_sink):
    known = answer(Client(), "/accounts/password/reset/", {"email": KNOWN})
    unknown = answer(Client(), "/accounts/password/reset/", {"email": "no@example.org"})
    assert known[:2] == unknown[:2] and known[3] == unknown[3]


def test_sign_up_redirects_alike_for_a_known_and_a_new_address(smtp_sink):
    taken = answer(Client(), "/accounts/signup/", signup_data(KNOWN))
    new = answer(Client(), "/accounts/signup/", signup_data("new@example.org"))
    assert taken[:2] == new[:2]


def test_sign_up_sets_the_same_cookies_for_a_known_and_a_new_address(smtp_sink):
    taken = answer(Client(), "/accounts/signup/", signup_data(KNOWN))
    new = answer(Client(), "/accounts/signup/", signup_data("new2@example.org"))
    assert taken[3] == new[3]


def timing_gap(known, unknown, rounds: int = 15) -> tuple[float, float]:
    """Median durations of the two, measured alternately so both see the same machine load."""
    known(0), unknown(0)  # warm up
    durations: dict[object, list[float]] = {known: [], unknown: []}
    for n in range(1, rounds + 1):
        for post in (known, unknown) if n % 2 else (unknown, known):
            started = time.perf_counter()
            post(n)
            durations[post].append(time.perf_counter() - started)
    return statistics.median(durations[known]), statistics.median(durations[unknown])


def alike(first: float, second: float, slack: float) -> bool:
    # An absolute slack for noise, and a relative one for a loaded machine (2 cores shared).
    return abs(first - second) < max(slack, 0.5 * min(first, second))


def test_log_in_takes_as_long_for_an_unknown_address():
    def known(n: int) -> None:
        Client().post("/accounts/login/", {"username": KNOWN, "password": f"wrong-{n}"})

    def unknown(n: int) -> None:
        Client().post("/accounts/login/", {"username": f"u{n}@example.org", "password": "x"})

    assert alike(*timing_gap(known, unknown), slack=0.025)


def test_password_reset_takes_as_long_for_a_known_address(smtp_sink, monkeypatch):
    """The reset email is queued, never sent inside the request (issue 16 #5)."""
    monkeypatch.setattr("dailypapers.accounts.views.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 1000)

    def known(n: int) -> None:
        Client().post("/accounts/password/reset/", {"email": KNOWN})

    def unknown(n: int) -> None:
        Client().post("/accounts/password/reset/", {"email": f"u{n}@example.org"})

    assert alike(*timing_gap(known, unknown, rounds=8), slack=0.015)
