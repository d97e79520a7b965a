"""core/jinja.py: Jinja2 fragments escape as Django does and keep Django's safe strings."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from dailypapers.core.jinja import environment, register_filters, render_fragment


def render(source: str, **context: object) -> str:
    return environment().from_string(source).render(context)


def test_every_value_is_escaped_with_djangos_entities():
    assert render("{{ v }}", v='<a href="x">Tom\'s & co</a>') == (
        "&lt;a href=&quot;x&quot;&gt;Tom&#x27;s &amp; co&lt;/a&gt;"
    )


def test_values_django_marked_safe_pass_unchanged_and_none_reads_as_in_django():
    link = format_html('<a href="{}">{}</a>', "/x/?a=1&b=2", "<b>")
    assert render("{{ v }}", v=link) == '<a href="/x/?a=1&amp;b=2">&lt;b&gt;</a>'
    assert render("{{ v }}", v=None) == "None"
    assert render("{{ v }}|{{ n }}", v=3, n="") == "3|"


def test_filters_read_dates_counts_and_addresses_as_the_django_tags():
    assert render('{{ d|date("j F Y") }}', d=date(2025, 1, 6)) == "6 January 2025"
    assert render("{{ d|date('j F Y') }}", d=None) == ""
    assert render("comment{{ n|pluralize }}", n=1) == "comment"
    assert render("comment{{ n|pluralize }}", n=0) == "comments"
    assert render("{{ url('feed:category', 'cs.LG') }}") == "/categories/cs.LG/"


def test_a_fragment_is_markup_django_does_not_escape_again(tmp_path, monkeypatch):
    folder = tmp_path / "jinja2"
    folder.mkdir()
    (folder / "probe.html").write_text("<b>{{ v }}</b>")
    monkeypatch.setattr(environment().loader, "searchpath", [str(folder)])
    environment().cache.clear()  # type: ignore[union-attr]
    fragment = render_fragment("probe.html", {"v": "<i>"})
    assert isinstance(fragment, SafeString)
    assert conditional_escape(fragment) == "<b>&lt;i&gt;</b>"


def test_an_app_may_not_replace_a_filter_another_registered():
    register_filters(shout=str.upper)
    register_filters(shout=str.upper)  # the same function again is fine
    with pytest.raises(ValueError, match="already registered"):
        register_filters(shout=str.lower)
