"""Remembered reverse() and the {% url %} tag built on it (core/urlmemo.py)."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from dailypapers.core.urlmemo import remembered_reverse


def test_remembered_reverse_gives_what_reverse_gives():
    assert remembered_reverse("feed:paper", ["2501.00001"]) == reverse(
        "feed:paper", args=["2501.00001"]
    )
    assert remembered_reverse("feed:home") == reverse("feed:home")
    assert remembered_reverse("feed:author", [7]) == reverse("feed:author", args=[7])


def test_an_unknown_address_still_raises_each_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            remembered_reverse("feed:no-such-page")


def test_a_new_url_configuration_is_not_answered_from_the_old_one():
    before = remembered_reverse("feed:about")
    with override_settings(ROOT_URLCONF="dailypapers.feed.urls"):
        # The feed's own patterns at the root: the names lose their namespace.
        assert remembered_reverse("about") == reverse("about")
        with pytest.raises(NoReverseMatch):
            remembered_reverse("feed:about")
    assert remembered_reverse("feed:about") == before


def test_the_url_tag_still_escapes_and_still_fails_loudly_without_as():
    rendered = Template("{% url 'feed:category' name %}").render(Context({"name": "cs.LG"}))
    assert rendered == reverse("feed:category", args=["cs.LG"])
    silent = Template("{% url 'feed:no-such-page' as gone %}[{{ gone }}]").render(Context())
    assert silent == "[]"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'feed:no-such-page' %}").render(Context())
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_new_arguments_are_still_checked_against_the_pattern():
    remembered_reverse("feed:author", [1])
    assert remembered_reverse("feed:author", [2]) == reverse("feed:author", args=[2])
    for wrong in (["not-a-number"], ["1" * 19], [1, 2]):
        with pytest.raises(NoReverseMatch):
            remembered_reverse("feed:author", wrong)


def test_every_named_address_of_the_site_reverses_as_django_reverses_it():
    cases = [
        ("feed:day", (), {"year": "2025", "month": "01", "day_of_month": "07"}),
        ("feed:paper", ("hep-th/9901001",), {}),
        ("feed:category", ("physics.acc-ph",), {}),
        ("community:vote", ("2501.00001",), {}),
        ("accounts:login", (), {}),
    ]
    for name, args, kwargs in cases:
        expected = reverse(name, args=args, kwargs=kwargs)
        assert remembered_reverse(name, args, kwargs) == expected
        assert remembered_reverse(name, args, kwargs) == expected  # from the memo


@pytest.mark.parametrize(
    "name",
    ["feed:author", "feed:paper", "feed:category", "feed:topic", "feed:profile", "community:vote"],
)
def test_one_argument_addresses_match_django_for_good_and_bad_values(name):
    values: list[object] = [
        1, 42, 10**17, 10**18, -1, 0, "7", "2501.00001", "hep-th/9901001", "cs.LG",
        "physics.acc-ph", "a b", "a%20b", "é", "x/../y", "", "some-slug", "//evil", "a?b#c",
    ]  # fmt: skip
    for value in values:
        try:
            expected: str | None = reverse(name, args=[value])
        except NoReverseMatch:
            expected = None
        for _ in range(2):  # compiled, then remembered
            try:
                found: str | None = remembered_reverse(name, [value])
            except NoReverseMatch:
                found = None
            assert found == expected, (name, value)
