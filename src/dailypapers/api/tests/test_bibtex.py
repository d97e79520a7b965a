"""BibTeX downloads of one paper and of a public collection."""

from __future__ import annotations

import pytest

from dailypapers.api.exports import distinct_keys
from dailypapers.feed.discovery.services.papers import bibtex_for
from dailypapers.testing.factories import make_member, make_reading_list, store_detailed_paper

pytestmark = pytest.mark.django_db


def test_a_paper_downloads_as_a_bib_file_with_the_pages_entry(client):
    paper = store_detailed_paper(
        "2501.00001", title="Sparse attention", journal_ref="J. Things 1 (2025)"
    )
    response = client.get("/papers/2501.00001/bibtex")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="2501.00001.bib"'
    assert response.content.decode() == bibtex_for(paper) + "\n"
    assert response.content.decode().startswith("@article{lovelace2025sparse,")


def test_a_versioned_or_old_style_id_downloads_too(client):
    store_detailed_paper("hep-th/9901001", categories=["hep-th"])
    response = client.get("/papers/hep-th/9901001v2/bibtex")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="hep-th-9901001.bib"'
    assert "eprint = {hep-th/9901001}" in response.content.decode()


def test_an_unknown_paper_has_no_bibtex(client):
    assert client.get("/papers/2501.99999/bibtex").status_code == 404


def test_a_public_collection_downloads_every_paper_with_distinct_keys(client):
    owner = make_member()
    papers = [
        store_detailed_paper("2501.00001", title="Deep one"),
        store_detailed_paper("2501.00002", title="Deep two"),
    ]
    papers.append(store_detailed_paper("2501.00003", title="Other", authors=["Grace Hopper"]))
    make_reading_list(owner, papers)
    response = client.get(f"/collections/{owner.pk}/reading/bibtex")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="reading.bib"'
    text = response.content.decode()
    assert text.count("@misc{") == 3
    # Newest addition first, as on the collection's page; the key's second use gets a letter.
    entries = text.strip().split("\n\n")
    assert [entry.split(",")[0] for entry in entries] == [
        "@misc{hopper2025other", "@misc{lovelace2025deep", "@misc{lovelace2025deepb",
    ]  # fmt: skip
    assert "eprint = {2501.00001}" in entries[2]


def test_a_private_collection_has_no_bibtex(client):
    owner = make_member()
    make_reading_list(owner, [store_detailed_paper("2501.00001")], public=False)
    assert client.get(f"/collections/{owner.pk}/reading/bibtex").status_code == 404
    client.force_login(make_member("grace@example.org", "Grace"))
    assert client.get(f"/collections/{owner.pk}/reading/bibtex").status_code == 404


def test_the_owner_of_a_private_collection_gets_its_bibtex_kept_private(client):
    owner = make_member()
    make_reading_list(owner, [store_detailed_paper("2501.00001")], public=False)
    client.force_login(owner)

    response = client.get(f"/collections/{owner.pk}/reading/bibtex")

    assert response.status_code == 200
    assert "eprint = {2501.00001}" in response.content.decode()
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.has_header("Access-Control-Allow-Origin")


def test_repeated_keys_get_letters_in_order_and_distinct_keys_stay():
    entries = ["@misc{a2025x,\n  title = {1}\n}", "@misc{a2025x,\n  title = {2}\n}",
               "@article{a2025x,\n  title = {3}\n}", "@misc{b2025y,\n  title = {4}\n}"]  # fmt: skip
    keys = [entry.split(",")[0] for entry in distinct_keys(entries)]
    assert keys == ["@misc{a2025x", "@misc{a2025xb", "@article{a2025xc", "@misc{b2025y"]


def test_a_bibtex_download_costs_two_queries_whatever_the_collection_size(
    client, django_assert_num_queries
):
    owner = make_member()
    make_reading_list(
        owner, [store_detailed_paper(f"2501.000{number}") for number in range(10, 30)]
    )
    with django_assert_num_queries(2):  # the collection and its papers
        client.get(f"/collections/{owner.pk}/reading/bibtex")
