"""Where thumbnails live: THUMBNAIL_DIR/<yymm>/<id>.webp, written atomically; and the
placeholder picture answered for papers that have none yet."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw

# What the renderer makes (lib/pdf_thumbnail.py): 320 px wide, twice the card's 160 CSS px.
WIDTH = 320
MAX_HEIGHT = 640
QUALITY = 60


def relative_path(arxiv_id: str) -> str:
    """ "2501.01234" -> "2501/2501.01234.webp"; "hep-th/9901001" -> "9901/hep-th_9901001.webp"."""
    number = arxiv_id.rsplit("/", 1)[-1]
    return f"{number[:4]}/{arxiv_id.replace('/', '_')}.webp"


def path_for(arxiv_id: str) -> Path:
    return Path(settings.THUMBNAIL_DIR) / relative_path(arxiv_id)


def save(arxiv_id: str, webp: bytes) -> Path:
    """Write the picture under a temporary name and rename it: readers see all or nothing."""
    target = path_for(arxiv_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(webp)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


@cache
def placeholder() -> tuple[bytes, str]:
    """(WebP bytes, ETag) of a blank page sketch, drawn once per process."""
    image = Image.new("RGB", (WIDTH, 414), (238, 240, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 48, 280, 60), fill=(214, 218, 224))  # the title
    for top in range(96, 380, 18):
        draw.rectangle((40, top, 280 if top % 72 else 200, top + 6), fill=(226, 229, 234))
    out = io.BytesIO()
    image.save(out, "WEBP", quality=50)
    data = out.getvalue()
    return data, f'"p-{hashlib.sha256(data).hexdigest()[:16]}"'
