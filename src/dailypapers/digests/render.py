"""Digest HTML and text, fast: a shell rendered and CSS-inlined once per run, papers once.

Every subscriber of a run shares the same few hundred papers, so each paper's HTML and text
fragment is rendered and inlined once per worker process and run, and the page around
them once too, with markers where per-subscriber values go. A digest is then a join of
strings. The HTML keeps its <style> block as well, for the dark-mode and small-screen
rules that cannot be inlined; clients that drop it still get the inlined light design.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

import css_inline
from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from dailypapers.digests import links
from dailypapers.digests.models import DigestRun, Subscriber
from dailypapers.digests.selection import Candidate, RunPapers, SubscriberChoice
from dailypapers.lib.arxiv.ids import abs_url

_MARKER = re.compile(r"@@([A-Z]+)@@")
MAX_AUTHORS = 6
SUBJECT_TITLE_CHARS = 90

HEADINGS: dict[str, str] = {
    Subscriber.Content.TRENDING: "Trending papers",
    Subscriber.Content.TOPICS: "New in your topics",
    Subscriber.Content.PERSONAL: "Recommended for you",
}


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


def _split(template_output: str) -> list[str]:
    """Literal text at even positions, marker names at odd ones."""
    return _MARKER.split(template_output)


def _fill(parts: list[str], values: dict[str, str]) -> str:
    return "".join(values[part] if index % 2 else part for index, part in enumerate(parts))


def author_line(authors: tuple[str, ...]) -> str:
    if len(authors) <= MAX_AUTHORS:
        return ", ".join(authors)
    return ", ".join(authors[:MAX_AUTHORS]) + f" and {len(authors) - MAX_AUTHORS} more"


def subject_line(site_name: str, day: date, top_title: str, count: int) -> str:
    title = top_title
    if len(title) > SUBJECT_TITLE_CHARS:
        title = title[: SUBJECT_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    more = f" (+{count - 1} more)" if count > 1 else ""
    return f"{site_name} {day:%a} {day.day} {day:%b %Y}: {title}{more}"


class DigestRenderer:
    def __init__(self, run: DigestRun, papers: RunPapers) -> None:
        self.run = run
        self.papers = papers
        self.day = run.latest_day or run.slot.date()
        self._css = get_template("digests/email/digest.css").render({})
        self._inliner = css_inline.CSSInliner(keep_style_tags=True)
        self._html_shells: dict[str, list[str]] = {}
        self._text_shells: dict[str, list[str]] = {}
        self._paper_html: dict[int, str] = {}
        self._paper_text: dict[int, str] = {}

    def _context(self, heading: str, papers: str, note: str = "") -> dict[str, object]:
        return {
            "note": note,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "operator_name": settings.DIGEST_OPERATOR_NAME,
            "postal_address": settings.DIGEST_POSTAL_ADDRESS,
            "heading": heading,
            "day": self.day,
            "css": self._css,
            "papers": mark_safe(papers),
            "email": "@@EMAIL@@",
            "view_url": "@@VIEW@@",
            "preferences_url": "@@PREFS@@",
            "unsubscribe_url": "@@UNSUB@@",
        }

    def _shells(self, content: str) -> tuple[list[str], list[str]]:
        if content not in self._html_shells:
            heading = HEADINGS.get(content, HEADINGS[Subscriber.Content.TRENDING])
            # Trending without votes must say what ranked it, in the trending page's words.
            trending = heading == HEADINGS[Subscriber.Content.TRENDING]
            context = self._context(
                heading, "@@PAPERS@@", self.papers.signal_note if trending else ""
            )
            page = render_to_string("digests/email/digest.html", context)
            self._html_shells[content] = _split(self._inliner.inline(page))
            text = render_to_string("digests/email/digest.txt", context)
            self._text_shells[content] = _split(text)
        return self._html_shells[content], self._text_shells[content]

    def _paper_context(self, paper: Candidate) -> dict[str, object]:
        return {
            "paper": paper,
            "authors": author_line(paper.authors),
            "url": links.absolute(reverse("feed:paper", args=[paper.arxiv_id])),
            "abs_url": abs_url(paper.arxiv_id),
        }

    def paper_html(self, paper_id: int) -> str:
        fragment = self._paper_html.get(paper_id)
        if fragment is None:
            paper = self.papers.by_id[paper_id]
            raw = render_to_string("digests/email/_paper.html", self._paper_context(paper))
            fragment = css_inline.inline_fragment(raw, self._css)
            self._paper_html[paper_id] = fragment
        return fragment

    def paper_text(self, paper_id: int) -> str:
        fragment = self._paper_text.get(paper_id)
        if fragment is None:
            paper = self.papers.by_id[paper_id]
            text = render_to_string("digests/email/_paper.txt", self._paper_context(paper))
            fragment = text.strip() + "\n"
            self._paper_text[paper_id] = fragment
        return fragment

    def render(self, subscriber: SubscriberChoice, paper_ids: list[int]) -> RenderedDigest:
        html_shell, text_shell = self._shells(subscriber.content)
        token_values = {
            "VIEW": links.view_url(self.run, subscriber.id, subscriber.link_key),
            "PREFS": links.preferences_url(subscriber.id, subscriber.link_key),
            "UNSUB": links.unsubscribe_url(subscriber.id, subscriber.link_key),
        }
        html_values = {
            **{key: html.escape(value) for key, value in token_values.items()},
            "EMAIL": html.escape(subscriber.email),
            "PAPERS": "\n".join(self.paper_html(pid) for pid in paper_ids),
        }
        text_values = {
            **token_values,
            "EMAIL": subscriber.email,
            "PAPERS": "\n".join(
                f"{rank}. {self.paper_text(pid)}" for rank, pid in enumerate(paper_ids, 1)
            ),
        }
        top = self.papers.by_id[paper_ids[0]].title
        return RenderedDigest(
            subject=subject_line(settings.SITE_NAME, self.day, top, len(paper_ids)),
            text=_fill(text_shell, text_values),
            html=_fill(html_shell, html_values),
        )
