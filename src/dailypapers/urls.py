from django.contrib import admin
from django.urls import include, path, register_converter

from dailypapers.accounts.admin_login import admin_login
from dailypapers.converters import IdConverter

# Before the includes below build their patterns: they use <id:…>.
register_converter(IdConverter, "id")

urlpatterns = [
    path("admin/login/", admin_login),  # rate limited, then Django's own page
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
