"""How other parts read stars: on list rows, in the "Trending on GitHub" order, and as a
signal of the trending fallback. Each is a join through RepoLink, never a query per paper."""

from __future__ import annotations

from django.db.models import Case, F, FloatField, Value, When
from django.db.models.expressions import OrderBy

from dailypapers.lib import ranking
from dailypapers.papers.models import Paper
from dailypapers.papers.querysets import GITHUB_STARS as STARS
from dailypapers.papers.querysets import PaperQuerySet
from dailypapers.repos.models import Repository

STARS_PER_DAY = "repo_link__repository__stars_per_day"


def stars_per_day_order() -> tuple[OrderBy | str, ...]:
    """The "GitHub" sort: stars gained per day, papers without a repository last."""
    return (F(STARS_PER_DAY).desc(nulls_last=True), "-upvote_count", "arxiv_id")


def gaining_stars(papers: PaperQuerySet | None = None) -> PaperQuerySet:
    """Papers whose repository gains stars, fastest first ("Trending on GitHub")."""
    papers = Paper.objects.all() if papers is None else papers
    return papers.filter(**{f"{STARS_PER_DAY}__gt": 0}).order_by(*stars_per_day_order())


def star_points() -> Case:
    """lib/ranking.py's ``star_points`` in SQL: one WHEN per power of ten, highest first."""
    return Case(
        *(
            When(**{f"{STARS}__gte": 10**power},
                 then=Value(ranking.STAR_WEIGHT * power))
            for power in range(ranking.MAX_STAR_POWERS, 0, -1)
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )  # fmt: skip


def repository_of(paper: Paper) -> Repository | None:
    """The paper's repository: joined already by ``with_submitter()``, else one query."""
    if Paper.repo_link.is_cached(paper):
        link = getattr(paper, "repo_link", None)  # the join found none: None
        return None if link is None else link.repository
    return Repository.objects.filter(links__paper=paper).first()
