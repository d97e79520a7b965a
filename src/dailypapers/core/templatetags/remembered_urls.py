"""``{% url %}`` through ``remembered_reverse`` (core/urlmemo.py), for every template.

Listed in TEMPLATES' ``builtins`` after Django's own, so it replaces the built-in ``url``
tag everywhere without a ``{% load %}``. Syntax, escaping and errors are Django's: the
parsing is Django's function, the node only reverses through the memo.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape

from dailypapers.core.urlmemo import remembered_or_none, remembered_reverse

register = template.Library()


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
