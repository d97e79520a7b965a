"""Operator endpoints: health checks, the staff status page, metrics."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dailypapers.ops import metrics

app_name = "ops"
urlpatterns: list[URLPattern | URLResolver] = [
    path("metrics", metrics.metrics, name="metrics"),
]
