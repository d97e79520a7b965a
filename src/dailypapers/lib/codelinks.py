r"""Links to code and model repositories found in abstracts and comments.

Authors announce code as "github.com/owner/repo", "\url{https://gitlab.com/group/project}" or
a Hugging Face page, often with a full stop after it, a deep link into one file, or a line
wrap in the middle. This module finds such links on GitHub, GitLab and Hugging Face and
reduces each to the repository's root URL, so that one repository is listed once.
"""

from __future__ import annotations

import re
import string

__all__ = ["extract_code_links"]


def _names(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


_HOSTS = ("github.com", "gitlab.com", "huggingface.co")
_PATH = re.compile(r"(?:/[A-Za-z0-9_.-]*)*")
_CONTINUED = re.compile(r"[A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.-]*)*")
# A line break, then a next line that is not indented as a new paragraph and goes straight on.
_WRAP = re.compile(r"[ \t]*\r?\n[ \t]?(?=[A-Za-z0-9])")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_TEX_ESCAPE = re.compile(r"\\([_~%#&])")
_GITHUB_OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_HF_OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


# First path segments that are GitHub's own pages, not users or organisations.
_GITHUB_RESERVED = _names(
    """about apps blog collections contact customer-stories codespaces dashboard enterprise
    events explore features issues join login logout marketplace new notifications
    organizations orgs pricing pulls readme resources search security settings showcases
    signup site solutions sponsors stars team topics trending users watching"""
)
_GITLAB_RESERVED = _names("admin api dashboard explore groups help projects search users")
# Segments after which a GitLab path stops naming a project: "/-/tree/main", old "/tree/main".
_GITLAB_STOP = _names(
    """- tree blob raw issues merge_requests commits commit tags releases pipelines jobs
    branches compare wikis wiki activity graphs network archive snippets"""
)
_HF_RESERVED = _names(
    """api blog brand changelog chat collections course datasets docs enterprise join learn
    login metrics models new notifications organizations papers posts pricing privacy
    search settings spaces support tasks terms-of-service transformers welcome"""
)


def extract_code_links(*texts: str) -> list[str]:
    """Repository root URLs found in the texts, in order of first appearance, without repeats.

    Each link becomes "https://github.com/OWNER/REPO", "https://gitlab.com/GROUP/.../PROJECT",
    "https://huggingface.co/OWNER/NAME" or ".../datasets/OWNER/NAME", ".../spaces/OWNER/NAME".
    Links to user or organisation pages, or to the sites' own pages, are skipped. Repeats
    are recognised whatever their case; the first spelling is kept.
    """
    found: list[str] = []
    seen: set[str] = set()
    for text in texts:
        if not isinstance(text, str):
            continue
        lowered = text.lower()
        if len(lowered) != len(text):  # "İ" lowers to two characters; positions must agree
            lowered = text.translate(_ASCII_LOWER)
        # Nearly all abstracts name none of the hosts; this test is cheaper than any regex.
        if "github" not in lowered and "gitlab" not in lowered and "huggingface" not in lowered:
            continue
        if "\\" in text:
            text = _TEX_ESCAPE.sub(r"\1", text)  # "my\_repo" in TeX is "my_repo"
            lowered = text.translate(_ASCII_LOWER)
        # str.find over the hosts beats one case-insensitive regex scan by an order of magnitude.
        links = [(i, url) for host in _HOSTS for i, url in _find(text, lowered, host)]
        for _, url in sorted(links):
            if url.lower() not in seen:
                seen.add(url.lower())
                found.append(url)
    return found


def _run_at(pattern: re.Pattern[str], text: str, start: int) -> str:
    """What ``pattern`` matches at ``start``; the path patterns also match nothing, so never
    fail."""
    match = pattern.match(text, start)
    return match.group() if match else ""


def _find(text: str, lowered: str, host: str) -> list[tuple[int, str]]:
    """(position, root URL) of each usable link to ``host`` in ``text``."""
    links = []
    i = lowered.find(host)
    while i >= 0:
        end = i + len(host)
        if _stands_alone(lowered, i, end):
            path = _run_at(_PATH, text, end)
            end += len(path)
            # A wrap right after "host/" or "host/owner/" breaks a link that is not complete
            # yet; one after a complete "owner/repo/" may end the sentence, so it stays.
            while path.endswith("/") and not _complete(host, path):
                wrap = _WRAP.match(text, end)
                if wrap is None:
                    break
                more = _run_at(_CONTINUED, text, wrap.end())
                path, end = path + more, wrap.end() + len(more)
            url = _normalise(host, path.split("/")[1:])
            if url is not None:
                links.append((i, url))
        i = lowered.find(host, end)
    return links


def _stands_alone(lowered: str, start: int, end: int) -> bool:
    """Whether lowered[start:end] is the whole host name, not part of another host's name.

    "gist.github.com", "me@github.com", "my-github.com" and "github.com.cn" are other hosts.
    """
    if lowered.endswith("www.", 0, start):
        start -= 4
    if start > 0 and lowered[start - 1] in ".@-":
        return False
    after = lowered[end : end + 2]
    if after[:1].isalnum() or after[:1] in ("-", "_"):
        return False
    return not (after[:1] == "." and after[1:].isalnum())


def _complete(host: str, path: str) -> bool:
    """Whether ``path`` already names a repository: an owner and a name at least."""
    segments = [s for s in path.split("/") if s]
    if host == "huggingface.co" and segments and segments[0].lower() in ("datasets", "spaces"):
        segments = segments[1:]
    return len(segments) >= 2


def _normalise(host: str, segments: list[str]) -> str | None:
    if host == "github.com":
        return _github(segments)
    if host == "gitlab.com":
        return _gitlab(segments)
    return _huggingface(segments)


def _github(segments: list[str]) -> str | None:
    if len(segments) < 2:
        return None
    owner, repo = segments[0], _trim(segments[1])
    if not _GITHUB_OWNER.fullmatch(owner) or owner.lower() in _GITHUB_RESERVED or not repo:
        return None
    return f"https://github.com/{owner}/{repo}"


def _gitlab(segments: list[str]) -> str | None:
    # Groups nest, so the project is the last segment before one that starts a sub-page.
    kept: list[str] = []
    for segment in segments:
        name = _trim(segment)
        if not name or segment.lower() in _GITLAB_STOP:
            break
        kept.append(name)
        if name != segment:  # a trailing "." or ".git" ends the path
            break
    if len(kept) < 2 or kept[0].lower() in _GITLAB_RESERVED:
        return None
    return "https://gitlab.com/" + "/".join(kept)


def _huggingface(segments: list[str]) -> str | None:
    kind = ""
    if segments and segments[0].lower() in ("datasets", "spaces"):
        kind, segments = segments[0].lower() + "/", segments[1:]
    if len(segments) < 2:
        return None
    owner, name = segments[0], _trim(segments[1])
    if not _HF_OWNER.fullmatch(owner) or not name:
        return None
    if not kind and owner.lower() in _HF_RESERVED:
        return None
    return f"https://huggingface.co/{kind}{owner}/{name}"


def _trim(segment: str) -> str:
    """A path segment without sentence punctuation after it or a ".git" suffix."""
    name = segment.rstrip(".")
    while name.lower().endswith(".git"):
        name = name[:-4].rstrip(".")
    # A name needs a letter or digit: "..." or "-" alone is punctuation, not a repository.
    return name if any(ch.isalnum() for ch in name) else ""
