"""The comment Markdown subset: what it renders, and what it refuses to let through."""

from __future__ import annotations

import pytest

from dailypapers.feed.markdown import render_markdown

REL = 'rel="nofollow ugc noopener"'


def test_emphasis_strong_and_inline_code_render_with_code_escaped():
    html = render_markdown("*so* **very** `a<b && c`")
    assert html == "<p><em>so</em> <strong>very</strong> <code>a&lt;b &amp;&amp; c</code></p>"


def test_line_breaks_inside_a_paragraph_are_kept():
    assert render_markdown("one\ntwo") == "<p>one<br>\ntwo</p>"


def test_quotes_lists_and_code_blocks_render():
    html = render_markdown("> quoted\n\n- a\n- b\n\n1. x\n2. y\n\n```\nif a < b:\n```")
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert "<ol>\n<li>x</li>\n<li>y</li>\n</ol>" in html
    assert "<pre><code>if a &lt; b:\n</code></pre>" in html


def test_web_and_mail_links_are_kept_and_marked_nofollow_ugc_noopener():
    html = render_markdown("[paper](https://arxiv.org/abs/2501.00001) and <mailto:x@y.org>")
    assert f'<a href="https://arxiv.org/abs/2501.00001" {REL}>paper</a>' in html
    assert f'<a href="mailto:x@y.org" {REL}>' in html


def test_a_link_title_is_dropped():
    html = render_markdown('[x](https://example.org "hover text")')
    assert html == f'<p><a href="https://example.org" {REL}>x</a></p>'


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "/admin/",
        "//evil.example/",
    ],
)
def test_links_to_anything_but_http_https_or_mailto_lose_their_target(target):
    html = render_markdown(f"[click]({target})")
    assert "href" not in html
    assert "click" in html


@pytest.mark.parametrize(
    ("attack", "tag"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('<a href="javascript:alert(1)">x</a>', "<a "),
        ("<div onclick=alert(1)>x</div>", "<div"),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
        ('"><svg onload=alert(1)>', "<svg"),
        ("<style>body{display:none}</style>", "<style"),
        ("text <b onmouseover=alert(1)>bold</b>", "<b "),
    ],
)
def test_raw_html_is_shown_as_text_never_as_markup(attack, tag):
    html = render_markdown(attack)
    assert tag not in html
    assert "&lt;" + tag[1:] in html  # visible as what was typed


def test_headings_stay_plain_text():
    assert render_markdown("# Huge") == "<p># Huge</p>"
    assert render_markdown("Title\n=====").startswith("<p>Title")
    assert "<h" not in render_markdown("## Also\n\nSub\n---")


def test_images_are_not_embedded():
    html = render_markdown("![tracker](https://evil.example/pixel.png)")
    assert "<img" not in html
    assert "tracker" in html


def test_rules_and_html_comments_do_not_become_markup():
    assert render_markdown("---") == "<p>---</p>"
    assert render_markdown("<!-- hidden -->") == "<p>&lt;!-- hidden --&gt;</p>"


def test_entities_stay_escaped():
    assert render_markdown("&lt;b&gt; AT&T") == "<p>&lt;b&gt; AT&amp;T</p>"


def test_empty_input_renders_nothing():
    assert render_markdown("") == ""


@pytest.mark.parametrize("unit", ["[](", "[a](", "[x](<", "[[]](", "[a](b "])
def test_ten_kilobytes_of_link_openers_render_fast_as_text(unit):
    import time

    text = unit * (10_000 // len(unit))
    started = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - started < 0.5  # was 2–3.5 s (quadratic link scanning)
    assert "<a " not in html and "[" in html


def test_a_comment_with_a_few_links_keeps_them():
    html = render_markdown("[one](https://a.example) and [two](https://b.example)")
    assert html.count("<a ") == 2
