"""Thumbnails on cards, on the paper page and in the API, and the address that serves them:
the render with long cache headers, else a placeholder picture; lists stay one query."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.testing.factories import LISTING_DAY, make_thumbnail, store_paper
from dailypapers.thumbnails import storage
from dailypapers.thumbnails.models import Thumbnail

pytestmark = pytest.mark.django_db
IMAGE = "/papers/{}/thumbnail.webp"


def test_a_rendered_thumbnail_is_served_as_webp_with_an_etag_and_a_year_of_caching(client):
    paper = store_paper("2501.00001")
    row = make_thumbnail(paper)

    response = client.get(IMAGE.format("2501.00001"), {"v": "1"})

    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content) == storage.path_for("2501.00001").read_bytes()
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["ETag"] == f'"{row.bytes}-{int(row.updated_at.timestamp())}"'
    again = client.get(IMAGE.format("2501.00001"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and not again.content


def test_a_paper_without_a_thumbnail_answers_a_placeholder_picture_cached_an_hour(client):
    store_paper("2501.00002")
    response = client.get(IMAGE.format("2501.00002"))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WEBP"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert client.head(IMAGE.format("2501.00002")).status_code == 200


def test_an_unknown_paper_or_a_bad_id_has_no_thumbnail_address(client):
    assert client.get(IMAGE.format("2501.99999")).status_code == 404
    assert client.get(IMAGE.format("not-an-id")).status_code == 404
    assert client.post(IMAGE.format("2501.99999")).status_code == 405


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(client, settings):
    settings.THUMBNAIL_X_ACCEL_PREFIX = "/_thumbnails/"
    make_thumbnail(store_paper("2501.00003"))
    response = client.get(IMAGE.format("2501.00003"))
    assert response["X-Accel-Redirect"] == "/_thumbnails/2501/2501.00003.webp"
    assert response.content == b"" and response["Content-Type"] == "image/webp"


def test_cards_show_the_render_lazily_with_its_size_and_a_css_box_otherwise(client):
    pictured = store_paper("2501.00004")
    row = make_thumbnail(pictured)
    store_paper("2501.00005")
    make_thumbnail(store_paper("2501.00006"), Thumbnail.Status.SKIPPED)

    html = client.get(f"/day/{LISTING_DAY.isoformat()}/").content.decode()

    images = re.findall(r'<img src="/papers/([^/]+)/thumbnail\.webp\?v=(\d+)"([^>]*)>', html)
    assert [(found, int(version)) for found, version, _ in images] == [
        ("2501.00004", int(row.updated_at.timestamp()))
    ]
    assert 'width="160" height="90" loading="lazy"' in images[0][2]
    assert html.count('<span class="thumb thumb-none" aria-hidden="true"></span>') == 2


def test_a_list_page_costs_the_same_queries_with_or_without_thumbnails(client):
    papers = [store_paper(f"2501.0001{n}") for n in range(6)]
    day = f"/day/{LISTING_DAY.isoformat()}/"
    client.get(day)  # warm up once-per-process lookups
    cache.clear()  # signed-out pages are cached: each measured request renders
    with CaptureQueriesContext(connection) as without:
        client.get(day)
    for paper in papers:
        make_thumbnail(paper)
    cache.clear()
    with CaptureQueriesContext(connection) as pictured:
        html = client.get(day).content.decode()
    assert html.count("thumbnail.webp?v=") == 6
    assert len(pictured) == len(without) > 0


def test_the_paper_page_shows_page_one_at_its_own_size_linking_to_the_pdf(client):
    paper = store_paper("2501.00020")
    assert 'class="paper-thumb thumb-none"' in client.get("/papers/2501.00020/").content.decode()
    make_thumbnail(paper, width=320, height=414)
    cache.clear()
    html = client.get("/papers/2501.00020/").content.decode()
    assert re.search(
        r'<a class="paper-thumb" href="[^"]+/pdf/2501\.00020"[^>]*><img src="/papers/2501\.00020/'
        r'thumbnail\.webp\?v=\d+" alt="First page of the paper" width="320" height="414" '
        r'loading="lazy"',
        html,
    )


def test_every_daily_item_carries_an_absolute_thumbnail_and_media_urls(client, settings):
    settings.SITE_URL = "https://papers.example.org"
    rendered = store_paper("2501.00030")
    row = make_thumbnail(rendered)
    store_paper("2501.00031")

    items = client.get("/api/daily_papers", {"date": LISTING_DAY.isoformat()}).json()

    by_id = {item["paper"]["id"]: item for item in items}
    version = int(row.updated_at.timestamp())
    pictured = f"https://papers.example.org/papers/2501.00030/thumbnail.webp?v={version}"
    assert by_id["2501.00030"]["thumbnail"] == pictured
    assert by_id["2501.00030"]["mediaUrls"] == [pictured]
    waiting = by_id["2501.00031"]
    assert waiting["thumbnail"] == "https://papers.example.org/papers/2501.00031/thumbnail.webp"
    assert waiting["mediaUrls"] == []
    # The address of a paper not rendered yet still answers a picture.
    placeholder = client.get(waiting["thumbnail"].removeprefix("https://papers.example.org"))
    assert placeholder.status_code == 200 and placeholder["Content-Type"] == "image/webp"
