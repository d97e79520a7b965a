"""Member handles: the rules a public handle follows, and handles made from names.

A handle is 2 to 30 characters of lower-case ASCII letters, digits, "-" and "_", starting
with a letter. The first letter keeps handles apart from member ids (``/u/17/``,
``submitter=17``), which stay valid addresses. Handles are compared without case; they are
stored lower-case. Words that would pass for the site speaking (admin, staff, api, ...) are
reserved.
"""

from __future__ import annotations

import re
import unicodedata

MIN_LENGTH = 2
MAX_LENGTH = 30
HANDLE_RE = re.compile(r"^[a-z][a-z0-9_-]{1,29}$")
# The pattern of a handle in an address, any case (lookups fold it): the URL converter's.
URL_PATTERN = "[A-Za-z][A-Za-z0-9_-]{1,29}"
FALLBACK = "member"  # the base of a handle when a name gives nothing usable

RESERVED = frozenset(
    [
        "about",
        "account",
        "accounts",
        "admin",
        "administrator",
        "api",
        "arxiv",
        "author",
        "authors",
        "bot",
        "collections",
        "curator",
        "curators",
        "daily",
        "dailypapers",
        "digest",
        "digests",
        "docs",
        "edit",
        "feed",
        "feeds",
        "help",
        "hf",
        "huggingface",
        "login",
        "logout",
        "me",
        "member",
        "members",
        "mod",
        "moderator",
        "new",
        "null",
        "official",
        "papers",
        "password",
        "root",
        "search",
        "security",
        "settings",
        "signup",
        "site",
        "staff",
        "static",
        "status",
        "submit",
        "support",
        "system",
        "topics",
        "trending",
        "u",
        "undefined",
        "user",
        "users",
        "www",
    ]
)


def normalize(value: str) -> str:
    """The stored form of a handle as typed: surrounding spaces and a leading "@" dropped,
    lower-case."""
    return value.strip().removeprefix("@").lower()


def problem(handle: str) -> str | None:
    """Why ``handle`` (normalized) cannot be a handle, in a sentence; None when it can."""
    if not MIN_LENGTH <= len(handle) <= MAX_LENGTH:
        return f"Use {MIN_LENGTH} to {MAX_LENGTH} characters (this has {len(handle)})."
    if not handle[0].isascii() or not handle[0].isalpha():
        return "Start with a letter (a to z)."
    if not HANDLE_RE.match(handle):
        return "Use only letters a to z, digits, “-” and “_”."
    if handle in RESERVED:
        return f"“{handle}” is reserved; choose another."
    return None


def base_from_name(name: str) -> str:
    """A handle made from a public name, before de-duplication: "Ada Lovelace" gives
    "ada-lovelace", "Émile Borel" "emile-borel"; a name with no usable letters gives
    "member". Never longer than MAX_LENGTH - 4, so that "-999" still fits. It may be
    reserved ("Admin"): ``first_free`` then numbers it ("admin-2")."""
    folded = unicodedata.normalize("NFKD", name)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    words = words.lstrip("0123456789-")  # a handle starts with a letter
    base = words[: MAX_LENGTH - 4].rstrip("-")
    return base if len(base) >= MIN_LENGTH else FALLBACK


def numbered(base: str, number: int) -> str:
    """The ``number``-th candidate for ``base``: the base itself, then "base-2", "base-3"...
    cut so that the whole stays within MAX_LENGTH."""
    if number <= 1:
        return base[:MAX_LENGTH]
    suffix = f"-{number}"
    return base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix


def first_free(base: str, taken: set[str]) -> str:
    """The first candidate for ``base`` not in ``taken`` (lower-case handles) nor reserved."""
    number = 1
    while True:
        candidate = numbered(base, number)
        if candidate not in taken and problem(candidate) is None:
            return candidate
        number += 1
