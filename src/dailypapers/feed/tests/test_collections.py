"""Collections: named reading lists, private or public, filled from any paper."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from dailypapers.feed.community.services.collections import add_paper, create_collection
from dailypapers.feed.models import Collection, CollectionItem
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_paper_announced_today, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def picker(paper: Paper, user=None) -> str:
    request = RequestFactory().get(f"/papers/{paper.arxiv_id}/")
    request.user = user or AnonymousUser()
    return render_to_string(
        "feed/community/includes/collection_picker.html", {"paper": paper}, request=request
    )


def test_creating_a_collection_gives_it_a_slug_under_its_owner_and_shows_it():
    owner = make_user()
    browser = signed_in(owner)
    response = browser.post("/collections/", {"name": "Diffusion  reading", "description": "wk"})
    assert response.status_code == 302
    assert response["Location"] == f"/u/{owner.pk}/collections/diffusion-reading/"
    page = browser.get(response["Location"])
    assert page.status_code == 200 and "Diffusion reading" in page.content.decode()
    assert "Diffusion reading" in browser.get("/collections/").content.decode()


def test_two_collections_with_one_name_get_distinct_slugs():
    owner = make_user()
    first = create_collection(owner, "To read")
    second = create_collection(owner, "To read")
    symbols = create_collection(owner, "!!!")
    assert (first.slug, second.slug, symbols.slug) == ("to-read", "to-read-2", "list")
    assert create_collection(make_user("bo@example.org"), "To read").slug == "to-read"


def test_a_collection_without_a_name_is_refused_with_a_message():
    browser = signed_in(make_user())
    response = browser.post("/collections/", {"name": "   "})
    assert response.status_code == 400
    assert "Give the collection a name." in response.content.decode()
    assert Collection.objects.count() == 0


def test_creating_a_collection_needs_the_csrf_token_and_a_signed_in_member():
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post("/collections/", {"name": "x"}).status_code == 403
    anonymous = Client().get("/collections/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert Collection.objects.count() == 0


def test_a_private_collection_is_404_for_everyone_but_its_owner():
    owner = make_user()
    private = create_collection(owner, "Secret")
    url = f"/u/{owner.pk}/collections/{private.slug}/"
    assert Client().get(url).status_code == 404
    assert signed_in(make_user("bo@example.org")).get(url).status_code == 404
    assert signed_in(owner).get(url).status_code == 200


def test_a_public_collection_shows_its_papers_to_anyone_without_owner_controls():
    owner = make_user()
    public = create_collection(owner, "Best of", "My picks", is_public=True)
    add_paper(public, make_paper_announced_today())
    page = Client().get(f"/u/{owner.pk}/collections/best-of/").content.decode()
    assert "Paper 2501.00001" in page and "My picks" in page
    assert "Delete this collection" not in page and "Remove from this collection" not in page


def test_the_owner_renames_describes_and_publishes_and_the_link_stays_the_same():
    owner = make_user()
    found = create_collection(owner, "Old name")
    browser = signed_in(owner)
    response = browser.post(
        f"/collections/{found.pk}/edit/",
        {"name": "New name", "description": "Now with words", "is_public": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/u/{owner.pk}/collections/old-name/"
    found.refresh_from_db()
    assert (found.name, found.description, found.is_public) == ("New name", "Now with words", True)
    assert Client().get(response["Location"]).status_code == 200  # public now


def test_others_cannot_edit_or_delete_a_collection():
    owner = make_user()
    found = create_collection(owner, "Mine", is_public=True)
    intruder = signed_in(make_user("eve@example.org"))
    assert intruder.post(f"/collections/{found.pk}/edit/", {"name": "Eve's"}).status_code == 404
    assert intruder.post(f"/collections/{found.pk}/delete/").status_code == 404
    found.refresh_from_db()
    assert found.name == "Mine"


def test_deleting_a_collection_asks_first_and_keeps_the_papers():
    owner = make_user()
    found = create_collection(owner, "Temporary")
    add_paper(found, make_paper_announced_today())
    browser = signed_in(owner)
    confirm = browser.get(f"/collections/{found.pk}/delete/")
    assert confirm.status_code == 200 and "Delete “Temporary”?" in confirm.content.decode()
    assert Collection.objects.count() == 1  # a GET changes nothing
    response = browser.post(f"/collections/{found.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/collections/"
    assert Collection.objects.count() == 0 and Paper.objects.count() == 1


def test_saving_a_paper_without_javascript_goes_back_and_never_duplicates():
    owner = make_user()
    paper = make_paper_announced_today()
    found = create_collection(owner, "Reading")
    browser = signed_in(owner)
    form = {"paper": "2501.00001", "collection": found.pk, "next": "/day/2025-01-06/"}
    response = browser.post("/collections/add/", form)
    assert response.status_code == 302 and response["Location"] == "/day/2025-01-06/"
    browser.post("/collections/add/", form)
    assert list(CollectionItem.objects.values_list("collection_id", "paper_id")) == [
        (found.pk, paper.pk)
    ]


def test_saving_to_a_new_collection_named_in_the_picker_creates_it():
    owner = make_user()
    make_paper_announced_today()
    form = {"paper": "2501.00001", "new_name": "Fresh list", "next": "/day/2025-01-06/"}
    response = signed_in(owner).post("/collections/add/", form, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="next" value="/day/2025-01-06/"' in html  # the no-JS way back still leads home
    assert "Saved to “Fresh list”." in html and "In your collections" in html
    found = Collection.objects.get(owner=owner)
    assert (found.name, found.slug, found.is_public) == ("Fresh list", "fresh-list", False)
    assert found.papers.count() == 1


def test_removing_a_paper_with_htmx_answers_the_refreshed_picker():
    owner = make_user()
    paper = make_paper_announced_today()
    found = create_collection(owner, "Reading")
    add_paper(found, paper)
    response = signed_in(owner).post(
        "/collections/remove/", {"paper": paper.arxiv_id, "collection": found.pk}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Removed from “Reading”." in html
    assert f'<option value="{found.pk}">Reading</option>' in html
    assert CollectionItem.objects.count() == 0


def test_nobody_can_save_to_or_remove_from_someone_elses_collection():
    owner = make_user()
    paper = make_paper_announced_today()
    found = create_collection(owner, "Mine")
    add_paper(found, paper)
    intruder = signed_in(make_user("eve@example.org"))
    form = {"paper": paper.arxiv_id, "collection": found.pk}
    assert intruder.post("/collections/add/", form).status_code == 404
    assert intruder.post("/collections/remove/", form).status_code == 404
    assert CollectionItem.objects.count() == 1


def test_bad_picker_input_is_refused():
    owner = make_user()
    make_paper_announced_today()
    browser = signed_in(owner)
    assert browser.post("/collections/add/", {"paper": "2501.00001"}).status_code == 400
    unknown = browser.post("/collections/add/", {"paper": "nonsense", "new_name": "x"})
    assert unknown.status_code == 404
    assert browser.get("/collections/add/").status_code == 405
    assert Collection.objects.count() == 0


def test_the_picker_offers_my_collections_to_members_and_a_log_in_link_to_visitors():
    owner = make_user()
    paper = make_paper_announced_today()
    holding = create_collection(owner, "Holding it")
    create_collection(owner, "Other list")
    create_collection(make_user("bo@example.org"), "Not mine")
    add_paper(holding, paper)
    html = picker(paper, owner)
    assert 'action="/collections/add/"' in html and 'hx-post="/collections/add/"' in html
    assert "Other list</option>" in html and "Not mine" not in html
    assert "Holding it</a>" in html and 'action="/collections/remove/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    visitor = picker(paper)
    assert "Log in</a> to save papers" in visitor and "<form" not in visitor


def test_a_member_saves_a_paper_to_a_collection_straight_from_a_feed_list(
    django_assert_max_num_queries,
):
    from datetime import date

    paper = make_paper_announced_today()
    Paper.objects.filter(pk=paper.pk).update(announced_on=date(2025, 1, 6))
    for n in range(2, 12):
        Paper.objects.create(
            arxiv_id=f"2501.{n:05d}", title=f"P{n}", content_hash="x", announced_on=date(2025, 1, 6)
        )
    user = make_user()
    reading = create_collection(user, "Reading")
    client = signed_in(user)
    with django_assert_max_num_queries(12):  # the member's collections are read once, not per item
        html = client.get("/day/2025-01-06/").content.decode()
    assert html.count("<summary>Save</summary>") == 11
    assert f'<option value="{reading.pk}">Reading</option>' in html
    response = client.post(
        "/collections/add/",
        {"paper": "2501.00001", "collection": reading.pk, "next": "/day/2025-01-06/"},
    )
    assert response.status_code == 302 and response["Location"] == "/day/2025-01-06/"
    assert CollectionItem.objects.filter(collection=reading, paper=paper).exists()


def test_signed_out_feed_lists_offer_no_save_form():
    make_paper_announced_today()
    Paper.objects.update(announced_on=datetime(2025, 1, 6, tzinfo=UTC).date())
    html = Client().get("/day/2025-01-06/").content.decode()
    assert "<summary>Save</summary>" not in html
