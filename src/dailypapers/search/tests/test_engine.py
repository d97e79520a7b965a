"""Keyword search through engine.search(): the same behaviour on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from dailypapers.papers.models import Paper
from dailypapers.search.backends import postgres_fts, sqlite_fts
from dailypapers.search.engine import MAX_RESULTS, search
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = pytest.mark.django_db


def found(query: str, **options: object) -> list[str]:
    results = search(query, **options)
    assert not results.error, results.error
    return arxiv_ids(results.papers)


def test_papers_with_any_of_the_words_are_found_and_those_with_all_of_them_rank_first():
    store_paper("2501.00001", title="Graph neural networks", abstract="We study molecules.")
    store_paper("2501.00002", title="Graph theory", abstract="Nothing about learning.")
    store_paper("2501.00003", title="Poetry", abstract="Rhymes.")
    assert found("graph molecules") == ["2501.00001", "2501.00002"]
    assert found("graph molecules", sort="newest") == ["2501.00001"]  # a filter: every word
    assert sorted(found("graph")) == ["2501.00001", "2501.00002"]


def test_words_match_other_forms_of_themselves():
    store_paper("2501.00001", title="Training large transformers")
    assert found("transformer training") == ["2501.00001"]


def test_a_title_match_ranks_above_an_author_match_above_an_abstract_match():
    store_paper("2501.00001", abstract="We use Kalman filters here.", authors=["Ann Other"])
    store_paper("2501.00002", title="Kalman filters revisited", authors=["Ann Other"])
    store_paper("2501.00003", authors=["Rudolf Kalman"], abstract="Filters again.")
    assert found("kalman") == ["2501.00002", "2501.00003", "2501.00001"]


def test_a_phrase_needs_its_words_together_and_in_order():
    store_paper("2501.00001", title="Attention is all you need")
    store_paper("2501.00002", title="All you need is attention")
    assert found('"attention is all you need"') == ["2501.00001"]


def test_a_hyphenated_word_ranks_the_hyphenated_text_first_and_quoted_requires_it():
    store_paper("2501.00001", title="Evaluating GPT-4 on exams")
    store_paper("2501.00002", title="Evaluating GPT on exams", abstract="Four runs.")
    # Ranked search reads unquoted "GPT-4" as two words (Query.for_ranking): the paper with
    # both first; quotes, or an order other than relevance, require the hyphenated text.
    ranked = found("GPT-4")
    assert sorted(ranked) == ["2501.00001", "2501.00002"]
    if connection.vendor == "sqlite":  # PostgreSQL's ts_rank_cd may put the shorter one first
        assert ranked == ["2501.00001", "2501.00002"]
    assert found('"GPT-4"') == ["2501.00001"]
    assert found("GPT-4", sort="newest") == ["2501.00001"]


def test_author_looks_only_among_the_authors():
    store_paper("2501.00001", authors=["Geoffrey Hinton", "Yann LeCun"])
    store_paper("2501.00002", title="Hinton's capsules", authors=["Someone Else"])
    assert found("author:Hinton") == ["2501.00001"]
    assert found('author:"Geoffrey Hinton"') == ["2501.00001"]


def test_a_full_name_does_not_match_across_two_authors():
    store_paper("2501.00001", authors=["Ada Geoffrey", "Hinton Smith"])
    assert found('author:"Geoffrey Hinton"') == []


def test_author_names_with_accents_are_found():
    store_paper("2501.00001", authors=["Balázs Szegedy"])
    assert found("author:Balázs") == ["2501.00001"]


def test_excluded_words_phrases_and_authors_leave_papers_out():
    store_paper("2501.00001", title="Robot learning survey", authors=["Ann Smith"])
    store_paper("2501.00002", title="Robot learning in depth", authors=["Bob Jones"])
    store_paper("2501.00003", title="Robot learning with deep learning", authors=["Cy Young"])
    assert sorted(found("robot -survey")) == ["2501.00002", "2501.00003"]
    assert sorted(found('robot -"deep learning"')) == ["2501.00001", "2501.00002"]
    assert sorted(found("robot -author:Jones")) == ["2501.00001", "2501.00003"]


def test_category_filters_see_cross_lists():
    store_paper("2501.00001", title="Robot arms", categories=["cs.RO", "cs.LG"])
    store_paper("2501.00002", title="Robot legs", categories=["cs.RO"])
    assert found("robot cat:cs.lg") == ["2501.00001"]
    assert found("robot", category="cs.LG") == ["2501.00001"]
    assert found("robot -cat:cs.LG") == ["2501.00002"]


def test_a_category_alone_lists_its_papers_newest_first():
    store_paper("2501.00001", day=date(2025, 1, 6), categories=["cs.CL"])
    store_paper("2501.00002", day=date(2025, 1, 8), categories=["cs.LG", "cs.CL"])
    store_paper("2501.00003", day=date(2025, 1, 7), categories=["cs.LG"])
    results = search("cat:cs.CL")
    assert results.sort == "newest"
    assert arxiv_ids(results.papers) == ["2501.00002", "2501.00001"]
    assert found("", category="cs.LG") == ["2501.00002", "2501.00003"]


def test_announcement_dates_bound_the_results_inclusively():
    for number, day in ((1, 6), (2, 7), (3, 8)):
        store_paper(f"2501.0000{number}", day=date(2025, 1, day), title="Sparse coding")
    assert sorted(found("sparse", date_from=date(2025, 1, 7))) == ["2501.00002", "2501.00003"]
    assert found("sparse", date_from=date(2025, 1, 7), date_to=date(2025, 1, 7)) == ["2501.00002"]


def test_has_code_keeps_papers_with_code_links():
    store_paper("2501.00001", title="Sparse coding", abstract="Code: https://github.com/a/b")
    store_paper("2501.00002", title="Sparse coding too")
    assert found("sparse", has_code=True) == ["2501.00001"]
    assert found("sparse", has_code=False) == ["2501.00002"]


def test_newest_and_trending_sorts_order_by_day_and_score():
    store_paper("2501.00001", day=date(2025, 1, 8), title="Optimal transport")
    store_paper("2501.00002", day=date(2025, 1, 6), title="Optimal transport optimal transport")
    store_paper("2501.00003", day=None, title="Optimal transport again")
    Paper.objects.filter(arxiv_id="2501.00002").update(trending_score=5.0)
    Paper.objects.filter(arxiv_id="2501.00003").update(trending_score=2.0)
    assert found("transport", sort="newest") == ["2501.00001", "2501.00002", "2501.00003"]
    assert found("transport", sort="trending") == ["2501.00002", "2501.00003", "2501.00001"]


def test_pages_split_the_results_and_count_all_of_them():
    for number in range(1, 6):
        store_paper(f"2501.0000{number}", day=date(2025, 1, number), title="Bandit algorithms")
    first = search("bandit", sort="newest", per_page=2)
    last = search("bandit", sort="newest", per_page=2, page=3)
    beyond = search("bandit", sort="newest", per_page=2, page=4)
    assert (first.total, last.total, beyond.total) == (5, 5, 5)
    assert arxiv_ids(first.papers) == ["2501.00005", "2501.00004"]
    assert arxiv_ids(last.papers) == ["2501.00001"]
    assert beyond.papers == []


def test_pages_past_the_result_limit_are_refused_with_a_message():
    store_paper("2501.00001", title="Bandit algorithms")
    results = search("bandit", page=MAX_RESULTS // 20 + 1)
    assert results.error.startswith("Results stop at")


def test_snippets_mark_the_matching_words_of_the_abstract_and_escape_the_rest():
    store_paper(
        "2501.00001",
        title="Adversarial examples",
        abstract="We show <script>alert(1)</script> & robust models resist adversarial noise.",
    )
    results = search("adversarial robust")
    snippet = results.snippets[results.papers[0]]
    assert "<mark>robust</mark>" in snippet and "<mark>adversarial</mark>" in snippet
    # SQLite shows the tag escaped, PostgreSQL's ts_headline drops it: never as markup.
    assert "<script" not in snippet and "&amp;" in snippet
    assert snippet.startswith("We show") or snippet.startswith("… show")


def test_a_query_error_comes_back_as_a_message_not_an_exception():
    results = search("-survey")
    assert results.error.startswith("Add something to look for")
    assert results.papers == [] and not results.searched


def test_a_bad_category_or_date_range_is_a_message():
    assert "not an arXiv category" in search("robot", category="robots!").error
    reversed_range = search("robot", date_from=date(2025, 2, 1), date_to=date(2025, 1, 1))
    assert "after" in reversed_range.error


def test_a_blank_query_searches_nothing_and_says_nothing():
    store_paper("2501.00001")
    results = search("   ")
    assert not results.searched and not results.error and results.total == 0


def test_fts_syntax_in_a_query_is_read_as_words():
    store_paper("2501.00001", title="Rock and roll near the sea")
    for query in ("rock AND roll", "rock NEAR roll", "roll*", "title:rock", "(rock)", '"rock'):
        assert found(query) == ["2501.00001"], query


def test_stop_words_and_an_exclusion_are_refused_with_a_message_rather_than_find_everything():
    store_paper("2501.00001", title="The survey")
    store_paper("2501.00002", title="The method")
    results = search("the -survey")
    assert "too common" in results.error and results.papers == []


def test_relevance_ranks_every_match_while_trending_orders_only_the_newest_and_says_so(
    monkeypatch,
):
    for module in (sqlite_fts, postgres_fts):
        monkeypatch.setattr(module, "RANK_WINDOW", 2)
    store_paper("2501.00001", day=date(2025, 1, 6), title="Kernel methods kernel kernel")
    store_paper("2501.00002", day=date(2025, 1, 7), abstract="A kernel.")
    store_paper("2501.00003", day=date(2025, 1, 8), title="Kernel tricks")
    results = search("kernel")
    assert results.total == 3 and not results.notes
    assert arxiv_ids(results.papers)[0] == "2501.00001"  # the oldest, most about kernels
    trending = search("kernel", sort="trending")
    assert sorted(arxiv_ids(trending.papers)) == ["2501.00002", "2501.00003"]
    assert any("only the newest 2" in note for note in trending.notes)
    assert arxiv_ids(search("kernel", sort="newest").papers)[-1] == "2501.00001"


def test_counting_stops_at_the_count_limit_and_says_it_did(monkeypatch):
    for module in (sqlite_fts, postgres_fts):
        monkeypatch.setattr(module, "COUNT_LIMIT", 2)
    for number in range(1, 4):
        store_paper(f"2501.0000{number}", title="Kernel methods")
    results = search("kernel", sort="newest")
    assert (results.total, results.total_capped) == (2, True)
