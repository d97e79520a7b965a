"""Input found by schemathesis that once made the API fail: now plain 4xx in the format."""

from __future__ import annotations

import pytest
from django.test import Client

from dailypapers.api.tokens import create_token
from dailypapers.testing.factories import make_member

pytestmark = pytest.mark.django_db


def test_an_id_with_a_line_break_is_a_404_in_the_error_format(client):
    response = client.get("/api/v1/papers/%C3%9C%F2%9D%9F%81%0D")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "paper_not_found"
    assert "\r" not in response["X-Error-Message"]


def test_a_category_with_control_characters_is_a_400(client):
    response = client.get("/api/v1/search", {"q": "x", "category": "ä\n¸Lu\x10"})
    assert response.status_code == 400
    assert "\n" not in response["X-Error-Message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/collections/2073262977923396938779066368/reading",
        "/api/v1/authors/99999999999999999999",
    ],
)
def test_an_id_past_64_bits_is_a_400_not_an_overflow(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_a_write_to_no_endpoint_is_a_json_404_not_a_csrf_page():
    browser = Client(enforce_csrf_checks=True)
    response = browser.delete("/api/v1/papers/a%0Ab/upvote", HTTP_COOKIE="csrftoken=x")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_multipart_body_without_a_boundary_is_a_400(client):
    _token, secret = create_token(make_member(), "script")
    response = client.post(
        "/api/v1/me/library/import",
        content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_body"
