from django.urls import path, re_path

from dailypapers.feed import views

app_name = "feed"
urlpatterns = [
    path("", views.latest_day, name="home"),
    path("day/<int:year>-<int:month>-<int:day_of_month>/", views.day, name="day"),
    # ISO weeks and months take fixed widths, so each page has one address.
    re_path(r"^week/(?P<year>\d{4})-W(?P<week>\d{2})/$", views.week, name="week"),
    re_path(r"^month/(?P<year>\d{4})-(?P<month>\d{2})/$", views.month, name="month"),
    path("trending/", views.trending, name="trending"),
    # Old-style ids contain a slash: hep-th/9901001.
    re_path(r"^papers/(?P<arxiv_id>[\w.\-]+(?:/\d{7})?(?:v\d+)?)/$", views.paper, name="paper"),
    path("authors/<int:author_id>/", views.author, name="author"),
    path("categories/<str:category>/", views.category, name="category"),
    path("u/<int:user_id>/", views.profile, name="profile"),
    path("about/", views.about, name="about"),
]
