from django.urls import path

from dailypapers.search import views

app_name = "search"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("status/", views.status_page, name="status"),
]
