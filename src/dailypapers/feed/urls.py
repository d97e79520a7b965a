from django.urls import path, re_path

from dailypapers.feed import views

app_name = "feed"
urlpatterns = [
    path("", views.latest_day, name="home"),
    path("day/<int:year>-<int:month>-<int:day_of_month>/", views.day, name="day"),
    # Old-style ids contain a slash: hep-th/9901001.
    re_path(r"^papers/(?P<arxiv_id>[\w.\-]+(?:/\d{7})?(?:v\d+)?)/$", views.paper, name="paper"),
]
