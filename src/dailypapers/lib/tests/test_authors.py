"""Author strings split into display names, parsed rows become names, spellings share a key."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.authors import (
    MAX_KEY_LENGTH,
    author_key,
    authors_from_parsed,
    split_authors,
)
from dailypapers.lib.tex import tex_to_text

AUTHORISH = st.lists(
    st.sampled_from(
        list("ABC. ,;()&\n\\'\"{}-$^1") + [" and ", "Jr.", "et al.", "((1) X, (2) Y)", "\\'a"]
    ),
    max_size=60,
).map("".join)


# split_authors


def test_commas_separate_authors():
    assert split_authors("A. One, B. Two, C. Three") == ["A. One", "B. Two", "C. Three"]


def test_a_final_and_separates_the_last_author():
    assert split_authors("A. One, B. Two and C. Three") == ["A. One", "B. Two", "C. Three"]


def test_an_oxford_comma_before_and_leaves_no_empty_name():
    assert split_authors("A. One, B. Two, and C. Three") == ["A. One", "B. Two", "C. Three"]


def test_two_authors_joined_by_and_are_two_names():
    assert split_authors("Ann Lee and Bo Ray") == ["Ann Lee", "Bo Ray"]


def test_and_inside_a_name_does_not_split_it():
    assert split_authors("Sandra Anderson, Alexander Candela") == [
        "Sandra Anderson",
        "Alexander Candela",
    ]


def test_a_newline_without_indent_separates_authors():
    assert split_authors("A. One\nB. Two\nC. Three") == ["A. One", "B. Two", "C. Three"]


def test_an_indented_line_continues_a_hard_wrapped_name():
    assert split_authors("A. One, Bea\n  Two, C.\n  Three and\n  D. Four") == [
        "A. One",
        "Bea Two",
        "C. Three",
        "D. Four",
    ]


def test_long_runs_of_spaces_are_split_in_linear_time():
    assert split_authors("A" + " " * 50_000 + "and B") == ["A", "B"]


def test_tex_accents_in_names_are_decoded():
    assert split_authors(r"C. Bal\'azs, J. M\"uller, {\"O}. Zt{\"u}rk, Fran\c{c}ois Roy") == [
        "C. Balázs",
        "J. Müller",
        "Ö. Ztürk",
        "François Roy",
    ]


def test_affiliation_markers_after_names_are_removed():
    assert split_authors("A. One (1), B. Two (1 and 2), C. Three (1,2)") == [
        "A. One",
        "B. Two",
        "C. Three",
    ]


def test_a_trailing_affiliation_block_is_removed():
    raw = "A. One (1), B. Two (2) ((1) Some University, (2) Some Lab, Town)"
    assert split_authors(raw) == ["A. One", "B. Two"]


def test_an_unclosed_parenthesis_does_not_swallow_later_names():
    assert split_authors("A. One (Lab, B. Two, C. Three") == ["A. One Lab", "B. Two", "C. Three"]


def test_a_collaboration_name_stays_whole():
    assert split_authors("The ATLAS Collaboration") == ["The ATLAS Collaboration"]


def test_a_separate_jr_rejoins_the_name_before_it():
    assert split_authors("John Smith, Jr., Ann Lee") == ["John Smith Jr.", "Ann Lee"]
    assert split_authors("John Smith, Jr, Ann Lee") == ["John Smith Jr", "Ann Lee"]


def test_a_separate_roman_numeral_suffix_rejoins_the_name_before_it():
    assert split_authors("Carl Doe, III, Ann Lee") == ["Carl Doe III", "Ann Lee"]


def test_a_suffix_with_no_name_before_it_stays_on_its_own():
    assert split_authors("Jr., Ann Lee") == ["Jr.", "Ann Lee"]


def test_et_al_is_dropped():
    assert split_authors("A. One, B. Two, et al.") == ["A. One", "B. Two"]
    assert split_authors("A. One et al") == ["A. One"]
    assert split_authors("A. One and others") == ["A. One"]


def test_empty_items_and_stray_punctuation_are_dropped():
    assert split_authors(" , A. One,, ;B. Two, . ,") == ["A. One", "B. Two"]


def test_footnote_marks_on_names_are_removed():
    assert split_authors("A. One$^{1,2}$, B. Two$^*$, C. Three$^\\dagger$") == [
        "A. One",
        "B. Two",
        "C. Three",
    ]


def test_a_leading_apostrophe_in_a_name_is_kept():
    assert split_authors("A. One and 't Hooft") == ["A. One", "'t Hooft"]


def test_semicolons_and_ampersands_separate_authors():
    assert split_authors("A. One; B. Two & C. Three") == ["A. One", "B. Two", "C. Three"]


def test_empty_or_non_text_input_gives_no_authors():
    assert split_authors("") == []
    assert split_authors("   ") == []
    assert split_authors(None) == []  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), AUTHORISH))
def test_split_authors_never_raises_and_gives_clean_nonempty_names(raw):
    names = split_authors(raw)
    assert isinstance(names, list)
    for name in names:
        assert name and name == " ".join(name.split())


# authors_from_parsed


def test_parsed_rows_become_first_last_suffix():
    parsed = [["Balázs", "C.", ""], ["Berger", "E. L.", ""], ["Smith", "John", "Jr"]]
    assert authors_from_parsed(parsed) == ["C. Balázs", "E. L. Berger", "John Smith Jr"]


def test_parsed_parts_are_tex_decoded_and_whitespace_collapsed():
    assert authors_from_parsed([['M\\"uller', " Jan\n Erik ", ""]]) == ["Jan Erik Müller"]


def test_short_and_odd_parsed_rows_are_tolerated():
    parsed = [["Solo"], [], "not a row", None, ["Last", None, ""], ["L", "F", "S", "extra"]]
    assert authors_from_parsed(parsed) == ["Solo", "Last", "F L S"]  # type: ignore[arg-type]


def test_a_parsed_collaboration_keeps_its_name():
    assert authors_from_parsed([["ATLAS Collaboration", "", ""]]) == ["ATLAS Collaboration"]


def test_parsed_input_that_is_not_a_list_gives_no_authors():
    assert authors_from_parsed(None) == []  # type: ignore[arg-type]
    assert authors_from_parsed("Smith") == []  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.lists(st.one_of(st.text(), st.none(), st.integers())), st.text())))
def test_authors_from_parsed_never_raises(parsed):
    assert all(isinstance(name, str) and name for name in authors_from_parsed(parsed))


# author_key


def test_accented_tex_and_plain_spellings_share_a_key():
    assert author_key("C. Balázs") == "c balazs"
    assert author_key(tex_to_text(r"C. Bal\'azs")) == "c balazs"
    assert author_key("C Balazs") == "c balazs"


def test_raw_tex_names_get_the_same_key_as_decoded_ones():
    assert author_key(r"C. Bal\'azs") == author_key("C. Balázs")


def test_case_and_runs_of_whitespace_do_not_matter():
    assert author_key("  JOHN   smith ") == "john smith"


def test_initials_are_not_merged_with_full_first_names():
    assert author_key("C. Balazs") != author_key("Csaba Balazs")


def test_hyphenated_initials_keep_their_hyphen():
    assert author_key("C.-P. Yuan") == "c-p yuan"
    assert author_key("C-P Yuan") == "c-p yuan"


def test_letters_without_a_decomposition_fold_to_their_base_letter():
    assert author_key("Bjørn Łukasz Straße") == "bjorn lukasz strasse"


def test_keys_are_capped_in_length():
    key = author_key("x" * 1000)
    assert len(key) == MAX_KEY_LENGTH


def test_non_text_gives_an_empty_key():
    assert author_key(None) == ""  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_author_key_never_raises_and_is_short_and_lowercase(name):
    key = author_key(name)
    assert len(key) <= MAX_KEY_LENGTH
    assert key == key.casefold() or not key.isascii()
    assert key == key.strip()
