"""The migration state of release 0.1.0 (main at 29eaec2, the last release before issue 14).

No tag exists for it yet; these are the leaf migrations of each of our apps in that commit
(``git ls-tree 29eaec2 src/dailypapers/*/migrations``), by app label. ``core`` had none
then: ScheduledJob still belonged to ``papers``. The next release adds its own file beside
this one, and the upgrade test runs from each.
"""

RELEASE = "0.1.0"
COMMIT = "29eaec20e138bc48752d793a3bfe862ef5e55ae1"
LEAVES: list[tuple[str, str]] = [
    ("accounts", "0001_initial"),
    ("dailypapers_api", "0001_api_tokens"),
    ("digests", "0001_initial"),
    ("feed", "0003_foryou_hashed_tokens"),
    ("mail", "0001_mail_queued_email"),
    ("papers", "0002_searchrel_title_doi_indexes"),
    ("search", "0004_embedding_time_index"),
]
