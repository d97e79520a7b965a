"""What the service says about semantic search: the status page and the search form."""

from __future__ import annotations

import pytest

from dailypapers.accounts.models import User
from dailypapers.search import semantic
from dailypapers.search.tests.semantic_helpers import FixtureEmbedder
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


def test_the_status_page_says_semantic_search_is_off_and_why(client, settings):
    settings.EMBEDDING_MODEL = ""
    store_paper("2501.00001")
    body = client.get("/search/status/").content.decode()
    assert "Off: no embedding model is configured (EMBEDDING_MODEL)" in body
    assert "By shared words" in body
    assert "0 of 1 papers" in body


def test_a_model_that_fails_to_load_is_explained_to_staff_but_not_to_every_visitor(
    client, settings, tmp_path
):
    settings.EMBEDDING_MODEL = str(tmp_path / "no-such-model")
    visitor = client.get("/search/status/").content.decode()
    assert "Off: the configured embedding model could not be loaded." in visitor
    assert "no-such-model" not in visitor
    staff = User.objects.create_user("ops@example.org", "a-long-password-1", is_staff=True)
    client.force_login(staff)
    operator = client.get("/search/status/").content.decode()
    assert "no-such-model" in operator


def test_the_status_page_names_the_model_when_semantic_search_is_on(client):
    with semantic.use_embedder(FixtureEmbedder()):
        body = client.get("/search/status/").content.decode()
    assert "On, with the model all-MiniLM-L6-v2 (384 dimensions)" in body


def test_the_search_form_offers_a_choice_of_matching_only_when_semantic_search_is_on(
    client, settings
):
    settings.EMBEDDING_MODEL = ""
    off = client.get("/search/").content.decode()
    assert 'name="mode"' not in off and "Semantic search is off" in off
    with semantic.use_embedder(FixtureEmbedder()):
        on = client.get("/search/").content.decode()
    assert 'name="mode"' in on and "Meaning only" in on


def test_an_unknown_mode_in_the_address_is_ignored(client, settings):
    settings.EMBEDDING_MODEL = ""
    store_paper("2501.00001", title="Graph networks")
    response = client.get("/search/", {"q": "graph", "mode": "telepathy"})
    assert response.status_code == 200
    assert response.context["results"].mode == "keyword"
