"""TeX in arXiv metadata becomes readable plain Unicode, and no input makes it raise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.tex import clean_abstract, clean_text, clean_title, tex_to_text

# Text rich in the characters TeX gives meaning to, so that generated examples hit the parser.
TEXISH = st.lists(
    st.sampled_from(
        list("\\$^_{}~`'-[]()aeiouxyzAIO019 \n.,=+")
        + ["\\frac", "\\sqrt", "\\'", "\\v", "\\left", "\\alpha", "\\mathbb", "$$", "\\i"]
    ),
    max_size=120,
).map("".join)


# Accents


@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"\'a", "á"),
        (r"\'{a}", "á"),
        (r"{\'a}", "á"),
        (r"\' a", "á"),
        (r"\'E", "É"),
        (r"\`e", "è"),
        (r"\^o", "ô"),
        (r"\"o", "ö"),
        (r"{\"o}", "ö"),
        (r"\~n", "ñ"),
        (r"\=a", "ā"),
        (r"\.z", "ż"),
        (r"\u{g}", "ğ"),
        (r"\v{s}", "š"),
        (r"\v s", "š"),
        (r"\H{o}", "ő"),
        (r"\c{c}", "ç"),
        (r"\c c", "ç"),
        (r"\k{a}", "ą"),
        (r"\r{a}", "å"),
        (r"\'\i", "í"),
        (r"\'{\i}", "í"),
        (r"\"{\i}", "ï"),
    ],
)
def test_every_common_accent_spelling_becomes_the_accented_letter(tex, expected):
    assert tex_to_text(tex) == expected


def test_acute_accent_on_a_becomes_a_with_acute():
    assert tex_to_text(r"C. Bal\'azs") == "C. Balázs"


def test_accented_names_in_braces_lose_their_braces():
    assert tex_to_text(r"{\"O}zt{\"u}rk") == "Öztürk"
    assert tex_to_text(r"Fran\c{c}ois") == "François"


def test_accents_behind_doubly_escaped_backslashes_still_apply():
    assert (
        tex_to_text(r"Fr\\'ed\\'eric Sch\\\"urmann Fran\\c{c}ois") == "Frédéric Schürmann François"
    )


def test_an_accent_with_an_empty_group_is_the_literal_mark():
    assert tex_to_text(r"a\~{}b and x\^{}y") == "a~b and x^y"


def test_accent_letters_do_not_swallow_longer_command_names():
    assert tex_to_text(r"$\vec{v}\cdot\dot{x}$") == "v⃗·ẋ"


# Special letters and escapes


@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"Stra\ss e", "Straße"),
        (r"Stra{\ss}e", "Straße"),
        (r"Bj{\o}rn", "Bjørn"),
        (r"\O stergaard", "Østergaard"),
        (r"\aa", "å"),
        (r"\AA ngstr\"om", "Ångström"),
        (r"\ae", "æ"),
        (r"\AE", "Æ"),
        (r"\oe", "œ"),
        (r"\L{}\'od\'z", "Łódź"),
        (r"\l", "ł"),
        (r"Y{\i}lmaz", "Yılmaz"),
    ],
)
def test_special_letters_become_their_unicode_letter(tex, expected):
    assert tex_to_text(tex) == expected


def test_escaped_characters_lose_their_backslash():
    assert tex_to_text(r"R\&D costs 5\% of \$10 for item\_1 and \#2") == (
        "R&D costs 5% of $10 for item_1 and #2"
    )


def test_a_tie_between_words_is_a_space():
    assert tex_to_text("Fig.~3 of Ref.~\\cite") == "Fig. 3 of Ref. cite"


def test_a_tilde_after_a_space_means_approximately_and_stays():
    assert tex_to_text("improves by ~10% at (~5x) cost") == "improves by ~10% at (~5x) cost"


def test_double_and_triple_hyphens_become_en_and_em_dashes():
    assert tex_to_text("pages 1--3 --- or so") == "pages 1–3 — or so"


def test_tex_quotes_become_curly_quotes():
    assert tex_to_text("the ``best'' model") == "the “best” model"


def test_single_hyphens_and_apostrophes_are_left_alone():
    assert tex_to_text("state-of-the-art model's {x}") == "state-of-the-art model's x"


# Commands


def test_an_unknown_command_keeps_its_name_without_the_backslash():
    assert tex_to_text(r"the \foo method") == "the foo method"


def test_an_unknown_command_stays_apart_from_its_argument():
    assert tex_to_text(r"\cite{smith}") == "cite smith"


def test_style_commands_leave_only_their_argument():
    assert tex_to_text(r"\textbf{bold}, \emph{stressed}, \textit{it}") == "bold, stressed, it"
    assert tex_to_text(r"a {\bf bold} word") == "a bold word"


def test_latex_logo_reads_as_its_name():
    assert tex_to_text(r"\LaTeX{} is nice") == "LaTeX is nice"


def test_url_commands_leave_the_address():
    assert tex_to_text(r"see \url{https://example.org/a_b}") == "see https://example.org/a_b"


def test_href_keeps_both_the_label_and_the_address():
    assert tex_to_text(r"\href{https://example.org}{our site}") == "our site (https://example.org)"


def test_tildes_and_dashes_inside_urls_are_not_tex():
    text = "at http://example.edu/~user/a--b and www.example.org/~x"
    assert tex_to_text(text) == text


def test_escaped_tilde_in_a_url_becomes_a_plain_tilde():
    assert tex_to_text(r"http://example.edu/\~user/x\_y") == "http://example.edu/~user/x_y"


def test_a_lone_backslash_at_the_end_is_dropped():
    assert tex_to_text("ends with \\") == "ends with "


def test_greek_letters_outside_math_become_greek():
    assert tex_to_text(r"the \alpha particle") == "the α particle"


# Math


@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"$\alpha$", "α"),
        (r"$\beta\gamma$", "βγ"),
        (r"$\Omega$", "Ω"),
        (r"$a \times b$", "a × b"),
        (r"$a\cdot b$", "a·b"),
        (r"$x \leq y \geq z \neq w$", "x ≤ y ≥ z ≠ w"),
        (r"$x \approx y \sim z$", "x ≈ y ∼ z"),
        (r"$\pm\infty$", "±∞"),
        (r"$a \to b \rightarrow c \leftarrow d \Rightarrow e$", "a → b → c ← d ⇒ e"),
        (r"$x \in S$", "x ∈ S"),
        (r"$\sum \prod \int \partial \nabla \ell$", "∑ ∏ ∫ ∂ ∇ ℓ"),
    ],
)
def test_greek_letters_and_symbols_in_math_become_unicode(tex, expected):
    assert tex_to_text(tex) == expected


def test_math_delimiters_are_dropped():
    assert tex_to_text("a $x$ b") == "a x b"
    assert tex_to_text(r"a \(x\) b \[y\] c $$z$$") == "a x b y c z"


def test_digit_and_letter_superscripts_become_unicode_superscripts():
    assert tex_to_text("$x^2$") == "x²"
    assert tex_to_text("$O(n^2)$") == "O(n²)"
    assert tex_to_text("$10^{-3}$") == "10⁻³"
    assert tex_to_text("$x^n$") == "xⁿ"


def test_digit_and_letter_subscripts_become_unicode_subscripts():
    assert tex_to_text("$x_i$") == "xᵢ"
    assert tex_to_text("$H_0$") == "H₀"
    assert tex_to_text("$a_{ij}$") == "aᵢⱼ"


def test_scripts_without_a_unicode_form_stay_readable():
    assert tex_to_text("$e^{i\\pi}$") == "e^(iπ)"
    assert tex_to_text("$T_{\\rm eff}$") == "T_(eff)"
    assert tex_to_text("$x_q$") == "x_q"


def test_superscripts_outside_math_are_converted_too():
    assert tex_to_text("O(n^2) and Ca^{2+}") == "O(n²) and Ca²⁺"


def test_underscores_outside_math_are_left_alone():
    assert tex_to_text("see my_model_v2") == "see my_model_v2"


def test_degrees_and_primes_become_their_symbols():
    assert tex_to_text(r"$90^\circ$ and $f^\prime$") == "90° and f′"


def test_font_commands_in_math_leave_their_argument():
    assert tex_to_text(r"$\mathcal{O}(n)$") == "O(n)"
    assert tex_to_text(r"$\mathrm{d}x$ $\text{loss}$ $\mathbf{v}$") == "dx loss v"


def test_blackboard_bold_letters_become_double_struck():
    assert tex_to_text(r"$\mathbb{R}^n$, $\mathbb{N}$, $\mathbb{Z}$") == "ℝⁿ, ℕ, ℤ"
    assert tex_to_text(r"$\mathbb{Q} \subset \mathbb{C}$") == "ℚ ⊂ ℂ"


def test_function_names_read_as_words_with_space_around_them():
    assert tex_to_text(r"$n\log n$") == "n log n"
    assert tex_to_text(r"$\sin(x) + \exp(y)$") == "sin(x) + exp(y)"


def test_fractions_and_roots_read_inline():
    assert tex_to_text(r"$\frac{1}{2}$") == "1/2"
    assert tex_to_text(r"$\frac{a+b}{c}$") == "(a+b)/c"
    assert tex_to_text(r"$\sqrt{x}$ and $\sqrt{x+1}$") == "√x and √(x+1)"
    assert tex_to_text(r"$\sqrt[3]{x}$") == "∛x"


def test_sizing_and_invisible_delimiters_vanish():
    assert tex_to_text(r"$\left( x \right)$") == "( x )"
    assert tex_to_text(r"$\left. x \right|$") == "x |"


def test_math_accents_go_on_their_letter():
    assert tex_to_text(r"$\hat{x}$ $\bar{y}$ $\tilde{z}$") == "x̂ ȳ z̃"


def test_prices_in_dollars_are_not_taken_for_math():
    assert tex_to_text("costs $5 and $10 each") == "costs $5 and $10 each"
    assert tex_to_text("from $5-$10") == "from $5-$10"


def test_a_range_written_with_math_minus_loses_its_dollars():
    assert tex_to_text("9$-$24 kpc") == "9-24 kpc"


def test_an_unclosed_dollar_stays_a_dollar():
    assert tex_to_text("only $x here") == "only $x here"


def test_spaced_math_with_tex_in_it_is_still_math():
    assert tex_to_text(r"when $ \alpha = 1 $ holds") == "when  α = 1  holds"


def test_deeply_nested_braces_do_not_exhaust_the_stack():
    deep = "$" + "{" * 5000 + "x" + "}" * 5000 + "$"
    assert "x" in tex_to_text(deep)
    assert "x" in tex_to_text("$" + "\\hat" * 3000 + " x$")


# Fast path and robustness


def test_text_without_tex_is_returned_unchanged():
    text = "A plain abstract, with hyphen-ated words and an apostrophe's use.\n  Two spaces."
    assert tex_to_text(text) is text


def test_text_with_only_dashes_and_quotes_needs_no_tokenizer():
    assert tex_to_text("a -- b ``c''") == "a – b “c”"


def test_non_text_input_gives_an_empty_string():
    assert tex_to_text(None) == ""  # type: ignore[arg-type]
    assert clean_abstract(None) == ""  # type: ignore[arg-type]
    assert clean_title(3) == ""  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), TEXISH))
def test_tex_to_text_never_raises_and_returns_a_string(text):
    assert isinstance(tex_to_text(text), str)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), TEXISH))
def test_cleaners_never_raise_and_leave_no_runs_of_whitespace(text):
    for cleaned in (clean_title(text), clean_text(text)):
        assert cleaned == " ".join(cleaned.split())
    assert "\n\n\n" not in clean_abstract(text)


# Cleaners


def test_title_hard_wraps_collapse_into_single_spaces():
    assert clean_title("Prompt photon pairs at the Tevatron and\n  LHC energies") == (
        "Prompt photon pairs at the Tevatron and LHC energies"
    )


def test_clean_text_decodes_tex_and_collapses_whitespace():
    assert clean_text('  J. M\\"uller\t and\n co  ') == "J. Müller and co"


def test_abstract_hard_wraps_become_spaces():
    raw = "  We present a new\nmethod for things.\nIt works.\n"
    assert clean_abstract(raw) == "We present a new method for things. It works."


def test_kaggle_indented_line_starts_a_new_paragraph():
    raw = "  First one is\nwrapped here.\n  Second one\nalso wrapped.\n"
    assert clean_abstract(raw) == "First one is wrapped here.\n\nSecond one also wrapped."


def test_a_blank_line_starts_a_new_paragraph():
    raw = "One.\n\n\nTwo\nlines.\n \nThree."
    assert clean_abstract(raw) == "One.\n\nTwo lines.\n\nThree."


def test_listing_abstracts_without_leading_spaces_stay_one_paragraph():
    assert clean_abstract("No indent\nat all.") == "No indent at all."


def test_carriage_returns_count_as_line_breaks():
    assert clean_abstract("One\r\nline.\r\n  Two.") == "One line.\n\nTwo."


def test_abstract_tex_is_decoded_per_paragraph():
    raw = "  Cost $5 here.\n  A $x$ there, $O(n^2)$ time."
    assert clean_abstract(raw) == "Cost $5 here.\n\nA x there, O(n²) time."


def test_unusual_whitespace_collapses_like_ordinary_spaces():
    assert clean_text("a\u00a0\u2009b\x0bc") == "a b c"
