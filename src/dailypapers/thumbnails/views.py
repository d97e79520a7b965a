"""GET /papers/<id>/thumbnail.webp: the paper's page-1 picture, or a placeholder picture.

Pictures are written while the site runs, which WhiteNoise (it indexes files at start)
would not see; this view serves them with an ETag and long cache headers, from one
indexed query. Pages and the API add ``?v=<render time>`` to the address of a rendered
picture, so that address is cached for a year as immutable; without it (the API's address
for a paper not rendered yet) the answer may change and is cached for an hour. Behind nginx,
THUMBNAIL_X_ACCEL_PREFIX hands the sending to nginx (docs/deploy.md).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

from dailypapers.lib.arxiv.ids import InvalidArxivId, split_id
from dailypapers.papers.models import Paper
from dailypapers.thumbnails import storage
from dailypapers.thumbnails.models import Thumbnail

YEAR = 365 * 24 * 3600
PENDING_MAX_AGE = 3600


@require_safe
def image(request: HttpRequest, arxiv_id: str) -> HttpResponseBase:
    try:
        bare_id, _ = split_id(arxiv_id)
    except InvalidArxivId:
        raise Http404("Not an arXiv id") from None
    row = (
        Paper.objects.filter(arxiv_id=bare_id)
        .values_list("thumbnail__status", "thumbnail__bytes", "thumbnail__updated_at")
        .first()
    )
    if row is None:
        raise Http404("No such paper")
    status, size, rendered_at = row
    path = storage.path_for(bare_id)
    if status == Thumbnail.Status.RENDERED and path.is_file():
        etag = f'"{size}-{int(rendered_at.timestamp())}"'
        versioned = bool(request.GET.get("v"))
        max_age = f"max-age={YEAR}, immutable" if versioned else f"max-age={PENDING_MAX_AGE}"
        return _answer(request, etag, f"public, {max_age}", path=path, arxiv_id=bare_id)
    data, etag = storage.placeholder()
    return _answer(request, etag, f"public, max-age={PENDING_MAX_AGE}", data=data)


def _answer(
    request: HttpRequest,
    etag: str,
    cache_control: str,
    *,
    path: Path | None = None,
    arxiv_id: str = "",
    data: bytes = b"",
) -> HttpResponseBase:
    response: HttpResponseBase
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    elif path is not None and settings.THUMBNAIL_X_ACCEL_PREFIX:
        response = HttpResponse(content_type="image/webp")
        prefix = settings.THUMBNAIL_X_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{storage.relative_path(arxiv_id)}"
    elif path is not None:
        response = FileResponse(open(path, "rb"), content_type="image/webp")  # noqa: SIM115
    else:
        response = HttpResponse(data, content_type="image/webp")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response
