"""Tags for every template (TEMPLATES' ``builtins``, no ``{% load %}``): what repeats from page
to page is worked out once per process.

- ``{% url %}`` replaces Django's built-in tag and reverses through ``remembered_reverse``
  (core/urlmemo.py). Syntax, escaping and errors are Django's: the parsing is Django's
  function, the node only reverses through the memo.
- ``{% remember "name" key… %}…{% endremember %}`` renders its content once per process for
  each distinct set of keys (and URL configuration) and afterwards returns that HTML as it
  is: for fragments that depend on nothing but their keys, such as the site's footer. What
  the content reads must all be in the keys; the remembered HTML is kept until a setting
  changes or ``MAX_REMEMBERED_FRAGMENTS`` are held (then all are dropped).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template import Context
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from dailypapers.core.urlmemo import remembered_or_none, remembered_reverse, url_scope

register = template.Library()

MAX_REMEMBERED_FRAGMENTS = 1_000
_fragments: dict[tuple[Any, ...], SafeString] = {}


class RememberedURLNode(URLNode):
    def render(self, context: Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request: Any = getattr(context, "request", None)
        current_app: str | None
        if hasattr(request, "current_app"):  # Django's own order of preference
            current_app = request.current_app
        else:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        if self.asvar:  # a missing page is "" here: no exception to raise and catch
            context[self.asvar] = remembered_or_none(view_name, args, kwargs, current_app) or ""
            return ""
        url = remembered_reverse(view_name, args, kwargs, current_app)
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> RememberedURLNode:
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


class RememberNode(Node):
    def __init__(self, nodelist: NodeList, keys: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.keys = keys

    def render(self, context: Context) -> SafeString:
        key = (url_scope(), context.autoescape, *(k.resolve(context) for k in self.keys))
        found = _fragments.get(key)
        if found is None:
            if len(_fragments) >= MAX_REMEMBERED_FRAGMENTS:
                _fragments.clear()
            found = _fragments[key] = mark_safe(self.nodelist.render(context))
        return found


@register.tag
def remember(parser: Parser, token: Token) -> RememberNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError('{% remember %} needs a name: {% remember "footer" %}')
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    return RememberNode(nodelist, [parser.compile_filter(bit) for bit in bits])


@register.filter
def top_level_path(path: str) -> str:
    """``/trending/`` for a top-level page, "" below one (``/papers/2501.00001/``): the key of
    the site's navigation, whose links are all top-level pages (core/tests check it)."""
    return path if path.count("/") <= 2 and path.startswith("/") else ""


def _forget(**_: Any) -> None:
    _fragments.clear()


setting_changed.connect(_forget, dispatch_uid="dailypapers.core.templatetags.remembered")
