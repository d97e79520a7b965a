"""Reading a page number that a visitor typed or a crawler made up."""

from __future__ import annotations

MAX_PAGE_DIGITS = 6  # page=99999999999999999999 is page 1, not an overflow


def page_number(raw: str) -> int:
    """The page asked for, from 1; anything that is not a plain short number is page 1."""
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS:
        return max(int(raw), 1)
    return 1
