"""Typed environment readers fail loudly on values they cannot parse."""

from __future__ import annotations

import pytest

from dailypapers.lib.env import EnvError, env_bool, env_choice, env_float, env_int, env_list


def test_boolean_words_are_understood(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("ON", True), ("0", False), ("no", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG") is expected


def test_an_unknown_boolean_word_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(EnvError, match="DEBUG must be one of"):
        env_bool("DEBUG")


def test_missing_variables_give_the_default(monkeypatch):
    monkeypatch.delenv("NOPE", raising=False)
    assert env_int("NOPE", 7) == 7
    assert env_float("NOPE", 0.5) == 0.5
    assert env_bool("NOPE", True) is True


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(EnvError, match="EMAIL_PORT must be an integer"):
        env_int("EMAIL_PORT", 25)
    monkeypatch.setenv("ARXIV_TIMEOUT", "soon")
    with pytest.raises(EnvError, match="ARXIV_TIMEOUT must be a number"):
        env_float("ARXIV_TIMEOUT", 30.0)


def test_lists_split_on_spaces_and_commas(monkeypatch):
    monkeypatch.setenv("CATS", "cs.AI, cs.LG  math.RT")
    assert env_list("CATS") == ["cs.AI", "cs.LG", "math.RT"]


def test_a_choice_outside_the_allowed_values_is_refused(monkeypatch):
    monkeypatch.setenv("TASK_BACKEND", "celery")
    with pytest.raises(EnvError, match="TASK_BACKEND must be one of db, rq"):
        env_choice("TASK_BACKEND", "db", ("db", "rq"))
