"""What pages and the API show of a paper's thumbnail, read from the row that list queries
join (PaperQuerySet.listed() and with_submitter() select ``thumbnail``): no query per item.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from dailypapers.papers.models import Paper
from dailypapers.thumbnails.models import Thumbnail


def rendered(paper: Paper) -> Thumbnail | None:
    """The paper's rendered thumbnail row, if it has one (loaded with the paper)."""
    row: Thumbnail | None = getattr(paper, "thumbnail", None)
    return row if row is not None and row.rendered else None


def image_path(paper: Paper) -> str:
    """The picture's address: versioned once rendered, so caches may keep it for good."""
    path = reverse("thumbnails:image", args=[paper.arxiv_id])
    row = rendered(paper)
    return f"{path}?v={int(row.updated_at.timestamp())}" if row is not None else path


def hub_fields(paper: Paper) -> dict[str, Any]:
    """``thumbnail`` and ``mediaUrls`` of a Hugging Face daily item.

    ``thumbnail`` is always an absolute address that answers a picture: the render, or a
    placeholder until there is one (HF's schema requires the field). ``mediaUrls`` lists
    the render only.
    """
    url = f"{settings.SITE_URL}{image_path(paper)}"
    return {"thumbnail": url, "mediaUrls": [url] if rendered(paper) is not None else []}
