"""Issue 12's target: every field of huggingface_hub's PaperInfo that the Hub fills is filled
here too, for a paper whose data exists. The fields are read from the client's dataclass, so
a field a new huggingface_hub adds fails the first test until it is classified below.

The sets are the one place to change: a field is either FILLED (the second test demands it
for a paper with every kind of data) or LEFT_NONE with the reason written beside it.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from huggingface_hub.hf_api import PaperInfo

from dailypapers.testing.factories import (
    make_member,
    make_submission,
    set_counters,
    star_repo,
    store_detailed_paper,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Filled by this server wherever the data exists (the paper below has all of it).
FILLED = {
    "id", "authors", "published_at", "title", "summary", "upvotes", "discussion_id",
    "comments", "submitted_at", "submitted_by", "github_repo", "github_stars", "project_page",
    "linked_models", "num_total_models", "linked_datasets", "num_total_datasets",
    "linked_spaces", "ai_summary", "ai_keywords",
}  # fmt: skip
# None on purpose, and why.
LEFT_NONE = {
    # The Hub's organization is one that claimed the paper on huggingface.co; nothing here
    # records such a claim (repos/api.py).
    "organization",
    # The client reads "source" from the top of a daily item; the Hub's papers API sets no
    # such key in its published schema, so there is nothing to match.
    "source",
}
# Returned only by paper_info, as on the Hub; list items leave them None.
PAPER_INFO_ONLY = {"linked_models", "num_total_models", "linked_datasets",
                   "num_total_datasets", "linked_spaces"}  # fmt: skip


def test_every_paperinfo_field_is_classified_once():
    fields = {field.name for field in dataclasses.fields(PaperInfo)}
    classified = [*FILLED, *LEFT_NONE]
    assert len(classified) == len(set(classified)), "a field is in two sets"
    assert fields - set(classified) == set(), "new PaperInfo fields: classify them above"
    assert set(classified) - fields == set(), "fields huggingface_hub no longer has"


def _paper_with_everything():
    paper = store_detailed_paper(
        "2501.00001",
        title="Sparse attention",
        abstract=(
            "We sparsify attention. Code: https://github.com/ada/sparse; weights: "
            "https://huggingface.co/ada/sparse-7b; data: huggingface.co/datasets/ada/bench; "
            "demo: https://huggingface.co/spaces/ada/demo."
        ),
        comments="Project page: https://ada.github.io/sparse",
    )
    make_submission(paper, make_member(), day=date(2025, 1, 8))
    set_counters(paper, upvote_count=3, comment_count=2)
    star_repo(paper, stars=42)
    return paper


def _none_fields(info: PaperInfo, names: set[str]) -> list[str]:
    return sorted(name for name in names if getattr(info, name) is None)


def test_a_paper_with_data_for_every_field_leaves_none_of_the_filled_ones_none(hub):
    _paper_with_everything()
    assert _none_fields(hub.paper_info("2501.00001"), FILLED) == []
    daily = list(hub.list_daily_papers(date="2025-01-08"))
    assert len(daily) == 1
    assert _none_fields(daily[0], FILLED - PAPER_INFO_ONLY) == []
