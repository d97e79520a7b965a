"""The API token section of the account settings page: create and revoke tokens.

The page is accounts'; these views and their section (api/_settings_tokens.html) are the
api app's, and the project URLconf serves them in the accounts namespace beside the page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from dailypapers.accounts.forms import DisplayNameForm
from dailypapers.accounts.views import settings_page
from dailypapers.api.tokens import TokenRefused, create_token, revoke_token

# The section's template reads and clears it (api/templatetags/api_tokens.py).
TOKEN_ERROR_SESSION_KEY = "api_token_error"


@login_required
@csrf_protect
@never_cache
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Create a personal API token and show its secret in this one answer.

    The secret is never stored, not even in the session (a database row until the next
    page view): the settings page is rendered here with it. Reloading re-posts the form,
    which the browser asks about first; each token counts against API_TOKENS_PER_MEMBER.
    """
    try:
        token, secret = create_token(request.user, request.POST.get("name", ""))
    except TokenRefused as error:
        request.session[TOKEN_ERROR_SESSION_KEY] = str(error)
        return redirect(reverse("accounts:settings") + "#api-tokens-heading")
    form = DisplayNameForm(instance=request.user)
    new_api_token = {"name": token.name, "secret": secret}
    return settings_page(request, form, extra_context={"new_api_token": new_api_token})


@login_required
@csrf_protect
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    revoke_token(request.user, token_id)  # someone else's id revokes nothing
    return redirect(reverse("accounts:settings") + "?token_revoked=1#api-tokens-heading")
