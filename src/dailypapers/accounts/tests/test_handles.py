"""Member handles: the rules, uniqueness without case in the database, the back-fill of
existing members, choosing one at sign-up and changing it in settings, and /u/<handle>/."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from dailypapers.accounts.models import User
from dailypapers.lib import handles
from dailypapers.testing.factories import PASSWORD, make_member, make_user, signed_in

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "grace@example.org",
    "display_name": "Grace Hopper",
    "password1": "a-long-password-9",
    "password2": "a-long-password-9",
}


# The rules (lib/handles.py)


@pytest.mark.parametrize("handle", ["ab", "ada", "ada-lovelace", "a_1", "z" * 30, "x-"])
def test_letters_digits_dashes_and_underscores_starting_with_a_letter_make_a_handle(handle):
    assert handles.problem(handle) is None


@pytest.mark.parametrize(
    ("handle", "reason"),
    [
        ("a", "2 to 30 characters"),
        ("a" * 31, "2 to 30 characters"),
        ("1ada", "Start with a letter"),
        ("-ada", "Start with a letter"),
        ("éva", "Start with a letter"),
        ("ada lovelace", "Use only letters"),
        ("ada.l", "Use only letters"),
        ("adä", "Use only letters"),
        ("admin", "reserved"),
        ("staff", "reserved"),
        ("api", "reserved"),
        ("static", "reserved"),
    ],
)
def test_other_handles_are_refused_with_a_reason(handle, reason):
    assert reason in (handles.problem(handle) or "")


def test_handles_are_typed_in_any_case_with_or_without_an_at_sign():
    assert handles.normalize("  @Ada_L ") == "ada_l"


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("Ada Lovelace", "ada-lovelace"),
        ("Émile Borel", "emile-borel"),
        ("  O'Brien, Jr. ", "o-brien-jr"),
        ("42 Douglas", "douglas"),
        ("王小明", "member"),
        ("", "member"),
        ("A" * 60, "a" * 26),
    ],
)
def test_a_handle_is_made_from_a_name(name, base):
    assert handles.base_from_name(name) == base


def test_a_made_handle_takes_the_first_free_number_and_skips_reserved_words():
    assert handles.first_free("ada", set()) == "ada"
    assert handles.first_free("ada", {"ada", "ada-2"}) == "ada-3"
    assert handles.first_free("admin", set()) == "admin-2"
    assert handles.first_free("a" * 26, {"a" * 26}) == "a" * 26 + "-2"


# The database


def test_every_new_member_gets_a_handle_from_their_display_name():
    assert make_member(name="Ada Lovelace").handle == "ada-lovelace"
    assert make_member("ada2@example.org", name="Ada Lovelace").handle == "ada-lovelace-2"
    assert make_user("quiet@example.org").handle == "member-2"  # "member" is reserved


def test_two_handles_differing_only_in_case_cannot_both_be_stored():
    make_member(handle="ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="other@example.org", handle="ADA")


def test_handles_are_found_in_any_case():
    ada = make_member(handle="ada")
    assert list(User.objects.with_handle("ADA")) == [ada]
    assert list(User.objects.with_handle("@Ada")) == [ada]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_members_unique_handles_from_their_public_names():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_initial")])
    old_user = executor.loader.project_state([("accounts", "0001_initial")]).apps.get_model(
        "accounts", "User"
    )
    names = ["Ada Lovelace", "ada lovelace", "Ada  Lovelace!", "", "Admin", "王小明"]
    made = [
        old_user.objects.create(email=f"m{i}@example.org", display_name=name)
        for i, name in enumerate(names)
    ]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    by_pk = dict(User.objects.values_list("pk", "handle"))
    assert [by_pk[user.pk] for user in made] == [
        "ada-lovelace", "ada-lovelace-2", "ada-lovelace-3", f"member-{made[3].pk}", "admin-2",
        "member-2",
    ]  # fmt: skip
    assert all(handles.problem(handle) is None for handle in by_pk.values())


# Sign-up


def test_sign_up_without_a_handle_makes_one_from_the_display_name(client):
    client.post("/accounts/signup/", SIGNUP)
    assert User.objects.get(email="grace@example.org").handle == "grace-hopper"


def test_sign_up_with_a_handle_keeps_it_lower_case(client):
    client.post("/accounts/signup/", {**SIGNUP, "handle": "@Amazing_Grace"})
    assert User.objects.get(email="grace@example.org").handle == "amazing_grace"


def test_sign_up_with_a_taken_or_bad_handle_says_why_and_keeps_what_was_typed(client):
    make_member(handle="grace")
    page = client.post("/accounts/signup/", {**SIGNUP, "handle": "Grace"}).content.decode()
    assert "“grace” is taken; choose another." in page
    assert 'value="grace@example.org"' in page and 'value="Grace Hopper"' in page
    assert 'placeholder="grace-hopper"' in page  # the suggestion, for an empty field
    page = client.post("/accounts/signup/", {**SIGNUP, "handle": "9lives"}).content.decode()
    assert "Start with a letter" in page
    assert not User.objects.filter(email="grace@example.org").exists()


# Settings


def test_a_member_changes_their_handle_in_settings():
    ada = make_member(handle="ada")
    browser = signed_in(ada)
    response = browser.post("/accounts/settings/handle/", {"handle": "Countess"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/settings/?handle_saved=1#handle-heading"
    ada.refresh_from_db()
    assert ada.handle == "countess"
    assert browser.get("/u/countess/").status_code == 200
    assert browser.get("/u/ada/").status_code == 404


def test_a_refused_handle_keeps_the_typed_value_and_the_old_handle():
    make_member("grace@example.org", name="Grace", handle="grace")
    ada = make_member(handle="ada")
    browser = signed_in(ada)
    response = browser.post("/accounts/settings/handle/", {"handle": "GRACE"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "“grace” is taken; choose another." in page and 'value="GRACE"' in page
    assert 'href="/u/ada/"' in page  # the page still names the handle kept
    for bad, reason in (("admin", "reserved"), ("x", "2 to 30"), ("a b", "Use only")):
        page = browser.post("/accounts/settings/handle/", {"handle": bad}).content.decode()
        assert reason in page
    ada.refresh_from_db()
    assert ada.handle == "ada"


def test_keeping_ones_own_handle_in_another_case_is_not_taken():
    ada = make_member(handle="ada")
    signed_in(ada).post("/accounts/settings/handle/", {"handle": "ADA"})
    ada.refresh_from_db()
    assert ada.handle == "ada"


def test_the_handle_form_needs_a_signed_in_member_and_a_post(client):
    assert client.post("/accounts/settings/handle/", {"handle": "x1"}).status_code == 302
    browser = signed_in(make_member())
    assert browser.get("/accounts/settings/handle/").status_code == 405


def test_the_settings_page_shows_the_handle_form():
    page = signed_in(make_member(handle="ada")).get("/accounts/settings/").content.decode()
    assert 'action="/accounts/settings/handle/"' in page and 'value="ada"' in page


# The profile page


def test_a_profile_lives_at_its_handle_in_any_case(client):
    make_member(name="Ada Lovelace", handle="ada")
    page = client.get("/u/ada/").content.decode()
    assert "<h1>Ada Lovelace</h1>" in page and "@ada" in page
    assert client.get("/u/ADA/")["Location"] == "/u/ada/"
    assert client.get("/u/nobody/").status_code == 404


def test_the_old_address_by_member_id_leads_to_the_handle(client):
    ada = make_member(handle="ada")
    response = client.get(f"/u/{ada.pk}/?submitted_page=2")
    assert response.status_code == 301
    assert response["Location"] == "/u/ada/?submitted_page=2"


def test_the_login_still_works_for_a_member_with_a_handle(client):
    make_member(handle="ada")
    response = client.post(
        "/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
