"""Secrets in URL paths kept out of logs: access logs and Django's request logging.

Some addresses are credentials: a For you feed, digest confirm/preferences/unsubscribe/view
links, email verification and password reset links. An access log that records them lends
them to whoever reads the log. Both gunicorn's access log (``GunicornLogger``, passed as
``--logger-class``) and Django's ``django.request``/``django.server`` records (the
``RedactTokens`` filter, in settings.LOGGING) show such a path with the secret replaced.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_SECRET_PATHS = re.compile(
    r"(?P<keep>/feeds/for-you/|/digests/(?:confirm|preferences|unsubscribe)/"
    r"|/digests/view/[0-9]+/|/accounts/verify/|/accounts/password/reset/[^/\s?]+/)"
    r"(?P<secret>[^/\s?\"]+)"
)


def redact(text: str) -> str:
    """``text`` with the secret part of every credential-bearing path replaced."""
    if "/" not in text:
        return text
    # "set-password" is the reset view's own redirect target, not a secret.
    return _SECRET_PATHS.sub(
        lambda m: (
            m.group(0)
            if m.group("secret") in ("set-password", "done", "complete")
            else m.group("keep") + REDACTED
        ),
        text,
    )


class RedactTokens(logging.Filter):
    """Rewrites a record's message arguments (the request path) without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with the request line, path and referer redacted."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "f", "{referer}i"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms
