"""Which parts of an address are secrets, and ``redact`` that replaces them.

Some addresses are credentials: a For you feed, digest confirm/preferences/unsubscribe/view
links, email verification and password reset links; a client may also put a token in a
query string (``?token=…``, ``&api_key=…``), and a secret path can sit percent-encoded inside
another address's parameter (``/login/?next=%2Ffeeds%2Ffor-you%2F…``). Every log line goes
through ``redact``: the formatters (core/logformat.py), gunicorn's access log and Django's
request records (core/logredact.py).

The secret's characters never include a quote or a backslash, so redacting a finished JSON
line keeps it valid JSON.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
# A path separator, plain or percent-encoded (a secret address inside ?next=…).
_SEP = r"(?:/|%2[fF])"
_SECRET_PATHS = re.compile(
    rf"(?P<keep>{_SEP}feeds{_SEP}for-you{_SEP}"
    rf"|{_SEP}digests{_SEP}(?:confirm|preferences|unsubscribe){_SEP}"
    rf"|{_SEP}digests{_SEP}view{_SEP}[0-9]+{_SEP}"
    rf"|{_SEP}accounts{_SEP}verify{_SEP}"
    rf"|{_SEP}accounts{_SEP}password{_SEP}reset{_SEP}[^/\s?%\"\\]+{_SEP})"
    r"(?P<secret>[^/\s?\"'<>&#%\\]+)"
)
# Query parameters that carry a credential, in any address (none of ours does today: API
# tokens go in the Authorization header; a client sending one this way must not leak it).
_SECRET_PARAMETERS = re.compile(
    r"(?P<keep>(?:[?&]|%3[fF]|%26)(?:token|access_token|api_key|apikey|key|secret"
    r"|password|signature|sig|auth)(?:=|%3[dD]))(?P<secret>[^&\s\"'<>#%\\]+)",
    re.IGNORECASE,
)
# Not secrets: the reset view's own redirect targets.
_NOT_SECRETS = ("set-password", "done", "complete")


def redact(text: str) -> str:
    """``text`` with the secret part of every credential-bearing path and parameter replaced."""
    if "/" in text or "%2" in text:
        text = _SECRET_PATHS.sub(
            lambda m: (
                m.group(0) if m.group("secret") in _NOT_SECRETS else m.group("keep") + REDACTED
            ),
            text,
        )
    if "=" in text or "%3" in text:
        text = _SECRET_PARAMETERS.sub(lambda m: m.group("keep") + REDACTED, text)
    return text
