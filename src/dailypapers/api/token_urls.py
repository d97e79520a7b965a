"""URLs of the API token section of the settings page, in the accounts namespace.

The project URLconf adds them to accounts' patterns (under /accounts/), so the addresses
and names (accounts:api_token_create, accounts:api_token_revoke) stay the page's own.
"""

from django.urls import path

from dailypapers.api import token_views

urlpatterns = [
    path("settings/api-tokens/", token_views.api_token_create, name="api_token_create"),
    path(
        "settings/api-tokens/<id:token_id>/revoke/",
        token_views.api_token_revoke,
        name="api_token_revoke",
    ),
]
