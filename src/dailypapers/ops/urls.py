"""Operator pages: the staff status page. (/healthz and /readyz are answered by
core.health.HealthProbeMiddleware, before host checks and HTTPS redirects.)"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dailypapers.ops import metrics, views

app_name = "ops"
urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/status/", views.status_page, name="status"),
    path("metrics", metrics.metrics, name="metrics"),
]
