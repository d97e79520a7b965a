"""The reading pages: feeds by day, week and month, trending, papers, people, about."""

from dailypapers.feed.views.about import about
from dailypapers.feed.views.pages import day, day_unpadded, latest_day, month, trending, week
from dailypapers.feed.views.papers import paper
from dailypapers.feed.views.people import author, category, profile

__all__ = [
    "about", "author", "category", "day", "day_unpadded", "latest_day", "month", "paper", "profile",
    "trending", "week",
]  # fmt: skip
