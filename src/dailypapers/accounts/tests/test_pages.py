"""Every accounts page: labelled inputs, no inline script or style (the CSP forbids them)."""

from __future__ import annotations

import re

import pytest

from dailypapers.accounts.models import User
from dailypapers.testing import unlabelled_controls

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/accounts/signup/",
    "/accounts/signup/done/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/complete/",
    "/accounts/password/reset/MQ/not-a-token/",
    "/accounts/verify/not-a-token/",
]
MEMBER_PAGES = [
    "/accounts/settings/",
    "/accounts/logout/",
    "/accounts/password/change/",
    "/accounts/password/change/done/",
]


def check_page(html: str) -> None:
    # Only <main> is ours: the header and footer belong to base.html.
    main = re.search(r"<main\b.*?</main>", html, re.DOTALL)
    assert main is not None
    content = main.group(0)
    assert unlabelled_controls(content) == []
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)
    assert not re.search(r"\sstyle\s*=", content)
    assert "<h1>" in content


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_labels_and_no_inline_code(client, path):
    response = client.get(path)

    assert response.status_code in {200, 400}
    check_page(response.text)


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_have_labels_and_no_inline_code(client, path):
    client.force_login(User.objects.create_user("ada@example.org", "x", display_name="Ada"))

    response = client.get(path)

    assert response.status_code == 200
    check_page(response.text)


def test_pages_with_errors_still_label_every_input(client):
    response = client.post("/accounts/signup/", {"email": "nope"})

    check_page(response.text)
    assert 'aria-describedby="id_email_error"' in response.text
