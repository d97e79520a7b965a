"""Jinja2 for the few hot fragments that a page renders from scratch for every miss.

Django's template engine walks a tree of nodes and resolves every variable through a chain
of lookups; the paper page's content took about 60 % of the CPU of a page-cache miss there
(docs/benchmarks.md, "Paper pages that miss the page cache"). Jinja2 compiles a template to
Python once, so the same markup costs a fraction. Pages stay Django templates: a view
renders its hot fragment here (``render_fragment``) and hands the result to its Django
template as one safe value, so base.html, the context processors, CSRF and every partial
used elsewhere stay as they are.

Escaping is Django's, not Jinja's: every ``{{ value }}`` goes through
Django's escaping (``_finalize``), so a title with ``"`` reads
``&quot;`` and ``'`` reads ``&#x27;`` as on every other page, and values Django marked safe
(``format_html``, ``mark_safe``) pass as they are. Autoescape is on for every template.

Templates live in each app's ``jinja2/`` folder (``feed/jinja2/feed/...``). The environment
is built once per process; filters belong to the app that registers them
(``register_filters``), since core may not import the apps above it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from dailypapers.core.urlmemo import remembered_reverse

_environment: Environment | None = None


def _date(value: Any, pattern: str) -> str:
    """Django's ``date`` filter for dates and datetimes the page already has; "" for none."""
    if not value:
        return ""
    return format_date(value, pattern)


def _pluralize(count: Any, suffix: str = "s") -> str:
    """Django's ``pluralize`` for counts (the only use here): "" for one, else ``suffix``."""
    try:
        return "" if int(count) == 1 else suffix
    except (TypeError, ValueError):
        return ""


def _url(name: str, *args: Any) -> str:
    """``{% url %}``: the remembered reverse (core/urlmemo.py)."""
    return remembered_reverse(name, list(args))


def _finalize(value: Any) -> Any:
    """Django's ``conditional_escape`` for every output: ``&quot;`` and ``&#x27;`` as other
    pages write them (markupsafe writes ``&#34;`` and ``&#39;``); markup passes as it is.
    ``html.escape`` is what Django's ``escape`` calls, without its lazy-string wrapper."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


def environment() -> Environment:
    """The process's environment, built on first use."""
    global _environment
    if _environment is None:
        folders = [Path(app.path) / "jinja2" for app in apps.get_app_configs()]
        env = Environment(
            loader=FileSystemLoader([str(f) for f in folders if f.is_dir()]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            finalize=_finalize,
            # Templates change only with a deploy, but a developer's edit shows at once.
            auto_reload=bool(settings.DEBUG),
            keep_trailing_newline=True,
        )
        env.globals["url"] = _url
        env.filters["date"] = _date
        env.filters["pluralize"] = _pluralize
        _environment = env
    return _environment


def register_filters(**filters: Callable[..., Any]) -> None:
    """An app's filters (``register_filters(day_url=day_url)``); names must not clash."""
    env = environment()
    for name, function in filters.items():
        if env.filters.get(name, function) is not function:
            raise ValueError(f"Jinja filter {name!r} is already registered")
        env.filters[name] = function


def render_fragment(name: str, context: dict[str, Any]) -> SafeString:
    """The template ``name`` rendered with ``context``, as markup Django will not escape."""
    return SafeString(environment().get_template(name).render(context))
