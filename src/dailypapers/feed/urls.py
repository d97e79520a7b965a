from django.urls import path, re_path

from dailypapers.feed.discovery.views import about, for_you, pages, papers, people, robots, topics
from dailypapers.lib.arxiv.ids import URL_ID_PATTERN
from dailypapers.lib.handles import URL_PATTERN as HANDLE_PATTERN

app_name = "feed"
urlpatterns = [
    path("", pages.latest_day, name="home"),
    path("robots.txt", robots.robots_txt, name="robots"),
    re_path(
        r"^day/(?P<year>\d{4})-(?P<month>\d{2})-(?P<day_of_month>\d{2})/$", pages.day, name="day"
    ),
    # Unpadded dates (2025-1-7) redirect to the one address each day has.
    re_path(
        r"^day/(?P<year>\d{1,30})-(?P<month>\d{1,30})-(?P<day_of_month>\d{1,30})/$",
        pages.day_unpadded,
    ),
    # ISO weeks and months take fixed widths, so each page has one address.
    re_path(r"^week/(?P<year>\d{4})-W(?P<week>\d{2})/$", pages.week, name="week"),
    re_path(r"^month/(?P<year>\d{4})-(?P<month>\d{2})/$", pages.month, name="month"),
    path("trending/", pages.trending, name="trending"),
    path("github/", pages.github_trending, name="github_trending"),
    # Old-style ids contain a slash: hep-th/9901001.
    re_path(rf"^papers/{URL_ID_PATTERN}/$", papers.paper, name="paper"),
    path("authors/<id:author_id>/", people.author, name="author"),
    path("categories/<str:category>/", people.category, name="category"),
    # Handles start with a letter, so a member id (older links) never reads as one.
    re_path(rf"^u/(?P<handle>{HANDLE_PATTERN})/$", people.profile, name="profile"),
    path("u/<id:user_id>/", people.profile_by_id, name="profile_by_id"),
    path("about/", about.about, name="about"),
    path("topics/", topics.topic_index, name="topics"),
    path("topics/new/", topics.topic_create, name="topic_create"),
    path("topics/<slug:slug>/", topics.topic_detail, name="topic"),
    path("topics/<slug:slug>/edit/", topics.topic_edit, name="topic_edit"),
    path("topics/<slug:slug>/follow/", topics.topic_follow, name="topic_follow"),
    path("topics/<slug:slug>/feature/", topics.topic_feature, name="topic_feature"),
    path("for-you/", for_you.for_you, name="for_you"),
    path("for-you/feed-address/", for_you.regenerate_feed, name="for_you_regenerate"),
]
