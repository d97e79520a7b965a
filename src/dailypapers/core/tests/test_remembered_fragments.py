"""{% remember %}: a fragment rendered once per set of keys; and the static storage that
remembers each file's hashed address."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings

from dailypapers.core.staticstorage import RememberedManifestStorage


def test_a_remembered_fragment_is_rendered_once_per_set_of_keys():
    calls: list[str] = []

    class Counter:
        def __str__(self) -> str:
            calls.append("rendered")
            return f"#{len(calls)}"

    page = Template(
        '{% remember "footer-test" site %}<p>{{ counter }} {{ site }}</p>{% endremember %}'
    )
    first = page.render(Context({"counter": Counter(), "site": "A&B"}))
    again = page.render(Context({"counter": Counter(), "site": "A&B"}))
    other = page.render(Context({"counter": Counter(), "site": "C"}))
    assert first == again == "<p>#1 A&amp;B</p>"  # escaped once, replayed as is
    assert other == "<p>#2 C</p>"
    assert len(calls) == 2


def test_a_changed_setting_forgets_remembered_fragments():
    page = Template('{% remember "site-test" %}{{ value }}{% endremember %}')
    assert page.render(Context({"value": "old"})) == "old"
    with override_settings(SITE_NAME="Elsewhere"):
        assert page.render(Context({"value": "new"})) == "new"


def test_remember_needs_a_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% remember %}x{% endremember %}")


def test_the_site_footer_is_the_same_for_every_page(client, db):
    about = client.get("/about/").content.decode()
    trending = client.get("/trending/").content.decode()
    footer = about[about.index('<footer class="site">') :]
    assert footer == trending[trending.index('<footer class="site">') :]
    assert "About" in footer and "arXiv" in footer


def test_static_addresses_are_remembered_and_still_hashed(tmp_path, settings):
    settings.STATIC_ROOT = str(tmp_path)
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"feed/site.css": "feed/site.abc123.css"}})
    )
    storage = RememberedManifestStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("feed/site.css") == "/static/feed/site.abc123.css"
    storage.hashed_files.clear()  # answered from the memo now, not from the manifest
    assert storage.url("feed/site.css") == "/static/feed/site.abc123.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("feed/absent.css")


def site_nav(html: str) -> str:
    return html[html.index('<nav aria-label="Site">') : html.index('<nav aria-label="Account"')]


def test_the_site_navigation_marks_the_section_shown_and_only_that_one(client, db):
    about = site_nav(client.get("/about/").content.decode())
    assert about.count('aria-current="page"') == 1
    assert '<a href="/about/" aria-current="page">About</a>' in about
    trending = site_nav(client.get("/trending/").content.decode())
    assert '<a href="/trending/" aria-current="page">Trending</a>' in trending
    deep = site_nav(client.get("/categories/cs.LG/").content.decode())  # a 404 page below
    assert 'aria-current="page"' not in deep


def test_every_link_of_the_site_navigation_is_a_top_level_page(client, db):
    # The navigation is remembered per top-level page (the top_level_path filter): a link to
    # a page further down would never be marked as the section shown.
    nav = site_nav(client.get("/about/").content.decode())
    links = [part.split('"')[0] for part in nav.split('href="')[1:]]
    assert links and all(link.count("/") <= 2 for link in links), links
