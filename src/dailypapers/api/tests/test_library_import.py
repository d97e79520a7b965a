"""Importing a BibTeX or CSL JSON library: matched by arXiv id, DOI, then title; a report."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dailypapers.api import library_import
from dailypapers.api.library_import import (
    BY_ARXIV_ID,
    BY_DOI,
    BY_TITLE,
    MAX_FILE_BYTES,
    import_library,
)
from dailypapers.api.tokens import create_token
from dailypapers.api.v1_member import import_file
from dailypapers.core.api_errors import ApiError
from dailypapers.feed.models import Collection, CollectionItem
from dailypapers.lib.references import ImportFileError
from dailypapers.testing.factories import make_member, store_detailed_paper

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parents[2] / "lib" / "tests" / "fixtures" / "library"


@pytest.fixture
def stored():
    store_detailed_paper("2501.00001", title="Sparse attention for long documents")
    store_detailed_paper("2501.00002", title="Dense retrieval, revisited", doi="10.1000/dense.42")
    store_detailed_paper("2501.00003", title="Graph Networks that Count Öbjects")
    store_detailed_paper("2501.00004", title="Unrelated work on proteins")


def matched(report) -> dict[str, tuple[str, str]]:
    return {o.reference.label: (o.paper.arxiv_id, o.matched_by) for o in report.matched}


def test_a_bibtex_library_is_matched_by_id_then_doi_then_title(stored):
    ada = make_member()
    report = import_library(ada, (FIXTURES / "zotero.bib").read_bytes(), "library.bib")

    assert report.file_format == "BibTeX"
    assert matched(report) == {
        "lovelace2025sparse": ("2501.00001", BY_ARXIV_ID),
        "hopper2024dense": ("2501.00002", BY_DOI),
        "turing2023graphs": ("2501.00003", BY_TITLE),
    }
    reasons = {o.reference.label: o.reason for o in report.unmatched}
    assert reasons["scholar2017"] == "arXiv 1706.03762 is not stored here"
    assert reasons["nothing"] == "no stored paper with this title"
    collection = Collection.objects.get(owner=ada)
    assert collection.name == "Imported library" and not collection.is_public
    assert set(collection.papers.values_list("arxiv_id", flat=True)) == {
        "2501.00001", "2501.00002", "2501.00003",
    }  # fmt: skip
    assert report.added == 3 and report.already_there == 0


def test_a_zotero_csl_json_library_matches_the_same_papers(stored):
    report = import_library(make_member(), (FIXTURES / "zotero-csl.json").read_bytes(), "x.json")
    assert report.file_format == "CSL JSON"
    assert sorted(arxiv for arxiv, _how in matched(report).values()) == [
        "2501.00001", "2501.00002", "2501.00003",
    ]  # fmt: skip
    assert len(report.unmatched) == 2


def test_importing_twice_adds_nothing_the_second_time(stored):
    ada = make_member()
    data = (FIXTURES / "zotero.bib").read_bytes()
    import_library(ada, data, "library.bib")
    again = import_library(ada, data, "library.bib")
    assert (again.added, again.already_there) == (0, 3)
    assert CollectionItem.objects.count() == 3 and Collection.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"@article{k,\n  title = {Never {closed\n}", "BibTeX line 2"),
        (b'[{"title": "x"},', "not valid JSON"),
        (b"\xff\xfe\x00b\x00i\x00b", "not UTF-8"),
        (b"%PDF-1.7 this is no library", "No BibTeX entries"),
    ],
)
def test_a_malformed_file_is_refused_and_changes_nothing(stored, data, message):
    ada = make_member()
    with pytest.raises(ImportFileError, match=message):
        import_library(ada, data, "upload")
    assert not Collection.objects.exists() and not CollectionItem.objects.exists()


def test_the_import_page_shows_a_report_of_what_matched_and_what_did_not(client, stored):
    ada = make_member()
    client.force_login(ada)
    upload = SimpleUploadedFile("library.bib", (FIXTURES / "zotero.bib").read_bytes())

    response = client.post("/library/import/", {"library": upload, "collection": "From Zotero"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "3 matched a paper here, 3 did not" in text
    assert "arXiv 1706.03762 is not stored here" in text and "hopper2024dense" in text
    assert Collection.objects.get(owner=ada).name == "From Zotero"


def test_the_import_page_says_why_a_file_was_refused_and_saves_nothing(client, stored):
    client.force_login(make_member())
    upload = SimpleUploadedFile("broken.json", b'{"items": 3}')

    response = client.post("/library/import/", {"library": upload, "collection": "X"})

    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert "must be an array" in response.content.decode()
    assert not Collection.objects.exists()


def test_the_import_page_needs_a_file_and_a_member(client):
    assert "/accounts/login/" in client.get("/library/import/")["Location"]
    client.force_login(make_member())
    assert client.get("/library/import/").status_code == 200
    response = client.post("/library/import/", {"collection": "X"})
    assert response.status_code == 400 and "Choose the file" in response.content.decode()


def test_a_library_file_can_be_imported_through_the_api_with_a_token(client, stored):
    ada = make_member()
    _token, secret = create_token(ada, "zotero sync")
    upload = SimpleUploadedFile("library.json", (FIXTURES / "zotero-csl.json").read_bytes())

    response = client.post(
        "/api/v1/me/library/import",
        {"library": upload, "collection": "Zotero"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["file_format"] == "CSL JSON" and body["collection"] == "zotero"
    assert body["added"] == 3 and len(body["unmatched"]) == 2
    assert {m["arxiv_id"] for m in body["matched"]} == {"2501.00001", "2501.00002", "2501.00003"}
    assert Collection.objects.get(owner=ada).papers.count() == 3


def test_a_malformed_file_through_the_api_is_a_400_and_saves_nothing(client, stored):
    _token, secret = create_token(make_member(), "script")
    upload = SimpleUploadedFile("broken.bib", b"@article{k,\n title = {open")
    response = client.post(
        "/api/v1/me/library/import", {"library": upload}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_file"
    assert "BibTeX line 2" in response.json()["error"]["message"]
    assert not Collection.objects.exists()


class UnreadableUpload(SimpleUploadedFile):
    """An upload whose size is known but whose content must not be read."""

    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read into memory")


def test_an_oversized_api_upload_is_refused_before_it_is_read(rf):
    request = rf.post("/api/v1/me/library/import")
    request.auth = make_member()
    upload = UnreadableUpload("big.bib", b"@misc{k, title = {x}}")
    upload.size = MAX_FILE_BYTES + 1

    with pytest.raises(ApiError) as refused:
        import_file(request, upload)

    assert refused.value.status == 400 and refused.value.code == "invalid_file"
    assert "over 5 MB" in refused.value.message


def test_an_oversized_api_upload_is_a_400_in_the_error_format(client, stored):
    _token, secret = create_token(make_member(), "script")
    upload = SimpleUploadedFile("big.bib", b"%" * (MAX_FILE_BYTES + 1))
    response = client.post(
        "/api/v1/me/library/import", {"library": upload}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_file",
        "message": "The file is over 5 MB.",
    }
    assert not Collection.objects.exists()


def test_api_imports_past_the_hourly_limit_get_429_with_retry_after(client, stored, monkeypatch):
    monkeypatch.setattr(library_import, "IMPORTS_PER_HOUR", 2)
    ada = make_member()
    _token, secret = create_token(ada, "script")
    data = (FIXTURES / "zotero.bib").read_bytes()

    answers = [
        client.post(
            "/api/v1/me/library/import",
            {"library": SimpleUploadedFile("library.bib", data)},
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        for _ in range(3)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1].json()["error"]["code"] == "rate_limited"
    assert 1 <= int(answers[-1]["Retry-After"]) <= 3600
    client.force_login(ada)  # the web page counts against the same member
    page = client.post(
        "/library/import/", {"library": SimpleUploadedFile("l.bib", data), "collection": "X"}
    )
    assert page.status_code == 429 and "imported a library too often" in page.content.decode()
    assert not Collection.objects.filter(name="X").exists()


def test_titles_past_the_lookup_cap_are_reported_not_looked_up(stored, monkeypatch):
    monkeypatch.setattr(library_import, "MAX_TITLE_LOOKUPS", 1)
    data = (
        b"@misc{first, title = {Sparse attention for long documents}}\n"
        b"@misc{second, title = {Graph Networks that Count Objects}}\n"
    )
    report = import_library(make_member(), data, "library.bib")
    assert matched(report) == {"first": ("2501.00001", BY_TITLE)}
    assert [(o.reference.label, o.reason) for o in report.unmatched] == [
        ("second", "not looked up: over 1 titles in one file")
    ]
