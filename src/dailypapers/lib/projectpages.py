r"""Project pages, told apart from code links, found in abstracts and comments.

Authors point at two kinds of pages: the code ("github.com/owner/repo", a GitLab project, a
Hugging Face repository; lib/codelinks.py finds those) and a page presenting the work, with
videos and results, usually on GitHub Pages ("https://owner.github.io/project/") or on a
lab's site, introduced as "Project page: https://...", "Website: ..." or "our homepage".
This module finds the second kind:

- a link to a GitHub or GitLab Pages site (``*.github.io``, ``*.gitlab.io``) is a project
  page wherever it stands;
- another web address is one when a cue ("project page", "website", "homepage", "webpage",
  "project site") comes shortly before it, unless the cue names someone else's site
  ("workshop website", "challenge homepage");
- links to code hosts, arXiv, DOIs and video sites never are.

The first project page found, in the order of the texts, is the paper's.
"""

from __future__ import annotations

import re

__all__ = ["extract_project_page", "is_code_host"]

# Hosts that hold code, data or other records, never a paper's own page.
_NOT_PAGES = (
    "github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "hf.co", "arxiv.org",
    "doi.org", "dx.doi.org", "youtube.com", "youtu.be", "vimeo.com", "zenodo.org",
    "colab.research.google.com", "drive.google.com", "openreview.net", "paperswithcode.com",
    "kaggle.com", "twitter.com", "x.com", "creativecommons.org", "bilibili.com",
)  # fmt: skip
_PAGES_HOSTS = (".github.io", ".gitlab.io")
# A web address with its scheme, or a bare GitHub/GitLab Pages host with an optional path.
_URL = re.compile(
    r"https?://[^\s<>\"'{}\[\]|\\^`]+"
    r"|(?<![\w.@/-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.git(?:hub|lab)\.io\b"
    r"(?:/[^\s<>\"'{}\[\]|\\^`]*)?",
)
_CUE = re.compile(
    r"(?P<owner>\b(?:workshop|conference|challenge|competition|benchmark's|leaderboard)\s+)?"
    r"\b(?:project(?:\s+|-)(?:page|website|site|webpage|homepage)|web\s?site|home\s?page"
    r"|web\s?page|demo\s+page)s?\b",
    re.IGNORECASE,
)
# How far before a link its cue may stand ("Project page and code are at: https://...").
_CUE_REACH = 60
_TEX_ESCAPE = re.compile(r"\\([_~%#&])")
_TRAILING = ".,;:!?'\"*"


def extract_project_page(*texts: str) -> str | None:
    """The paper's project page: the first one any of the texts names, else None."""
    for text in texts:
        if not isinstance(text, str) or not text:
            continue
        lowered = text.lower()
        # Almost no abstract names a web page; this test is far cheaper than the regexes.
        if "http" not in lowered and ".io" not in lowered:
            continue
        if "\\" in text:
            text = _TEX_ESCAPE.sub(r"\1", text)  # "my\_project" in TeX is "my_project"
        for match in _URL.finditer(text):
            url = _clean(match.group())
            host = _host(url)
            if not host or is_code_host(host):
                continue
            if host.endswith(_PAGES_HOSTS) or _cued(text, match.start()):
                return url if "://" in url else f"https://{url}"
    return None


def is_code_host(host: str) -> bool:
    """Whether ``host`` (lower-case, no port) belongs to a code host or a record archive."""
    host = host.removeprefix("www.")
    return any(host == name or host.endswith("." + name) for name in _NOT_PAGES)


def _cued(text: str, start: int) -> bool:
    """Whether a cue naming the paper's own page stands just before ``start``."""
    window = text[max(0, start - _CUE_REACH) : start]
    cues = list(_CUE.finditer(window))
    # Only the nearest cue counts: in "workshop website: A. Project page: B" B is the paper's.
    return bool(cues) and cues[-1].group("owner") is None


def _clean(url: str) -> str:
    """The link without sentence punctuation after it or a bracket it does not open."""
    while url:
        if url[-1] in _TRAILING or url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    host = host.lower().rstrip(".")
    return host if "." in host else ""
