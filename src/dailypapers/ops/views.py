"""The staff status page: is the site healthy, in one server-rendered page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from dailypapers.core.staff import staff_only
from dailypapers.ops.status import site_status


@never_cache
@staff_only
def status_page(request: HttpRequest) -> HttpResponse:
    context = {"status": site_status(), "max_bounces": settings.DIGEST_MAX_BOUNCES}
    return render(request, "ops/status.html", context)
