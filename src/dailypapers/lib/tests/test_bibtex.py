"""BibTeX entries for the paper page."""

from __future__ import annotations

from dailypapers.lib.bibtex import citation_key, escape_latex, paper_bibtex


def entry(**overrides) -> str:
    values = {
        "arxiv_id": "2501.01234",
        "title": "Attention Is All You Need",
        "authors": ["Ashish Vaswani", "Noam Shazeer"],
        "year": 2017,
        "primary_category": "cs.CL",
    }
    values.update(overrides)
    return paper_bibtex(**values)


def test_an_arxiv_only_paper_is_a_misc_entry_with_eprint_fields():
    assert entry() == (
        "@misc{vaswani2017attention,\n"
        "  title = {Attention Is All You Need},\n"
        "  author = {Ashish Vaswani and Noam Shazeer},\n"
        "  year = {2017},\n"
        "  eprint = {2501.01234},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  url = {https://arxiv.org/abs/2501.01234}\n"
        "}"
    )


def test_a_journal_reference_makes_it_an_article_with_the_journal_and_doi():
    text = entry(journal_ref="Phys. Rev. D 76, 013009 (2007)", doi="10.1103/PhysRevD.76.013009")
    assert text.startswith("@article{vaswani2017attention,\n")
    assert "  journal = {Phys. Rev. D 76, 013009 (2007)},\n" in text
    assert "  doi = {10.1103/PhysRevD.76.013009},\n" in text


def test_latex_special_characters_are_escaped_once():
    text = entry(title=r"50% of R&D costs $5 in C# via a_b {x} ~y^2 \o", authors=["A_B Smith"])
    assert (
        r"title = {50\% of R\&D costs \$5 in C\# via a\_b \{x\} "
        r"\textasciitilde{}y\textasciicircum{}2 \textbackslash{}o}"
    ) in text
    assert r"author = {A\_B Smith}" in text


def test_unicode_is_kept_in_fields_but_folded_to_ascii_in_the_key():
    text = entry(title="Über schnelle Sortierung", authors=["Balázs Ŝkoda"], year=2024)
    assert text.startswith("@misc{skoda2024uber,")
    assert "author = {Balázs Ŝkoda}" in text


def test_the_key_skips_leading_articles_and_reads_family_first_names():
    assert citation_key("2501.1", "The Deep Trap", ["Lovelace, Ada"], 2025) == "lovelace2025deep"
    assert citation_key("2501.1", "On $O(n^2)$ sorting", ["M. L. King Jr."], 2020) == "king2020o"


def test_the_key_is_stable_for_the_same_input():
    first = entry(title="Faster sorting", authors=["Ada Lovelace"], year=2025)
    again = entry(title="Faster sorting", authors=["Ada Lovelace"], year=2025)
    assert first == again and first.startswith("@misc{lovelace2025faster,")


def test_missing_authors_and_year_still_give_a_valid_key():
    text = entry(arxiv_id="hep-th/9901001", authors=[], year=None, title="Strings")
    assert text.startswith("@misc{arxivhepth9901001strings,")
    assert "year =" not in text and "author =" not in text
    assert "eprint = {hep-th/9901001}" in text
    assert "url = {https://arxiv.org/abs/hep-th/9901001}" in text


def test_hard_wrapped_text_is_joined_into_one_line():
    assert escape_latex("A title\n  over two lines") == "A title over two lines"
