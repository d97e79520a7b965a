"""Papers, a member and locators shared by the browser journeys and the accessibility checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dailypapers.accounts.models import User
from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.testing.factories import make_member

PASSWORD = "correct horse battery staple"

MONDAY, TUESDAY, WEDNESDAY = date(2025, 1, 6), date(2025, 1, 7), date(2025, 1, 8)
ATTENTION = "Attention Is Mostly What You Need"
GRAPHS = "Graph Networks for Tiny Weather Stations"
SPARSE = "Sparse Experts Without the Router Tax"
SOCKS = "Socks with a Single Drawer"  # the end of the title the fake arXiv answers with
API_FIXTURES = Path(__file__).parents[2] / "lib" / "tests" / "fixtures" / "arxiv-api"


def seed_papers() -> None:
    """Three days of feed; the latest (Wednesday) is what the home page shows."""
    records = [
        PaperRecord(
            arxiv_id="2501.00010",
            title="Benchmarks of Monday",
            abstract="An older paper, one day before.",
            authors=["Grace Hopper"],
            categories=["cs.AI"],
            announced_on=MONDAY,
        ),
        PaperRecord(
            arxiv_id="2501.00020",
            title=GRAPHS,
            abstract="Message passing on a Raspberry Pi. " * 12,
            authors=["Alan Turing", "Katherine Johnson"],
            categories=["cs.LG", "physics.ao-ph"],
            announced_on=TUESDAY,
        ),
        PaperRecord(
            arxiv_id="2501.00030",
            title=ATTENTION,
            abstract=(
                "We revisit attention with a very long unbroken token "
                "https://example.org/" + "a" * 90 + " and the usual words around it. " * 8
            ),
            authors=[
                "Ada Lovelace",
                "Émilie du Châtelet",
                "Srinivasa Ramanujan",
                "Hypatia of Alexandria",
                "Mary Somerville",
            ],
            categories=["cs.LG", "cs.CL", "stat.ML"],
            announced_on=WEDNESDAY,
            comments="12 pages, 4 figures",
        ),
        PaperRecord(
            arxiv_id="2501.00040",
            title=SPARSE,
            abstract="Routing tokens costs less than it seems.",
            authors=["Claude Shannon"],
            categories=["cs.LG"],
            announced_on=WEDNESDAY,
        ),
    ]
    ingest(records, IngestReport(source="test"))


def member(email: str = "grace@example.org", name: str = "Grace Hopper") -> User:
    """A member whose address is already confirmed."""
    return make_member(email, name, password=PASSWORD)


def paper_item(page, title: str):
    return page.locator("li.paper", has=page.get_by_role("link", name=title, exact=True))
