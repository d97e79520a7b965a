from django.urls import path

from dailypapers.feed import views

app_name = "feed"
urlpatterns = [
    path("", views.latest_day, name="home"),
]
