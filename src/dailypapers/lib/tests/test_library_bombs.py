"""Hostile library files: macro bombs and deep nesting are refused quickly, in bounded memory."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from dailypapers.lib.bibtex_import import MAX_VALUE_CHARS, read_bibtex_references
from dailypapers.lib.csl import read_csl_references
from dailypapers.lib.references import ImportFileError


def macro_bomb(doublings: int) -> str:
    return '@string{a="0123456789"}\n' + "@string{a = a # a}\n" * doublings + "@misc{k, title=a}\n"


def test_a_bibtex_string_macro_bomb_is_refused_fast_in_bounded_memory():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError, match="macros are expanded"):
            read_bibtex_references(macro_bomb(24))  # 10 × 2**24 characters unbounded
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 5 * MAX_VALUE_CHARS * 4


def test_many_fields_each_expanding_a_large_macro_are_refused():
    big = "x" * (MAX_VALUE_CHARS - 10)
    text = f'@string{{big="{big}"}}\n' + "".join(
        f"@misc{{k{n}, title=big, note=big}}\n" for n in range(200)
    )
    with pytest.raises(ImportFileError, match="the file's values are over"):
        read_bibtex_references(text)


def test_a_few_doublings_of_a_macro_still_read():
    [reference] = read_bibtex_references(macro_bomb(3))
    assert reference.title == "0123456789" * 8


def test_deeply_nested_csl_json_is_refused_with_a_message_not_a_recursion_error():
    with pytest.raises(ImportFileError, match="too deeply"):
        read_csl_references("[" * 100_000 + "]" * 100_000)


def test_a_csl_json_integer_of_thousands_of_digits_is_refused_with_a_message():
    with pytest.raises(ImportFileError, match="cannot be read"):
        read_csl_references('[{"title": "x", "number": ' + "9" * 5000 + "}]")
