"""Helpers for tests: real servers on loopback instead of mocks, and page checks."""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser
from urllib.parse import urlsplit

_URL = re.compile(r"https?://[^\s<>\"']+")


def text_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the message has no text/plain part"
    return body.get_content()


def html_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    assert body is not None, "the message has no text/html part"
    return body.get_content()


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """The one absolute URL in the text part whose path starts with ``path_prefix``."""
    found = _URL.findall(text_part(message))
    links = {url for url in found if urlsplit(url).path.startswith(path_prefix)}
    assert len(links) == 1, f"expected one link under {path_prefix}, found {sorted(links)}"
    return links.pop()


class _FormControls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        # (name, id, inside a <label>) per visible control; judged once all labels are seen.
        self.controls: list[tuple[str, str | None, bool]] = []
        self._open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label":
            self._open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"] or "")
        elif tag in {"input", "select", "textarea"}:
            if attributes.get("type") in {"hidden", "submit", "button", "reset", "image"}:
                return
            name = attributes.get("name") or tag
            self.controls.append((name, attributes.get("id"), self._open_labels > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._open_labels:
            self._open_labels -= 1


def unlabelled_controls(html: str) -> list[str]:
    """Names of the form controls in ``html`` that no <label> names."""
    parser = _FormControls()
    parser.feed(html)
    parser.close()
    return [
        name
        for name, control_id, wrapped in parser.controls
        if not wrapped and (control_id is None or control_id not in parser.label_for)
    ]
