"""The admin's log-in page shares the site's log-in limits (issue 16 #2)."""

from __future__ import annotations

import pytest
from django.test import Client

from dailypapers.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "root passphrase 4711"


@pytest.fixture(autouse=True)
def small_limit(settings) -> None:
    settings.LOGIN_ATTEMPTS_PER_15_MIN = 3


@pytest.fixture
def staff() -> User:
    return User.objects.create_superuser("root@example.org", PASSWORD)


def admin_login(client: Client, password: str, email: str = "root@example.org"):
    return client.post("/admin/login/", {"username": email, "password": password})


def test_after_the_limit_of_wrong_passwords_even_the_right_one_is_refused(client, staff):
    for n in range(3):
        assert admin_login(client, f"wrong {n}").status_code == 200  # the form again
    response = admin_login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_attempts_count_against_the_sites_log_in_limit(client, staff):
    for n in range(3):
        admin_login(Client(), f"wrong {n}")
    response = client.post(
        "/accounts/login/", {"username": "root@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_the_right_password_within_the_limit_opens_the_admin(client, staff):
    response = admin_login(client, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
