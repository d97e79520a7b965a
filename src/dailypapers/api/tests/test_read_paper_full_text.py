"""read_paper's full text: arXiv's HTML version, fetched only when the operator turns it on,
bounded in size, converted to Markdown and kept per paper version (issue 12, item 6)."""

from __future__ import annotations

import pytest

from dailypapers.api.full_text import full_text
from dailypapers.lib.tests.fake_arxiv import FakeArxiv
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import store_detailed_paper

pytestmark = pytest.mark.django_db(transaction=True)

# In the shape of arXiv's LaTeXML pages, written for this test.
HTML = """<html><body><nav class="ltx_page_navbar">Contents</nav><article class="ltx_document">
<h1 class="ltx_title ltx_title_document">Sparse attention</h1>
<section class="ltx_section"><h2 class="ltx_title ltx_title_section">1 Introduction</h2>
<p class="ltx_p">Attention costs <math alttext="O(n^{2})"><mi>O</mi></math> in the length.</p>
</section></article></body></html>"""


@pytest.fixture
def paper() -> Paper:
    stored = store_detailed_paper("2501.00001", title="Sparse attention", abstract="We sparsify.")
    Paper.objects.filter(pk=stored.pk).update(version=2)
    stored.refresh_from_db()
    return stored


@pytest.fixture
def arxiv_html(fake_arxiv: FakeArxiv, settings) -> FakeArxiv:
    settings.FULL_TEXT_HTML_URL = f"{fake_arxiv.url}/html"
    return fake_arxiv


def test_nothing_is_fetched_and_no_full_text_given_unless_the_operator_turns_it_on(
    hub, paper, fake_arxiv
):
    fake_arxiv.add("/html/2501.00001v2", HTML, content_type="text/html")
    text = hub.read_paper("2501.00001")
    assert "## Full text" not in text
    assert text.rstrip().endswith("We sparsify.")
    assert fake_arxiv.requests == []


def test_the_full_text_follows_the_abstract_with_sections_below_it_and_tex_formulas(
    hub, paper, arxiv_html
):
    arxiv_html.add("/html/2501.00001v2", HTML, content_type="text/html")
    text = hub.read_paper("2501.00001")
    assert text.index("## Abstract") < text.index("## Full text") < text.index("### 1 Introduction")
    assert "Attention costs $O(n^{2})$ in the length." in text
    assert "Contents" not in text
    assert text.count("Sparse attention") == 1  # the page's own title is not repeated
    sent = arxiv_html.requests_to("/html/2501.00001v2")
    assert len(sent) == 1 and "dailypapers" in sent[0].headers.get("user-agent", "")


def test_a_paper_version_is_fetched_once_and_a_new_version_again(paper, arxiv_html):
    arxiv_html.add("/html/2501.00001v2", HTML, content_type="text/html")
    arxiv_html.add(
        "/html/2501.00001v3", HTML.replace("length", "sequence"), content_type="text/html"
    )
    assert "in the length" in (full_text(paper) or "")
    assert "in the length" in (full_text(paper) or "")
    assert len(arxiv_html.requests_to("/html/2501.00001v2")) == 1
    paper.version = 3
    assert "in the sequence" in (full_text(paper) or "")


def test_a_missing_or_oversized_html_version_gives_the_abstract_only_and_is_not_asked_again(
    paper, arxiv_html, settings
):
    arxiv_html.add("/html/2501.00001v2", "Not found", status=404, content_type="text/plain")
    assert full_text(paper) is None
    assert full_text(paper) is None
    assert len(arxiv_html.requests_to("/html/2501.00001v2")) == 1

    paper.version = 4
    settings.FULL_TEXT_MAX_BYTES = 100
    arxiv_html.add("/html/2501.00001v4", HTML * 10, content_type="text/html")
    assert full_text(paper) is None


def test_arxiv_out_of_reach_gives_the_abstract_at_once(hub, paper, settings):
    settings.FULL_TEXT_HTML_URL = "http://127.0.0.1:9/html"  # nothing listens on port 9
    text = hub.read_paper("2501.00001")
    assert "## Full text" not in text and text.rstrip().endswith("We sparsify.")


def test_a_misconfigured_address_or_a_page_that_is_not_html_gives_the_abstract_not_an_error(
    hub, paper, arxiv_html, settings
):
    arxiv_html.add(
        "/html/2501.00001v2", b"\x00\xff\xfe binary %PDF junk", content_type="application/pdf"
    )
    text = hub.read_paper("2501.00001")
    assert "## Full text" not in text and text.rstrip().endswith("We sparsify.")

    settings.FULL_TEXT_HTML_URL = "ftp://example.org/html"
    paper.version = 5
    assert full_text(paper) is None
