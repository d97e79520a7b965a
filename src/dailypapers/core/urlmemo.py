"""``reverse()`` remembered: the same name and arguments give the same address.

A paper page rendered from scratch reverses thirty-odd addresses (the site's navigation, the
categories, days, authors and related papers), and each ``reverse()`` costs the resolver
about 25 µs of matching. Most repeat from page to page, so the answers are kept, per URL
configuration and script prefix, in a bounded dict (emptied when full, and whenever a
setting changes: tests swap URL configurations). Only plain ``str`` and ``int`` arguments are
remembered; anything else is reversed afresh. An address not seen before (a new author, a
new paper) still skips most of the work: the walk through the namespaces to the resolver
that holds the name is remembered per name, and for a name whose one pattern takes one
argument that pattern is compiled once; only the check of the new argument against it runs
(Django's own last step of ``reverse()``, which raises or explains as before).

The dict holds at most ``MAX_REMEMBERED`` addresses (a few MB per process).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, URLResolver, get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.urls.resolvers import get_ns_resolver
from django.utils.http import RFC3986_SUBDELIMS, escape_leading_slashes
from django.utils.translation import get_language

MAX_REMEMBERED = 20_000

_remembered: dict[tuple[Any, ...], str | None] = {}
# (URL configuration, current app, "namespace:name") -> the resolver that holds the name.
_resolvers: dict[tuple[Any, ...], tuple[URLResolver, str]] = {}
_MISSING = object()


def _namespaced(viewname: str, current_app: str | None) -> tuple[URLResolver, str]:
    """The resolver ``reverse()`` would end at for this name, and the name within it.

    Django's own walk through the namespaces (django/urls/base.py), done once per name: with
    new arguments, only the resolver's last step (``_reverse_with_prefix``, which checks the
    arguments against the pattern) runs again.
    """
    urlconf = get_urlconf()
    key = (settings.ROOT_URLCONF, urlconf, current_app, viewname)
    found = _resolvers.get(key)
    if found is not None:
        return found
    resolver = get_resolver(urlconf)
    *path, view = viewname.split(":")
    current_path = list(reversed(current_app.split(":"))) if current_app else None
    ns_pattern = ""
    ns_converters: dict[str, Any] = {}
    for ns in path:
        current_ns = current_path.pop() if current_path else None
        app_list = resolver.app_dict.get(ns)
        if app_list is not None:
            if current_ns and current_ns in app_list:
                ns = current_ns
            elif ns not in app_list:
                ns = app_list[0]
        if ns != current_ns:
            current_path = None
        try:
            extra, resolver = resolver.namespace_dict[ns]
        except KeyError:
            raise NoReverseMatch(f"{ns} is not a registered namespace") from None
        ns_pattern += extra
        ns_converters.update(resolver.pattern.converters)
    if ns_pattern:
        resolver = get_ns_resolver(ns_pattern, resolver, tuple(ns_converters.items()))
    _resolvers[key] = (resolver, view)
    return resolver, view


class _OneArgument:
    """A name whose one pattern takes one argument: Django's last step of ``reverse()``
    (``URLResolver._reverse_with_prefix``) for that case, with its regex compiled once."""

    def __init__(self, result: str, param: str, pattern: str, converter: Any, prefix: str):
        self.candidate = prefix.replace("%", "%%") + result
        self.param = param
        self.regex = re.compile("^%s%s" % (re.escape(prefix), pattern))  # noqa: UP031 (Django's)
        self.converter = converter

    def build(self, value: Any) -> str | None:
        """The address, or None where Django's own step must run (and explain)."""
        try:
            text = self.converter.to_url(value) if self.converter else str(value)
        except ValueError:
            return None
        candidate = self.candidate % {self.param: text}
        if not self.regex.search(candidate):
            return None
        return str(escape_leading_slashes(quote(candidate, safe=RFC3986_SUBDELIMS + "/~:@")))


_one_argument: dict[tuple[Any, ...], _OneArgument | None] = {}


def _one_argument_of(resolver: URLResolver, view: str, prefix: str) -> _OneArgument | None:
    key = (resolver, view, prefix, get_language())
    if key in _one_argument:
        return _one_argument[key]
    found = None
    possibilities = resolver.reverse_dict.getlist(view)
    if len(possibilities) == 1:
        possibility, pattern, defaults, converters = possibilities[0]
        if len(possibility) == 1 and len(possibility[0][1]) == 1 and not defaults:
            result, (param,) = possibility[0]
            found = _OneArgument(result, param, pattern, converters.get(param), prefix)
    _one_argument[key] = found
    return found


def reverse(
    viewname: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """Django's ``reverse()`` with the namespace walk remembered per name, and the pattern of
    a name that takes one argument compiled once."""
    resolver, view = _namespaced(viewname, current_app)
    if len(args) == 1 and not kwargs:
        one = _one_argument_of(resolver, view, get_script_prefix())
        url = one.build(args[0]) if one is not None else None
        if url is not None:
            return url
    found = resolver._reverse_with_prefix(  # type: ignore[attr-defined]
        view, get_script_prefix(), *args, **(kwargs or {})
    )
    return str(found)


def _plain(values: Sequence[Any]) -> bool:
    # str subclasses too: a quoted argument in a template is a SafeString. Not bool: True
    # equals 1 as a key, but reverses to "True".
    return all(isinstance(value, str) or type(value) is int for value in values)


def remembered_reverse(
    viewname: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``, remembered."""
    found = remembered_or_none(viewname, args, kwargs, current_app)
    if found is None:  # no such address: reverse again for Django's own explanation
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return found


def remembered_or_none(
    viewname: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
    scope: tuple[Any, str] | None = None,
) -> str | None:
    """The remembered address, or None where ``reverse()`` raises NoReverseMatch (which
    ``{% url … as name %}`` turns into "": an optional page, remembered as missing too).

    ``scope``: ``url_scope()`` read once by a caller that reverses many addresses.
    """
    kwargs = kwargs or {}
    if not isinstance(viewname, str) or not _plain(args) or not _plain(list(kwargs.values())):
        try:
            return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            return None
    urlconf, prefix = scope or url_scope()
    key = (urlconf, prefix, current_app, viewname, tuple(args), tuple(sorted(kwargs.items())))
    found = _remembered.get(key, _MISSING)
    if found is _MISSING:
        try:
            found = reverse(viewname, args, kwargs, current_app)
        except NoReverseMatch:
            found = None
        if len(_remembered) >= MAX_REMEMBERED:
            _remembered.clear()
        _remembered[key] = found
    return found  # type: ignore[return-value]


def url_scope() -> tuple[Any, str]:
    """What an address depends on beyond its name and arguments: the URL configuration (the
    setting, or the one a middleware set for this request) and the script prefix."""
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def forget(**_: Any) -> None:
    _remembered.clear()
    _resolvers.clear()
    _one_argument.clear()


setting_changed.connect(forget, dispatch_uid="dailypapers.core.urlmemo.forget")
