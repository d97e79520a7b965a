"""``reverse()`` remembered: the same name and arguments give the same address.

A paper page rendered from scratch reverses thirty-odd addresses (the site's navigation, the
categories, days, authors and related papers), and each ``reverse()`` costs the resolver
about 25 µs of matching. Most repeat from page to page, so the answers are kept, per URL
configuration and script prefix, in a bounded dict (emptied when full, and whenever a
setting changes: tests swap URL configurations). Only plain ``str`` and ``int`` arguments are
remembered; anything else is reversed afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

MAX_REMEMBERED = 50_000

_remembered: dict[tuple[Any, ...], str | None] = {}
_MISSING = object()


def _plain(values: Sequence[Any]) -> bool:
    return all(type(value) in (str, int) for value in values)


def remembered_reverse(
    viewname: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``, remembered."""
    kwargs = kwargs or {}
    if not isinstance(viewname, str) or not _plain(args) or not _plain(list(kwargs.values())):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        settings.ROOT_URLCONF,
        get_urlconf(),
        get_script_prefix(),
        current_app,
        viewname,
        tuple(args),
        tuple(sorted(kwargs.items())),
    )
    found = _remembered.get(key, _MISSING)
    if found is _MISSING:
        try:
            found = reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            found = None
        if len(_remembered) >= MAX_REMEMBERED:
            _remembered.clear()
        _remembered[key] = found
    if found is None:  # no such address: reverse again for Django's own explanation
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return str(found)


def forget(**_: Any) -> None:
    _remembered.clear()


setting_changed.connect(forget, dispatch_uid="dailypapers.core.urlmemo.forget")
