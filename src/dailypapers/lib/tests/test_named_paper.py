"""Reading what a pasted search text names: arXiv ids and links, DOIs, exact titles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.arxiv.ids import parse_pasted
from dailypapers.lib.named_paper import NamedPaper, parse_named_paper, title_key, title_keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2501.01234", ("2501.01234", None)),
        ("2501.01234v2", ("2501.01234", 2)),
        ("0704.0001", ("0704.0001", None)),
        ("arXiv:2501.01234", ("2501.01234", None)),
        ("arxiv: 2501.01234v3", ("2501.01234", 3)),
        ("ARXIV:2501.01234", ("2501.01234", None)),
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("hep-th/9901001v2", ("hep-th/9901001", 2)),
        ("math.GT/0309136v1", ("math/0309136", 1)),
        ("arXiv:math.GT/0309136", ("math/0309136", None)),
        ("  2501.01234  ", ("2501.01234", None)),
        ("<https://arxiv.org/abs/2501.01234>", ("2501.01234", None)),
        ("https://arxiv.org/abs/2501.01234", ("2501.01234", None)),
        ("https://arxiv.org/abs/2501.01234v2", ("2501.01234", 2)),
        ("http://arxiv.org/abs/2501.01234/", ("2501.01234", None)),
        ("arxiv.org/abs/2501.01234", ("2501.01234", None)),
        ("https://www.arxiv.org/abs/2501.01234?context=cs.LG", ("2501.01234", None)),
        ("https://arxiv.org/abs/2501.01234v1#references", ("2501.01234", 1)),
        ("https://arxiv.org/pdf/2501.01234", ("2501.01234", None)),
        ("https://arxiv.org/pdf/2501.01234v3", ("2501.01234", 3)),
        ("https://arxiv.org/pdf/2501.01234v3.pdf", ("2501.01234", 3)),
        ("https://arxiv.org/pdf/2501.01234.pdf", ("2501.01234", None)),
        ("https://arxiv.org/html/2501.01234v2", ("2501.01234", 2)),
        ("https://arxiv.org/html/2501.01234v2/", ("2501.01234", 2)),
        ("https://export.arxiv.org/abs/2501.01234", ("2501.01234", None)),
        ("http://export.arxiv.org/pdf/hep-th/9901001v1", ("hep-th/9901001", 1)),
        ("https://arxiv.org/abs/math.GT/0309136v1", ("math/0309136", 1)),
        ("https://arxiv.org/format/2501.01234", ("2501.01234", None)),
    ],
)
def test_every_way_of_writing_an_arxiv_id_or_link_is_read(text, expected):
    assert parse_pasted(text) == expected
    found = parse_named_paper(text)
    assert (found.kind, found.arxiv_id, found.version) == ("arxiv", *expected)


@pytest.mark.parametrize(
    "text",
    [
        "2513.01234",  # no month 13: a number, not an id
        "1234.5678",
        "3.14159",
        "2501.012",
        "https://arxiv.org/list/cs.LG/recent",
        "https://example.org/abs/2501.01234",
        "arxiv.org",
        "graph neural networks",
        "hep-th",
    ],
)
def test_text_that_is_no_id_is_not_taken_for_one(text):
    assert parse_pasted(text) is None
    found = parse_named_paper(text)
    assert found is None or found.kind != "arxiv"


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1103/PhysRevD.76.013009", "10.1103/physrevd.76.013009"),
        ("doi:10.1103/PhysRevD.76.013009", "10.1103/physrevd.76.013009"),
        ("DOI: 10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("https://doi.org/10.1103/PhysRevD.76.013009", "10.1103/physrevd.76.013009"),
        ("http://dx.doi.org/10.1007/s00220-007-0302-3", "10.1007/s00220-007-0302-3"),
        ("https://doi.org/10.1002%2Fanie.201915678", "10.1002/anie.201915678"),
        ("10.1016/j.physletb.2020.135000.", "10.1016/j.physletb.2020.135000"),
    ],
)
def test_dois_and_doi_links_are_read_lower_case(text, doi):
    assert parse_named_paper(text) == NamedPaper("doi", doi=doi)


@pytest.mark.parametrize(
    ("text", "arxiv_id", "version"),
    [
        ("10.48550/arXiv.2501.01234", "2501.01234", None),
        ("https://doi.org/10.48550/arXiv.2501.01234", "2501.01234", None),
        ("doi:10.48550/ARXIV.2501.01234v2", "2501.01234", 2),
        ("10.48550/arXiv.hep-th/9901001", "hep-th/9901001", None),
    ],
)
def test_an_arxiv_doi_names_the_arxiv_paper(text, arxiv_id, version):
    found = parse_named_paper(text)
    assert (found.kind, found.arxiv_id, found.version) == ("arxiv", arxiv_id, version)
    assert found.doi.startswith("10.48550/arxiv.")


@pytest.mark.parametrize(
    "title",
    [
        "Bridging the Dimensional Chasm: Uncover Layer-wise Dimensional Reduction in Transformers",
        "SWE-rebench: An Automated Pipeline for Task Collection",
        "Convergence of the discrete-dipole approximation I: theoretical analysis",
        "Who Gets the Callback? Generative AI and Gender Bias",
    ],
)
def test_titles_with_colons_dashes_and_questions_are_offered_as_titles(title):
    assert parse_named_paper(title) == NamedPaper("title", title=title)


def test_a_title_like_text_is_offered_as_a_title():
    found = parse_named_paper('  "Clustering in a stochastic model of one-dimensional gas"  ')
    assert found == NamedPaper(
        "title", title="Clustering in a stochastic model of one-dimensional gas"
    )


@pytest.mark.parametrize(
    "text",
    [
        "diffusion models",  # too few words
        "tidal disruption events",  # a topic, though also one paper's whole title
        "a b c d e",  # too short to be a title
        "author:lovelace analytical engine notes",  # query syntax
        "notes on engines ti:analytical by Lovelace",
        "graph networks for molecules -proteins",
        "graph networks -molecules for chemistry",
        "cats OR dogs in the wild",
        "",
        "   ",
        "x" * 501,
    ],
)
def test_short_texts_and_query_syntax_are_ordinary_queries(text):
    assert parse_named_paper(text) is None


def test_title_keys_ignore_case_spaces_and_punctuation():
    stored = "Convergence of the discrete dipole approximation. I. Theoretical\n  analysis"
    pasted = "convergence of the Discrete-Dipole approximation I: theoretical analysis"
    assert (
        title_key(stored)
        == title_key(pasted)
        == "convergenceofthediscretedipoleapproximationitheoreticalanalysis"
    )
    assert title_key("Ångström – “Quotes”", ascii_lower=True) == "Ångström“quotes”"
    assert set(title_keys("Ångström")) == {"ångström", "Ångström"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_any_text_at_all_never_raises(text):
    found = parse_named_paper(text)
    assert found is None or found.kind in ("arxiv", "doi", "title")
    assert parse_pasted(text) is None or isinstance(parse_pasted(text)[0], str)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"(https?://)?(www\.|export\.)?arxiv\.org/(abs|pdf|html)/.{0,40}"),
        st.from_regex(r"(doi:|https://doi\.org/)?10\.\d{0,9}/.{0,40}"),
        st.from_regex(r"arXiv:.{0,30}"),
        st.binary(max_size=100).map(lambda raw: raw.decode("utf-8", "replace")),
    )
)
def test_near_miss_links_and_junk_bytes_never_raise(text):
    parse_named_paper(text)
    parse_pasted(text)
