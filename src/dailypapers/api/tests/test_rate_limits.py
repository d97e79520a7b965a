"""API rate limits: per token with one, per IP without; 429 with Retry-After past them."""

from __future__ import annotations

import pytest

from dailypapers.api.tokens import create_token
from dailypapers.testing.factories import make_member, store_detailed_paper

pytestmark = pytest.mark.django_db
URL = "/api/v1/papers/2501.00001"


@pytest.fixture(autouse=True)
def paper():
    return store_detailed_paper("2501.00001")


def test_past_the_per_ip_limit_a_read_gets_429_with_retry_after(client, settings):
    settings.API_RATE_PER_MINUTE_IP = 3
    answers = [client.get(URL) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"


def test_each_address_has_its_own_count(client, settings):
    settings.API_RATE_PER_MINUTE_IP = 1
    assert client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_token_is_counted_on_its_own_not_against_the_address(client, settings):
    settings.API_RATE_PER_MINUTE_IP = 1
    settings.API_RATE_PER_MINUTE_TOKEN = 2
    _token, secret = create_token(make_member(), "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    assert [client.get(URL, **auth).status_code for _ in range(3)] == [200, 200, 429]


def test_guessed_tokens_count_against_the_address(client, settings):
    settings.API_RATE_PER_MINUTE_IP = 2
    guesses = [client.get(URL, HTTP_AUTHORIZATION=f"Bearer dp_guess_{n}") for n in range(3)]
    assert [answer.status_code for answer in guesses] == [401, 401, 429]


def test_a_limit_of_zero_means_no_limit(client, settings):
    settings.API_RATE_PER_MINUTE_IP = 0
    assert all(client.get(URL).status_code == 200 for _ in range(5))
