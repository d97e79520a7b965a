"""What every API read shares: ETag and Last-Modified with 304s, CORS, JSON errors, docs."""

from __future__ import annotations

import pytest
from django.utils.http import http_date

from dailypapers.api.conditional import representation_since
from dailypapers.testing.factories import set_counters, store_detailed_paper

pytestmark = pytest.mark.django_db
URL = "/api/v1/papers/2501.00001"


@pytest.fixture
def paper():
    return store_detailed_paper("2501.00001")


def test_a_read_carries_an_etag_a_last_modified_date_and_cors(client, paper):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]


def vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


@pytest.mark.parametrize("address", [URL, "/api/v1/days/2025-01-08", "/api/daily_papers"])
def test_a_public_answer_varies_on_credentials_so_shared_caches_keep_it_from_members(
    client, paper, address
):
    first = client.get(address)
    replayed = client.get(address)  # lists may come from the list cache the second time
    not_modified = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])

    for response in (first, replayed, not_modified):
        assert "public" in response["Cache-Control"]
        assert {"authorization", "cookie"} <= vary(response)
    assert not_modified.status_code == 304


def test_the_same_etag_is_answered_304_with_no_body(client, paper):
    etag = client.get(URL)["ETag"]
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_changed_paper_gets_a_new_etag_and_a_full_answer(client, paper):
    etag = client.get(URL)["ETag"]
    set_counters(paper, upvote_count=3)  # update() moves no timestamp: the body decides
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag and response.json()["upvotes"] == 3


def test_if_modified_since_the_last_modified_date_is_answered_304(client, paper):
    last_modified = client.get(URL)["Last-Modified"]
    response = client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_a_change_in_the_same_second_still_gets_a_later_last_modified(client, paper):
    first = client.get(URL)["Last-Modified"]
    set_counters(paper, upvote_count=3)
    response = client.get(URL, HTTP_IF_MODIFIED_SINCE=first)
    assert response.status_code == 200
    assert response["Last-Modified"] != first


def test_a_body_keeps_the_date_it_was_first_served_and_a_new_body_moves_past_it():
    assert representation_since("/x", '"a"', now=1000.0) == 1000
    assert representation_since("/x", '"a"', now=5000.0) == 1000
    assert representation_since("/x", '"b"', now=1000.0) == 1001
    assert representation_since("/x", '"c"', now=9000.0) == 9000


def test_lists_answer_304_too(client, paper):
    etag = client.get("/api/v1/days/2025-01-08")["ETag"]
    assert client.get("/api/v1/days/2025-01-08", HTTP_IF_NONE_MATCH=etag).status_code == 304
    response = client.get("/api/daily_papers?date=2025-01-08")
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get("/api/daily_papers?date=2025-01-08", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_an_old_if_modified_since_gets_the_full_answer(client, paper):
    response = client.get(URL, HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert response.status_code == 200


def test_errors_carry_cors_but_no_validators(client):
    response = client.get("/api/v1/papers/2501.99999")
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("ETag")


def test_a_daily_papers_page_far_past_the_end_is_an_empty_list(client, paper):
    # p * limit here overflows a 64-bit OFFSET: found by schemathesis on PostgreSQL.
    response = client.get("/api/daily_papers", {"p": 2**60, "limit": 31})
    assert response.status_code == 200
    assert response.json() == []
    assert client.get("/api/daily_papers", {"p": 0}).json() != []


@pytest.mark.parametrize(
    "path",
    ["/api/v1/topics?q=graph%00", "/api/v1/search?q=a%00b", "/api/daily_papers?submitter=%00"],
)
def test_a_nul_character_in_a_parameter_is_a_400_in_the_error_format(client, path):
    # PostgreSQL refuses NUL in text: found by schemathesis as a 500 on /api/v1/topics.
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
    assert "NUL" in response.json()["error"]["message"]


def test_a_nul_character_in_a_path_parameter_is_a_400_too(client):
    response = client.get("/api/v1/papers/2501.00001%00/related")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("path", ["/topics/?q=graph%00", "/?category=cs.LG%00", "/search/?q=%00"])
def test_a_nul_character_on_a_page_is_a_plain_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v2/whatever")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_write_method_is_a_json_405_naming_the_allowed_one(client, paper):
    response = client.post(URL)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_a_cors_preflight_is_allowed_for_conditional_headers(client):
    response = client.options(URL, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


def test_the_api_root_points_to_the_docs(client):
    body = client.get("/api/").json()
    assert body["docs"] == "http://testserver/api/docs"
    assert body["openapi"] == "http://testserver/api/openapi.json"


def test_the_docs_page_uses_assets_served_by_this_site(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body and "cdn" not in body


def test_the_openapi_schema_lists_every_endpoint(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/v1/papers/{arxiv_id}",
        "/api/v1/days/{day}",
        "/api/v1/trending",
        "/api/v1/authors/{author_id}",
        "/api/v1/collections/{user_id}/{slug}",
        "/api/daily_papers",
        "/api/papers/search",
        "/api/papers/{arxiv_id}",
    } <= set(paths)


def test_every_operation_documents_the_answer_to_an_address_too_long(client):
    # The middleware answers 414 before any view runs, so every operation can give it.
    paths = client.get("/api/openapi.json").json()["paths"]
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "414" not in operation["responses"]
    ]
    assert undocumented == []
