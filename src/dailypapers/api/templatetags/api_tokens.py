"""Template tags of the API token section that the account settings page includes."""

from __future__ import annotations

from django import template

from dailypapers.api.models import ApiToken
from dailypapers.api.token_views import TOKEN_ERROR_SESSION_KEY
from dailypapers.api.tokens import active_tokens

register = template.Library()


@register.simple_tag(takes_context=True)
def active_api_tokens(context: template.Context) -> list[ApiToken]:
    """The signed-in member's tokens that still work ([] for visitors)."""
    user = context["request"].user
    return active_tokens(user) if user.is_authenticated else []


@register.simple_tag(takes_context=True)
def api_token_error(context: template.Context) -> str | None:
    """Why the last token was refused, shown once: reading it clears it."""
    request = context.get("request")
    if request is None:
        return None
    return request.session.pop(TOKEN_ERROR_SESSION_KEY, None)
