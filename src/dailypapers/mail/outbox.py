"""The local outbox: where mail goes when no SMTP server is configured.

Each message is one ``.eml`` file (the exact bytes an SMTP server would have received)
under ``$DATA_DIR/outbox/``, named so that a directory listing reads as a mail log:
``<UTC time>-<recipient>-<subject>-<random>.eml``. Files are written to a temporary name
and renamed, so a reader never sees half a message. Both Django's mail framework (through
``OutboxBackend``) and the digest sender's kept-open SMTP layer write here.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

OUTBOX_BACKEND = "dailypapers.mail.backend.OutboxBackend"
STAFF_PAGE = "/staff/outbox/"
_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[A-Za-z0-9@._+-]{1,80}-[a-z0-9-]{0,60}-[0-9a-f]{6}\.eml$")


def enabled() -> bool:
    """True when mail is kept in the outbox instead of being sent (no SMTP configured)."""
    return settings.EMAIL_BACKEND == OUTBOX_BACKEND


def folder() -> Path:
    return Path(settings.DATA_DIR) / "outbox"


def file_name(recipient: str, subject: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_TIME_FORMAT)
    who = re.sub(r"[^A-Za-z0-9@._+-]", "_", recipient)[:80] or "nobody"
    what = slugify(subject)[:60].strip("-")
    return f"{stamp}-{who}-{what}-{secrets.token_hex(3)}.eml"


def write(raw: bytes, recipient: str, subject: str | None = None) -> Path:
    """Keep one message; ``subject`` is read from ``raw`` when not given."""
    if subject is None:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        subject = str(headers.get("Subject", ""))
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    path = target / file_name(recipient, subject)
    # mkstemp makes the file readable by its owner only: messages hold sign-in links.
    handle, temporary = tempfile.mkstemp(dir=target, prefix=".writing-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(raw)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class Entry:
    name: str
    kept_at: datetime
    to: str
    subject: str


@dataclass(frozen=True)
class Message:
    entry: Entry
    sender: str
    text: str | None
    html: str | None


def _kept_at(name: str) -> datetime:
    return datetime.strptime(name.split("-", 1)[0], _TIME_FORMAT).replace(tzinfo=UTC)


def _path_of(name: str) -> Path | None:
    if not _NAME.match(name):
        return None  # also refuses any path separator or "..": names only
    path = folder() / name
    return path if path.is_file() else None


def entries(limit: int = 500) -> list[Entry]:
    """The newest ``limit`` messages, newest first."""
    if not folder().is_dir():
        return []
    names = sorted((p.name for p in folder().iterdir() if _NAME.match(p.name)), reverse=True)
    found = []
    parser = BytesHeaderParser(policy=policy.default)
    for name in names[:limit]:
        with (folder() / name).open("rb") as stream:
            headers = parser.parse(stream)
        found.append(
            Entry(name, _kept_at(name), str(headers.get("To", "")), str(headers.get("Subject", "")))
        )
    return found


def _part(message: EmailMessage, kind: str) -> str | None:
    body = message.get_body(preferencelist=(kind,))
    if body is None:
        return None
    content = body.get_content()
    return content if isinstance(content, str) else None


def read(name: str) -> Message | None:
    """One message by file name; None for a name that is not an outbox message."""
    path = _path_of(name)
    if path is None:
        return None
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    entry = Entry(name, _kept_at(name), str(message.get("To", "")), str(message["Subject"] or ""))
    sender = str(message.get("From", ""))
    return Message(entry, sender, _part(message, "plain"), _part(message, "html"))


def where_mail_goes() -> str:
    """One line for the start banner: where this instance's mail goes."""
    if enabled():
        try:
            shown = folder().relative_to(Path.cwd())
        except ValueError:
            shown = folder()
        return f"mail: no SMTP configured, messages are kept in {shown}/ (staff: {STAFF_PAGE})"
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return f"mail: sent over SMTP via {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"mail: sent by {settings.EMAIL_BACKEND}"
