"""Until the search app is wired into the project: the project's URLs plus /search/."""

from django.urls import include, path

from dailypapers.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("search/", include("dailypapers.search.urls")), *project_urlpatterns]
