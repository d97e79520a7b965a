from django.contrib import admin
from django.urls import include, path

from dailypapers.accounts import urls as accounts_urls
from dailypapers.accounts.admin_login import admin_login
from dailypapers.api import token_urls

urlpatterns = [
    path("admin/login/", admin_login),  # rate limited, then Django's own page
    path("admin/", admin.site.urls),
    # The settings page's API token forms are the api app's, served beside the page.
    path("accounts/", include((accounts_urls.urlpatterns + token_urls.urlpatterns, "accounts"))),
    path("search/", include("dailypapers.search.urls")),
    path("digests/", include("dailypapers.digests.urls")),
    path("staff/", include("dailypapers.mail.urls")),
    path("", include("dailypapers.ops.urls")),
    path("", include("dailypapers.api.urls")),
    path("", include("dailypapers.thumbnails.urls")),
    path("", include("dailypapers.feed.urls_community")),
    path("", include("dailypapers.feed.urls")),
]

# Django renders 400.html without the request; ours renders it in the site's layout.
handler400 = "dailypapers.core.errors.bad_request"
