"""Secrets in URL paths kept out of logs: access logs and Django's request logging.

Some addresses are credentials: a For you feed, digest confirm/preferences/unsubscribe/view
links, email verification and password reset links. An access log that records them lends
them to whoever reads the log. Both gunicorn's access log (``GunicornLogger``, passed as
``--logger-class``) and Django's ``django.request``/``django.server`` records (the
``RedactTokens`` filter, in settings.LOGGING) show such a path with the secret replaced.
What counts as a secret, and ``redact``, are in core/urlsecrets.py.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING, Any, cast

from gunicorn.glogging import Logger

from dailypapers.core.logformat import JsonFormatter, log_format
from dailypapers.core.urlsecrets import REDACTED, redact

if TYPE_CHECKING:
    from collections.abc import MutableMapping
    from datetime import timedelta

    # _AtomsDict exists only in types-gunicorn (type_check_only), not at run time.
    from gunicorn.glogging import _AtomsDict
    from gunicorn.http import Request
    from gunicorn.http.wsgi import Response


class RedactTokens(logging.Filter):
    """Rewrites a record's message arguments (the request path) without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


# Atoms holding an address or a referer; gunicorn also offers every request header
# ("{name}i") and environ entry ("{name}e"), and those holding credentials are dropped.
_ADDRESS_ATOMS = ("r", "U", "q", "f", "{referer}i", "{raw_uri}e", "{path_info}e",
                  "{query_string}e", "{http_referer}e", "{request_uri}e")  # fmt: skip
_CREDENTIAL_ATOMS = ("{authorization}i", "{cookie}i", "{http_authorization}e", "{http_cookie}e")


class GunicornLogger(Logger):
    """gunicorn's logger: addresses redacted, and JSON lines when ``LOG_FORMAT=json``.

    In JSON each access line also carries its fields (method, path, status, bytes,
    duration_ms, remote_addr, user_agent, referer) and the request id the app answered
    with, so the access line and the app's own lines for that request share it.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if log_format() == "json":
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonFormatter())

    def atoms(
        self,
        resp: Response,
        req: Request,
        environ: MutableMapping[str, Any],
        request_time: timedelta,
    ) -> _AtomsDict:
        atoms = super().atoms(resp, req, environ, request_time)
        # gunicorn also adds a "{header}i" entry per request header, which the stubs'
        # TypedDict leaves out: seen as the plain dict it is at run time.
        fields = cast("dict[str, Any]", atoms)
        for name in _ADDRESS_ATOMS:
            if isinstance(fields.get(name), str):
                fields[name] = redact(fields[name])
        for name in _CREDENTIAL_ATOMS:
            if name in fields:
                fields[name] = REDACTED
        return atoms

    def access(
        self,
        resp: Response,
        req: Request,
        environ: MutableMapping[str, Any],
        request_time: timedelta,
    ) -> None:
        if not self.access_log_enabled:
            return
        atoms = cast("dict[str, Any]", self.atoms(resp, req, environ, request_time))
        path = atoms.get("U") or ""
        if atoms.get("q"):
            path = f"{path}?{atoms['q']}"
        extra = {
            "request_id": atoms.get("{x-request-id}o") or None,
            "method": atoms.get("m"),
            "path": path,
            "status": int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s"),
            "bytes": atoms.get("B"),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "remote_addr": atoms.get("h"),
            "user_agent": atoms.get("a"),
            "referer": atoms.get("f"),
        }
        try:
            self.access_log.info(
                self.cfg.access_log_format, self.atoms_wrapper_class(atoms), extra=extra
            )
        except Exception:  # noqa: BLE001 - gunicorn's own access() reports, never raises
            self.error(traceback.format_exc())
