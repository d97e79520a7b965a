from django.urls import re_path

from dailypapers.lib.arxiv.ids import URL_ID_PATTERN
from dailypapers.thumbnails import views

app_name = "thumbnails"
urlpatterns = [
    re_path(rf"^papers/{URL_ID_PATTERN}/thumbnail\.webp$", views.image, name="image"),
]
