"""Reading reference-manager exports: BibTeX and CSL JSON into references to match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.bibtex_import import parse_bibtex, read_bibtex_references
from dailypapers.lib.csl import read_csl_references
from dailypapers.lib.references import (
    ImportFileError,
    arxiv_id_from,
    clean_doi,
    normalise_title,
)

FIXTURES = Path(__file__).parent / "fixtures" / "library"


def by_label(references):
    return {reference.label: reference for reference in references}


def test_a_zotero_style_bibtex_file_gives_every_entry_with_its_keys():
    references = by_label(read_bibtex_references((FIXTURES / "zotero.bib").read_text()))

    assert list(references) == [
        "lovelace2025sparse", "hopper2024dense", "turing2023graphs", "scholar2017", "oldstyle",
        "nothing",
    ]  # fmt: skip
    sparse = references["lovelace2025sparse"]
    assert sparse.arxiv_id == "2501.00001"
    assert sparse.title == "Sparse Attention for Long Documents"
    assert references["hopper2024dense"].doi == "10.1000/dense.42"
    assert references["hopper2024dense"].arxiv_id == ""
    assert references["scholar2017"].arxiv_id == "1706.03762"
    assert references["oldstyle"].arxiv_id == "hep-th/9901001"
    assert references["nothing"].arxiv_id == references["nothing"].doi == ""


def test_bibtex_string_macros_months_and_concatenation_are_expanded():
    [entry] = parse_bibtex(
        '@string{conf = "Conference"}\n'
        '@article{k, journal = conf # { on } # "Things", month = feb, year = 2020}'
    )
    assert entry.fields == {"journal": "Conference on Things", "month": "Feb", "year": "2020"}
    assert entry.entry_type == "article" and entry.key == "k"


def test_bibtex_entries_in_parentheses_and_escaped_braces_are_read():
    [entry] = parse_bibtex(r"@misc(k2, title = {A \{brace\} {in} it})")
    assert entry.fields["title"] == r"A \{brace\} {in} it"


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("@article{k,\n  title = {Never {closed,\n}\n", "line 2", "never closed"),
        ('@article{k,\n  title = "open\n', "line 2", "quote is never closed"),
        ("@article{k,\n  title {x}}\n", "line 2", "expected '='"),
        ("@article{,\n title = {x}}", "line 1", "citation key"),
        ("@article{k, title = {x} year = 2020}", "line 1", "',' or '}'"),
    ],
)
def test_malformed_bibtex_is_refused_with_the_line_and_the_reason(text, where, what):
    with pytest.raises(ImportFileError) as caught:
        read_bibtex_references(text)
    assert where in str(caught.value) and what in str(caught.value)


def test_a_file_without_bibtex_entries_is_refused():
    with pytest.raises(ImportFileError, match="No BibTeX entries"):
        read_bibtex_references("just some notes, no entries")


def test_a_zotero_csl_json_export_gives_every_item():
    text = (FIXTURES / "zotero-csl.json").read_text()
    references = read_csl_references(text)

    assert [r.title for r in references][:2] == [
        "Sparse Attention for Long Documents", "Dense Retrieval, Revisited",
    ]  # fmt: skip
    assert references[0].arxiv_id == "2501.00001"
    assert references[0].label == "http://zotero.org/users/1/items/AAAA1111"
    assert references[1].doi == "10.1000/dense.42" and references[1].arxiv_id == ""
    assert references[3].arxiv_id == "2502.00007"  # from arXiv's own DOI
    assert references[4].arxiv_id == references[4].doi == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"title": "x"},', "not valid JSON"),
        ('{"title": "x"}', "must be an array"),
        ("[]", "holds no items"),
        ('[{"title": "x"}, 3]', "item 2 is not an object"),
    ],
)
def test_malformed_csl_json_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ImportFileError, match=message):
        read_csl_references(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2501.00001v3", "2501.00001"),
        ("https://arxiv.org/pdf/2501.00001v1.pdf", "2501.00001"),
        ("arXiv preprint arXiv:1706.03762", "1706.03762"),
        ("10.48550/arXiv.2501.00001", "2501.00001"),
        ("https://doi.org/10.48550/ARXIV.2501.00001", "2501.00001"),
        ("arXiv:hep-th/9901001 [hep-th]", "hep-th/9901001"),
        ("10.1000/xyz", ""),
        ("pages 12-19", ""),
    ],
)
def test_arxiv_ids_are_found_where_exports_put_them(text, expected):
    assert arxiv_id_from(text) == expected


def test_dois_lose_their_resolver_and_their_case():
    assert clean_doi("https://doi.org/10.1000/ABC.1.") == "10.1000/abc.1"
    assert clean_doi("no doi here") == ""


def test_titles_normalise_across_markup_accents_and_punctuation():
    assert normalise_title(r"{BERT}: Pre-training of \textbf{Deep} Transformers") == (
        normalise_title("BERT — pre-training of deep transformers")
    )
    assert normalise_title(r"Counting {\"o}bjects") == normalise_title("Counting öbjects")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='@{}()=,"#\\% \nabcAZ019.:/', max_size=120))
def test_any_text_is_read_or_refused_with_an_import_error_never_a_crash(text):
    try:
        read_bibtex_references(text)
    except ImportFileError as error:
        assert str(error)


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["title", "DOI", "URL", "id", "number"]),
                                      inner, max_size=4), max_leaves=12))  # fmt: skip
def test_any_json_is_read_or_refused_with_an_import_error_never_a_crash(value):
    try:
        read_csl_references(json.dumps(value))
    except ImportFileError as error:
        assert str(error)


def test_line_numbers_stay_right_deep_into_a_large_file():
    # Entries of 1, 2 and 3 lines in turn, with blank lines and comment text between.
    shapes = [
        "@misc{KEY, title = {One line}}",
        "@misc{KEY,\n title = {Two}}",
        "@misc{KEY,\n\n x = 1}",
    ]
    pieces = [
        shapes[n % 3].replace("KEY", f"k{n}") + ("\n\nsome comment\n" if n % 5 == 0 else "\n")
        for n in range(600)
    ]
    text = "".join(pieces)
    expected = [text[: text.index(f"@misc{{k{n},")].count("\n") + 1 for n in range(600)]

    assert [entry.line for entry in parse_bibtex(text)] == expected

    broken = text + "\n@article{last,\n  title = {Never {closed,\n}\n"
    where = broken.count("\n", 0, broken.index("title = {Never")) + 1
    with pytest.raises(ImportFileError, match=f"BibTeX line {where}: this brace is never closed"):
        parse_bibtex(broken)
    wrong = text + "@article{last,\n  title {x}}\n"
    where = wrong.count("\n", 0, wrong.index("title {x}")) + 1
    with pytest.raises(ImportFileError, match=f"BibTeX line {where}: expected '='"):
        parse_bibtex(wrong)
