"""arXiv's HTML version of a paper (LaTeXML output) as plain Markdown, for ``read_paper``.

What a reader of the text needs is kept: section headings, paragraphs, lists, figure and
table captions, and formulas as their TeX source (LaTeXML writes it in each ``<math>``
element's ``alttext``). What belongs to the web page is dropped: scripts, styles, the
navigation, headers and footers, images and the rendered MathML itself. Pure: the standard
library's HTML parser, no Django.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose whole content is left out.
SKIPPED_TAGS = frozenset({"script", "style", "nav", "header", "footer", "noscript", "button",
                          "svg", "form", "head", "title"})  # fmt: skip
# LaTeXML's page furniture, by class, left out with everything inside.
SKIPPED_CLASSES = frozenset({"ltx_page_navbar", "ltx_page_header", "ltx_page_footer",
                             "ltx_authors", "ltx_dates", "ltx_ERROR", "ltx_note_mark",
                             "ltx_tag_note", "ltx_title_document",
                             "ltx_abstract"})  # fmt: skip
# The title and abstract are left out too: read_paper prints both from the stored record.
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Each starts a new block of text (a blank line before and after).
BLOCKS = frozenset({"p", "div", "section", "article", "figure", "figcaption", "table",
                    "blockquote", "ul", "ol", "dl", "dd", "dt", "tr", "pre"})  # fmt: skip
VOID_TAGS = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source"})
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _Converter(HTMLParser):
    def __init__(self, heading_offset: int) -> None:
        super().__init__(convert_charrefs=True)
        self.heading_offset = heading_offset
        self.parts: list[str] = []
        self.skip_depth = 0  # > 0 inside a left-out element: counts its open descendants
        self.math_depth = 0  # > 0 inside <math>: its alttext stood in for all of it
        self.list_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            if tag == "br" and not (self.skip_depth or self.math_depth):
                self.parts.append("\n")
            return
        if self.skip_depth:
            self.skip_depth += 1
            return
        if self.math_depth:
            self.math_depth += 1
            return
        found = dict(attrs)
        classes = set((found.get("class") or "").split())
        if tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES:
            self.skip_depth = 1
            return
        if tag == "math":
            self.math_depth = 1
            tex = " ".join((found.get("alttext") or "").split())
            if tex:
                display = found.get("display") == "block"
                self.parts.append(f"\n\n$${tex}$$\n\n" if display else f"${tex}$")
            return
        if tag in HEADINGS:
            level = min(HEADINGS[tag] + self.heading_offset, 6)
            self.parts.append("\n\n" + "#" * level + " ")
        elif tag in ("ul", "ol"):
            self.list_depth += 1
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n" + "  " * max(self.list_depth - 1, 0) + "- ")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag == "figcaption":
            self.parts.append("\n\n*")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if self.math_depth:
            self.math_depth -= 1
            return
        if tag in HEADINGS:
            self.parts.append("\n\n")
        elif tag in ("ul", "ol"):
            self.list_depth = max(self.list_depth - 1, 0)
            self.parts.append("\n\n")
        elif tag == "figcaption":
            self.parts.append("*\n\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth or self.math_depth:
            return
        self.parts.append(_SPACES.sub(" ", data.replace("\n", " ")))


def html_to_markdown(html: str, heading_offset: int = 0) -> str:
    """The readable text of an HTML paper as Markdown (see the module docstring); headings
    go ``heading_offset`` levels deeper, to sit below the caller's own."""
    converter = _Converter(heading_offset)
    converter.feed(html)
    converter.close()
    text = "".join(converter.parts)
    lines = [line.strip() if not line.lstrip().startswith("- ") else line.rstrip()
             for line in text.split("\n")]  # fmt: skip
    text = "\n".join(lines)
    # A caption whose text was all left out would leave a lone "**".
    text = re.sub(r"^\*\s*\*$", "", text, flags=re.M)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"
