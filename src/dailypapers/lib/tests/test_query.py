"""The search-box parser: what each piece of syntax means, and that no input breaks it."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dailypapers.lib.query import (
    MAX_QUERY_CHARS,
    MAX_WORDS,
    Phrase,
    Query,
    QueryError,
    canonical_category,
    parse,
    words_of,
)


def test_plain_words_are_terms_in_lower_case():
    assert parse("Diffusion  MODELS").terms == ("diffusion", "models")


def test_blank_input_is_an_empty_query_and_not_an_error():
    query = parse("   \t ")
    assert query.is_empty and not query.notes


def test_quoted_words_are_a_phrase_that_keeps_its_text_for_the_database_parser():
    query = parse('"Attention is   all you need" transformer')
    assert query.phrases == (
        Phrase("Attention is all you need", ("attention", "is", "all", "you", "need")),
    )
    assert query.terms == ("transformer",)


def test_a_hyphenated_or_dotted_word_is_a_phrase_of_its_parts():
    query = parse("GPT-4 state-of-the-art")
    assert query.phrases == (
        Phrase("GPT-4", ("gpt", "4")),
        Phrase("state-of-the-art", ("state", "of", "the", "art")),
    )
    assert query.terms == ()


def test_ranking_reads_an_unquoted_compound_as_plain_words_and_keeps_quoted_phrases():
    query = parse('rough white-noise "energy cascade" Kauffman\'s')
    assert [phrase.quoted for phrase in query.phrases] == [False, True, False]
    ranking = query.for_ranking()
    assert ranking.terms == ("rough", "white", "noise", "kauffman", "s")
    assert ranking.phrases == (Phrase("energy cascade", ("energy", "cascade")),)
    assert parse("kalman filter").for_ranking() == parse("kalman filter")


def test_an_unquoted_compound_is_written_back_without_quotes():
    query = parse('white-noise "energy cascade" -x-ray')
    assert query.as_text() == 'white-noise "energy cascade" -x-ray'
    assert not parse(query.as_text()).phrases[0].quoted


def test_a_quoted_single_word_is_just_a_term():
    assert parse('"bert"').terms == ("bert",)


def test_author_takes_one_word_or_a_quoted_full_name():
    query = parse('author:Hinton author:"Yann LeCun"')
    assert query.authors == (
        Phrase("Hinton", ("hinton",)),
        Phrase("Yann LeCun", ("yann", "lecun")),
    )
    assert query.has_text and not query.has_words


def test_category_is_written_the_way_arxiv_spells_it():
    assert parse("cat:cs.lg cat:HEP-TH cat:physics.Acc-Ph cat:astro-ph.co").categories == (
        "cs.LG",
        "hep-th",
        "physics.acc-ph",
        "astro-ph.CO",
    )


def test_a_category_alone_is_a_search_without_text():
    query = parse("cat:cs.CL")
    assert not query.is_empty and not query.has_text


def test_something_that_is_not_a_category_is_an_error_naming_it():
    with pytest.raises(QueryError, match="“cs.LG!” is not an arXiv category"):
        parse("transformers cat:cs.LG!")


def test_a_leading_minus_excludes_words_phrases_authors_and_categories():
    query = parse('vision -survey -"deep learning" -author:Smith -cat:cs.CV')
    assert query.terms == ("vision",)
    assert query.excluded == (
        Phrase("survey", ("survey",)),
        Phrase("deep learning", ("deep", "learning")),
    )
    assert query.excluded_authors == (Phrase("Smith", ("smith",)),)
    assert query.excluded_categories == ("cs.CV",)


def test_exclusions_alone_are_an_error_that_says_what_to_add():
    with pytest.raises(QueryError, match="Add something to look for"):
        parse("-survey -cat:cs.CV")


def test_an_unclosed_quote_runs_to_the_end_and_says_so():
    query = parse('graph "neural networks')
    assert query.phrases == (Phrase("neural networks", ("neural", "networks")),)
    assert any("not closed" in note for note in query.notes)


def test_upper_case_operators_of_other_engines_are_dropped_with_a_note():
    query = parse("cats OR dogs AND mice NEAR birds")
    assert query.terms == ("cats", "dogs", "mice", "birds")
    assert any("“OR” is not needed here" in note for note in query.notes)


def test_lower_case_operator_words_and_fts_syntax_are_plain_text():
    query = parse("rock and roll* NEAR(a b) ^start col:value {x}")
    assert "and" in query.terms and "roll" in query.terms and "start" in query.terms
    assert Phrase("col:value", ("col", "value")) in query.phrases


def test_punctuation_or_emoji_alone_is_a_clear_error():
    with pytest.raises(QueryError, match="Nothing to search for"):
        parse("!!! 🤖 ---")


def test_nul_bytes_and_invisible_characters_separate_words():
    assert parse("foo\x00bar\u200bbaz").terms == ("foo", "bar", "baz")


def test_a_long_input_is_refused_with_its_length():
    with pytest.raises(QueryError, match="10,000 characters"):
        parse("a" * 10_000)


def test_too_many_words_are_refused():
    with pytest.raises(QueryError, match=f"at most {MAX_WORDS}"):
        parse(" ".join(f"w{n}" for n in range(MAX_WORDS + 1)))


def test_repeated_parts_count_once():
    query = parse("llm LLM llm")
    assert query.terms == ("llm",)


def test_words_keep_combining_marks_and_split_on_everything_else():
    assert words_of("Nai\u0308ve C++ BERT's 3.5") == ("nai\u0308ve", "c", "bert", "s", "3", "5")


def test_canonical_category_refuses_what_arxiv_could_not_name():
    assert canonical_category("cs.LG") == "cs.LG"
    assert canonical_category("q-bio.nc") == "q-bio.NC"
    assert canonical_category("cs..LG") is None
    assert canonical_category("x" * 41) is None


def _check(query: Query) -> None:
    """What every backend relies on: bounded size, and words made of word characters only."""
    parts = (query.phrases, query.authors, query.excluded, query.excluded_authors)
    words = [*query.terms, *(word for group in parts for phrase in group for word in phrase.words)]
    assert len(words) + len(query.categories) + len(query.excluded_categories) <= MAX_WORDS
    for word in words:
        assert words_of(word) == (word,)  # letters, digits and marks only: no syntax at all
    for group in parts:
        for phrase in group:
            assert '"' not in phrase.text and "\x00" not in phrase.text
    for category in (*query.categories, *query.excluded_categories):
        assert canonical_category(category) == category


SYNTAX = st.sampled_from(
    ['"', "-", "author:", "cat:", "cat:cs.LG", " OR ", " AND ", "NEAR/3", "*", "(", ")", ":",
     "^", "\x00", "🤖", "\u200b", "“", "”", "\\", "'", " ", "NOT ", "{", "}", "+"]
)  # fmt: skip
QUERIES = st.lists(st.one_of(st.text(max_size=12), SYNTAX), max_size=30).map("".join)


@settings(max_examples=400)
@given(QUERIES)
@example('author:"')
@example("-")
@example('cat:"')
@example('-"')
@example("a" * MAX_QUERY_CHARS)
def test_any_input_gives_a_query_or_a_query_error(text):
    try:
        query = parse(text)
    except QueryError as error:
        assert str(error)  # always something to show the person
    else:
        _check(query)


@settings(max_examples=300)
@given(QUERIES)
def test_the_canonical_text_of_a_query_parses_back_to_the_same_query(text):
    try:
        query = parse(text)
    except QueryError:
        return
    assert parse(query.as_text()) == query


@given(st.text(min_size=MAX_QUERY_CHARS + 1, max_size=MAX_QUERY_CHARS + 50))
def test_input_over_the_length_limit_is_always_refused(text):
    with pytest.raises(QueryError):
        parse(text)


def test_arxiv_prefixes_work_au_is_author_and_ti_abs_all_search_everywhere():
    query = parse("au:Hinton ti:capsules abs:routing")
    assert query.authors == (Phrase("Hinton", ("hinton",)),)
    assert query.terms == ("capsules", "routing")
    assert query.notes


def test_other_word_colon_word_text_stays_text():
    assert parse("ratio 3:2 foo:bar").phrases == (
        Phrase("3:2", ("3", "2")),
        Phrase("foo:bar", ("foo", "bar")),
    )
