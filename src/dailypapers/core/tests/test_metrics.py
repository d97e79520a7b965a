"""Metric labels take a few known values whatever the request."""

from __future__ import annotations

import pytest

from dailypapers.core.metrics import status_class


@pytest.mark.parametrize(
    ("status", "label"),
    [(200, "2xx"), (304, "3xx"), (404, "4xx"), (503, "5xx"), (99, "1xx"), (999, "5xx")],
)
def test_a_status_is_counted_by_its_class(status, label):
    assert status_class(status) == label
