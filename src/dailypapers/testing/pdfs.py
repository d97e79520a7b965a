"""PDF files written by hand for tests and benchmarks: real PDFs, made on the spot.

``paper_pdf`` writes a paper-like document (a title, lines of text, vector drawings such as a
plot) in plain PDF 1.4 syntax, with a correct cross-reference table, so any reader opens it.
Its variants are the bad inputs a thumbnailer meets: ``truncated`` (cut short, no %%EOF),
``encrypted_pdf`` (a standard security handler whose user password is not empty: readers
ask for a password), a many-page document (``pages=200``) and ``image_bomb_pdf`` (a small
file whose page holds an image of hundreds of megabytes once decoded). ``drawing_ops`` sizes the
content streams (uncompressed), which is how the benchmark reaches 0.5 to 3 MB per file.
"""

from __future__ import annotations

import random
import zlib

_WORDS = [
    "model", "data", "learning", "network", "training", "results", "method", "neural",
    "attention", "layer", "tokens", "language", "vision", "reasoning", "benchmark", "accuracy",
    "loss", "gradient", "optimization", "sample",
]  # fmt: skip


def _text_lines(rng: random.Random, count: int, top: float) -> list[str]:
    ops = ["BT", "/F1 10 Tf", f"72 {top:.0f} Td", "12 TL"]
    for _ in range(count):
        words = " ".join(rng.choice(_WORDS) for _ in range(14))
        ops.append(f"({words}) Tj T*")
    ops.append("ET")
    return ops


def _plot(rng: random.Random, segments: int, x0: float, y0: float) -> list[str]:
    """A framed line plot of ``segments`` segments: what a figure in a paper draws."""
    ops = ["q", "0.5 w", f"{x0} {y0} 300 180 re S", "0 0 0.8 RG", f"{x0} {y0 + 90} m"]
    for step in range(1, segments + 1):
        x = x0 + 300 * step / segments
        y = y0 + 90 + rng.uniform(-80, 80)
        ops.append(f"{x:.2f} {y:.2f} l")
    ops += ["S", "Q"]
    return ops


def _page_stream(rng: random.Random, number: int, title: str, drawing_ops: int) -> bytes:
    ops: list[str] = []
    if number == 0:
        ops += ["BT", "/F1 20 Tf", "72 720 Td", f"({_escape(title)}) Tj", "ET"]
    ops += _text_lines(rng, 30, 690)
    if drawing_ops:
        ops += _plot(rng, drawing_ops, 150, 80)
    return "\n".join(ops).encode("latin-1")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def paper_pdf(
    *,
    pages: int = 3,
    title: str = "An Invented Paper",
    drawing_ops: int = 200,
    seed: int = 1,
    encrypt: bytes = b"",
) -> bytes:
    """A valid PDF of ``pages`` US-letter pages; ``encrypt``: an /Encrypt dictionary body."""
    rng = random.Random(seed)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in once the page objects are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for number in range(pages):
        stream = _page_stream(rng, number, title, drawing_ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    trailer = b""
    if encrypt:
        objects.append(encrypt)
        trailer = b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), b"ab" * 16, b"ab" * 16)
    return write_pdf(objects, trailer)


def write_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of these object bodies (numbered from 1, the first one the catalog), with
    its cross-reference table; ``trailer``: more entries for the trailer dictionary."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def image_bomb_pdf(side: int) -> bytes:
    """One page covered by a ``side`` × ``side`` RGB image of zeros: side² × 3 bytes once
    decoded, a few hundred kilobytes compressed (built a row at a time)."""
    packer = zlib.compressobj(9)
    row = bytes(side * 3)
    raw = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length 30 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
            % (side, side, len(raw), raw),
        ]
    )


def encrypted_pdf() -> bytes:
    """A PDF locked by a user password (standard security handler, RC4 40-bit): its /U
    entry matches no empty password, so a reader must be given one to open it."""
    locked = (
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
        b"/O <" + b"5a" * 32 + b"> /U <" + b"c3" * 32 + b"> >>"
    )
    return paper_pdf(pages=1, encrypt=locked)


def truncated(pdf: bytes, keep: float = 0.6) -> bytes:
    """The first ``keep`` of a PDF, as a download cut short leaves it."""
    return pdf[: int(len(pdf) * keep)]
