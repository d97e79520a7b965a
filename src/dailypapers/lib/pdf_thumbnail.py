"""Page 1 of a PDF as a small WebP picture, or the reason it cannot be one.

    picture = first_page_webp(pdf_bytes, width=320)   # raises UnusablePdf("encrypted …")

PDFium (pypdfium2) renders straight to the target width, so the bitmap is a few hundred
kilobytes whatever the page size, and images on the page are decoded downsampled to it:
page 1 covered by an 8000 × 8000 RGB image (192 MB decoded, a 0.2 MB file) renders with
the whole process peaking at 31 MB, a 16000 × 16000 one (768 MB) at 40 MB
(lib/tests/test_pdf_thumbnail.py). So a render stays
in process, without a subprocess or a resource limit. Forms are not drawn, the document is
closed before returning, and a page far taller than wide is cut at ``max_height``.

What is refused, each with its reason: not a PDF (no ``%PDF-`` header), truncated (no
``%%EOF`` near the end, or a damaged structure), encrypted (PDFium asks for a password),
no pages, and a first page without a usable size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

# Where PDF writers put the header and the end marker: within the first and last kilobyte.
_HEADER_WINDOW = 1024
_TRAILER_WINDOW = 2048
# pypdfium2 error codes (FPDF_GetLastError) that name a cause worth telling apart.
_FPDF_ERR_FILE = 2
_FPDF_ERR_FORMAT = 3
_FPDF_ERR_PASSWORD = 4
_FPDF_ERR_SECURITY = 5


class UnusablePdf(Exception):
    """The input cannot give a thumbnail; str(exc) is the reason, for people."""


@dataclass(frozen=True, slots=True)
class Picture:
    webp: bytes
    width: int
    height: int
    pages: int


def check_pdf(data: bytes) -> None:
    """Refuse what is not a whole PDF file before any parser sees it."""
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        start = data[:16].decode("ascii", "replace").strip()
        raise UnusablePdf(f"not a PDF (starts with {start!r})" if start else "empty file")
    if b"%%EOF" not in data[-_TRAILER_WINDOW:]:
        raise UnusablePdf("truncated: the file has no %%EOF at its end")


def first_page_webp(
    data: bytes, *, width: int = 320, max_height: int = 640, quality: int = 60
) -> Picture:
    """Render page 1 of ``data`` ``width`` pixels wide and encode it as WebP."""
    check_pdf(data)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnusablePdf(_load_failure(exc)) from None
    try:
        pages = len(document)
        if pages < 1:
            raise UnusablePdf("the document has no pages")
        page = document[0]
        try:
            image = _render(page, width, max_height)
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise UnusablePdf(f"page 1 could not be rendered: {exc}") from None
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "WEBP", quality=quality, method=4)
    return Picture(out.getvalue(), image.width, image.height, pages)


def _render(page: pdfium.PdfPage, width: int, max_height: int) -> Image.Image:
    page_width, page_height = page.get_size()
    if not (page_width > 1 and page_height > 1):
        raise UnusablePdf(f"page 1 has no usable size ({page_width:g} × {page_height:g} pt)")
    scale = width / page_width
    bitmap = page.render(
        scale=scale, may_draw_forms=False, crop=_crop(page_height, scale, max_height)
    )
    try:
        image: Image.Image = bitmap.to_pil().convert("RGB")
        return image
    finally:
        bitmap.close()


def _crop(page_height: float, scale: float, max_height: int) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in points: keep the top ``max_height`` pixels of the page."""
    excess = page_height - max_height / scale
    return (0.0, excess, 0.0, 0.0) if excess > 0 else (0.0, 0.0, 0.0, 0.0)


def _load_failure(exc: pdfium.PdfiumError) -> str:
    code = getattr(exc, "err_code", None)
    if code in (_FPDF_ERR_PASSWORD, _FPDF_ERR_SECURITY):
        return "encrypted: the PDF needs a password to open"
    if code in (_FPDF_ERR_FORMAT, _FPDF_ERR_FILE):
        return "damaged or truncated: PDFium cannot read its structure"
    return f"PDFium cannot open it: {exc}"
