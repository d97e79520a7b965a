"""Page 1 of a PDF as a small WebP, with the reason whenever a file cannot give one; memory
bounded by rendering straight to the target size."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from dailypapers.lib.pdf_thumbnail import UnusablePdf, check_pdf, first_page_webp
from dailypapers.testing.pdfs import encrypted_pdf, image_bomb_pdf, paper_pdf, truncated


def test_page_one_becomes_a_webp_of_the_asked_width_with_the_page_count():
    picture = first_page_webp(paper_pdf(pages=4), width=200)
    with Image.open(io.BytesIO(picture.webp)) as image:
        assert image.format == "WEBP" and image.size == (200, 259)
    assert (picture.width, picture.height, picture.pages) == (200, 259, 4)


def test_a_page_far_taller_than_wide_is_cut_at_the_height_limit():
    tall = paper_pdf(pages=1).replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 612 9000]")
    picture = first_page_webp(tall, width=320, max_height=640)
    assert (picture.width, picture.height) == (320, 640)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"<html><body>Sorry</body></html>", "not a PDF (starts with '<html><body>Sorr')"),
        (truncated(paper_pdf()), "truncated"),
        (encrypted_pdf(), "encrypted"),
        (paper_pdf().replace(b" 0 obj", b" 0 jbo"), "damaged"),
    ],
    ids=["empty", "html", "truncated", "encrypted", "damaged"],
)
def test_what_cannot_give_a_picture_is_refused_with_its_reason(data, reason):
    with pytest.raises(UnusablePdf, match=reason.replace("(", r"\(").replace(")", r"\)")):
        first_page_webp(data)


def test_a_pdf_cut_inside_its_last_kilobytes_is_still_called_truncated():
    whole = paper_pdf()
    with pytest.raises(UnusablePdf, match="truncated"):
        check_pdf(whole[:-10])
    check_pdf(whole + b"\n" * 100)  # trailing newlines after %%EOF are common and fine


# Peak RSS from VmHWM: ru_maxrss survives exec on Linux, so a child started by a large
# parent would report the parent's peak.
BOMB_SCRIPT = """
import re, sys
from dailypapers.lib.pdf_thumbnail import first_page_webp
picture = first_page_webp(sys.stdin.buffer.read())
status = open("/proc/self/status").read()
print(picture.width, int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
"""


def test_a_huge_image_on_page_one_renders_in_bounded_memory():
    """8000 × 8000 RGB is 192 MB decoded; PDFium decodes it at the thumbnail's size."""
    data = image_bomb_pdf(8000)
    assert len(data) < 1_000_000
    if not Path("/proc/self/status").exists():
        pytest.skip("reads the peak from /proc (Linux)")
    done = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT], input=data, capture_output=True, check=True
    )
    width, peak_mb = map(int, done.stdout.split())
    assert width == 320 and peak_mb < 80
