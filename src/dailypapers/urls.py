from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("dailypapers.accounts.urls")),
    path("search/", include("dailypapers.search.urls")),
    path("digests/", include("dailypapers.digests.urls")),
    path("staff/", include("dailypapers.mail.urls")),
    path("", include("dailypapers.api.urls")),
    path("", include("dailypapers.feed.urls_community")),
    path("", include("dailypapers.feed.urls")),
]

# Django renders 400.html without the request; ours renders it in the site's layout.
handler400 = "dailypapers.errors.bad_request"
