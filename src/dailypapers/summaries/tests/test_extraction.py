"""Key phrases and summaries extracted from a paper's own words (lib/extractive.py), checked on
abstracts written for these tests: meaningful phrases, 5 to 8 of them, no stop-word phrases,
no duplicates; a summary within the limit, made of the abstract's sentences."""

from __future__ import annotations

import pytest

from dailypapers.lib.extractive import (
    GENERIC,
    STOP_WORDS,
    SUMMARY_LIMIT,
    clean,
    extract,
    sentences,
)

GRAPHS = (
    "Sparse attention for long molecular graphs",
    "Graph neural networks struggle with long molecular graphs, because message passing "
    "needs many layers to relate distant atoms. We propose sparse graph attention, which "
    "lets each atom attend to a few learned anchor atoms instead of all others. Sparse "
    "graph attention keeps memory linear in the number of atoms. On three molecular "
    "property benchmarks, sparse graph attention matches dense attention while using a "
    "tenth of the memory. Code is available at https://github.com/example/sparse-graphs.",
)
TIDES = (
    "Tidal heating of icy moons with layered interiors",
    "Icy moons such as Europa and Enceladus are heated by tides raised by their giant "
    "planets. We present a model of tidal heating for moons with layered interiors, "
    "including a rocky core, a subsurface ocean and an ice shell of varying thickness. "
    "The model predicts that most tidal heat is released in the ice shell near the poles. "
    "We compare the predicted heat flux with Cassini observations of Enceladus and find "
    "good agreement for a shell thinner than 20 km. Our results suggest that subsurface "
    "oceans may persist for billions of years.",
)
CODES = (
    "Decoding quantum error-correcting codes with belief propagation",
    "Quantum error-correcting codes protect fragile quantum information from noise, but "
    "decoding them quickly remains hard. In this paper, we introduce a belief propagation "
    "decoder for quantum low-density parity-check codes that uses ordered statistics to "
    "break the degeneracies that stall ordinary belief propagation. Numerical simulations "
    "under circuit-level noise show a higher threshold than minimum-weight perfect matching "
    "on surface codes (i.e., a threshold of 0.8%). The decoder runs in time linear in the "
    "code length, e.g. under a millisecond for a thousand qubits, and fits on an FPGA.",
)
ABSTRACTS = [GRAPHS, TIDES, CODES]


@pytest.mark.parametrize(("title", "abstract"), ABSTRACTS)
def test_each_paper_gets_five_to_eight_distinct_key_phrases_of_meaningful_words(title, abstract):
    phrases = extract(title, abstract).keywords
    assert 5 <= len(phrases) <= 8
    assert len({phrase.lower() for phrase in phrases}) == len(phrases)
    for phrase in phrases:
        words = phrase.lower().split()
        assert 1 <= len(words) <= 4
        assert not all(word in STOP_WORDS | GENERIC for word in words), phrase
        assert words[0] not in STOP_WORDS and words[-1] not in STOP_WORDS, phrase
        assert phrase.lower() in f"{title} {abstract}".lower(), "phrases are the paper's words"


def test_the_phrases_name_what_the_paper_is_about():
    assert "sparse graph attention" in extract(*GRAPHS).keywords
    assert "long molecular graphs" in extract(*GRAPHS).keywords
    tides = extract(*TIDES).keywords
    assert "tidal heating" in tides and "icy moons" in tides
    assert any("belief propagation" in phrase for phrase in extract(*CODES).keywords)


def test_plural_and_singular_of_a_phrase_count_as_one():
    title = "Neural networks for weather"
    abstract = (
        "A neural network forecasts weather. Neural networks need data. We train neural "
        "networks on radar images, satellite images and station records over ten years. "
        "The forecasts beat numerical weather prediction at short lead times."
    )
    phrases = [phrase.lower() for phrase in extract(title, abstract).keywords]
    assert sum(phrase in ("neural network", "neural networks") for phrase in phrases) == 1


def test_acronyms_and_proper_names_keep_their_capitals_and_title_case_does_not():
    title = "Pruning LLMs on a Raspberry Pi"
    abstract = (
        "Large language models (LLMs) rarely fit on small boards. We prune LLMs layer by "
        "layer so that they run on a Raspberry Pi with four gigabytes of memory. Pruned "
        "LLMs keep most of their accuracy on reading comprehension, and a Raspberry Pi "
        "answers a question in under a second."
    )
    phrases = extract(title, abstract).keywords
    assert "LLMs" in phrases and "Raspberry Pi" in phrases
    assert not any(phrase.startswith("Pruning") for phrase in phrases)
    assert all(not phrase.startswith(("Tidal", "Icy")) for phrase in extract(*TIDES).keywords)


@pytest.mark.parametrize(("title", "abstract"), ABSTRACTS)
def test_the_summary_is_one_or_two_of_the_abstracts_sentences_within_the_limit(title, abstract):
    made = extract(title, abstract).summary
    assert 0 < len(made) <= SUMMARY_LIMIT
    parts = sentences(made)
    assert 1 <= len(parts) <= 2
    assert all(part in clean(abstract) for part in parts)


def test_the_summary_prefers_what_the_authors_propose_and_skips_the_code_link():
    made = extract(*GRAPHS).summary
    assert "We propose sparse graph attention" in made
    assert "github" not in made.lower() and "available" not in made


def test_abbreviations_and_decimals_end_no_sentence():
    parts = sentences(clean(CODES[1]))
    assert len(parts) == 4
    assert parts[2].endswith("(i.e., a threshold of 0.8%).")


def test_a_short_abstract_is_its_own_summary():
    assert extract("Title", "We prove the conjecture. It was open.").summary == (
        "We prove the conjecture. It was open."
    )


def test_a_sentence_longer_than_the_limit_is_cut_at_a_word_with_an_ellipsis():
    long_sentence = "We measure " + " and ".join(f"quantity number {n}" for n in range(40)) + "."
    made = extract("Measurements", f"{long_sentence} {long_sentence}").summary
    assert len(made) <= SUMMARY_LIMIT and made.endswith("…")
    assert made[:-1] in long_sentence


def test_links_citations_and_markup_are_removed():
    text = clean(r"See \emph{this} [3, 4] and <b>that</b> at https://example.org/x now.")
    assert text == "See this and that at now."


@pytest.mark.parametrize("abstract", ["", "   ", "$$", "1 2 3.", "the of and."])
def test_empty_or_wordless_abstracts_give_no_summary_words_and_never_raise(abstract):
    made = extract("", abstract)
    assert isinstance(made.summary, str) and isinstance(made.keywords, list)
    assert all(phrase.strip() for phrase in made.keywords)


def test_a_short_code_note_never_fills_the_second_place():
    long_claim = (
        "We derive scaling laws for verifiers of language model reasoning, and we show that "
        "spending compute on more solutions beats spending it on more verifications for most "
        "budgets, across models, datasets and sampling temperatures."
    )
    abstract = f"{long_claim} {long_claim.replace('We derive', 'Then we fit')} Code is available."
    assert extract("Verifier scaling laws", abstract).summary == long_claim
