"""The Markdown subset comments are written in, rendered once at save and stored as safe HTML.

Two layers, so a mistake in one is caught by the other: Python-Markdown runs with the
constructs we don't offer switched off (raw HTML, headings, images, rules), which makes them
come out as the text people typed; nh3 then keeps only an allowlist of tags and attributes,
drops links that are not http, https or mailto, and marks every link nofollow ugc noopener.
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
# "*" empty: nh3 would otherwise keep its default generic attributes (lang, title).
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Python-Markdown processors whose output we don't allow. Unregistering them (rather than
# stripping their HTML afterwards) keeps what the author typed visible as text.
_OFF_PREPROCESSORS = ("html_block",)  # <div>… blocks would be passed through raw
_OFF_BLOCK_PROCESSORS = ("hashheader", "setextheader", "hr")
_OFF_INLINE_PATTERNS = (
    "html",  # inline raw HTML such as <script> or <img onerror=…>
    "image_link",
    "image_reference",
    "short_image_ref",
)

# Python-Markdown looks for the end of a link's (target) from every "](" to the end of the
# text: quadratic, 10 KB of "[](" took seconds. No real comment holds this many links; past
# it, links come out as the text typed.
MAX_LINKS = 100
_LINK_PATTERNS = ("link", "reference", "short_reference", "autolink", "automail")

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_SCHEMES,
    url_relative="deny",  # "/admin/…" or "//evil.example" have no place in a comment
    link_rel=LINK_REL,
    strip_comments=True,
)


def _markdown(links: bool = True) -> markdown.Markdown:
    # A fresh instance per call: Markdown objects keep state and are not thread-safe.
    md = markdown.Markdown(extensions=["fenced_code", "nl2br", "sane_lists"], output_format="html")
    for name in _OFF_PREPROCESSORS:
        md.preprocessors.deregister(name, strict=False)
    for name in _OFF_BLOCK_PROCESSORS:
        md.parser.blockprocessors.deregister(name, strict=False)
    for name in _OFF_INLINE_PATTERNS + (() if links else _LINK_PATTERNS):
        md.inlinePatterns.deregister(name, strict=False)
    return md


def render_markdown(text: str) -> str:
    """Safe HTML for ``text``; store it beside the source and show it with |safe."""
    text = text or ""
    html = _markdown(links=text.count("](") <= MAX_LINKS).convert(text)
    return _cleaner.clean(html).strip()
