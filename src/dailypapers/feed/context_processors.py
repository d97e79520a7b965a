"""Values every template can use: the site's name and address, and which partials exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

# Partials that other parts of the app provide. The reading pages include them through one
# small template each (feed/community/_vote.html, …) that checks here first, so a page still
# renders, with a plain fallback, while a partial is being built.
PARTIALS = {
    "vote_button": "feed/community/includes/vote_button.html",
    "comments": "feed/community/includes/comments.html",
    "collection_picker": "feed/community/includes/collection_picker.html",
    "curation_form": "feed/community/includes/curation_form.html",
}


class PartialAvailability:
    """``{% if partials.vote_button %}``: looked up only when a template asks, once a request."""

    def __init__(self) -> None:
        self._known: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in PARTIALS:
            raise KeyError(name)
        if name not in self._known:
            try:
                get_template(PARTIALS[name])  # the cached loader makes repeats cheap
            except TemplateDoesNotExist:
                self._known[name] = False
            else:
                self._known[name] = True
        return self._known[name]


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "partials": PartialAvailability(),
    }
