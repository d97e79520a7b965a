"""One SMTP connection per worker process, reused across digests, and what failures mean.

Opening a connection (and TLS, and AUTH) costs far more than sending one message, so the
connection stays open between messages and chunks; it is reopened once when the server
has closed it meanwhile. Failures are sorted into temporary ones (4xx replies, a lost or
refused connection: retry later) and permanent ones (5xx). Only a 5xx to RCPT TO says the
address is not deliverable (a bounce, counted against the subscriber); a 5xx to our own
MAIL FROM or login is our configuration's fault and is retried like an outage, and a 5xx
to the message itself fails that one delivery without blaming the address.

With no SMTP server configured (the outbox email backend), messages are kept in the local
outbox instead, exactly as they would have been sent.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import time

from django.conf import settings

from dailypapers.mail import outbox


class TemporaryFailure(Exception):
    """Try again later: the server said 4xx, or could not be reached."""


class SenderRefused(TemporaryFailure):
    """The server refused our sender address or wants a login (5xx to MAIL FROM, or 530):
    every message would fail the same way until the settings are fixed."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx)."""


class RecipientRefused(PermanentFailure):
    """The server refused the recipient's address for good (5xx to RCPT TO): a bounce."""


AUTH_REQUIRED = 530


def _code_of(exc: smtplib.SMTPException) -> int:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return max(codes) if codes else 0
    return int(getattr(exc, "smtp_code", 0) or 0)


def _classify(exc: smtplib.SMTPException) -> Exception:
    code = _code_of(exc)
    text = f"{code or 'SMTP'} {exc}"
    if not 500 <= code < 600:
        return TemporaryFailure(text)
    if code == AUTH_REQUIRED or isinstance(exc, smtplib.SMTPSenderRefused):
        return SenderRefused(text)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return RecipientRefused(text)
    return PermanentFailure(text)


class Mailer:
    """Sends raw messages over a kept-open connection, at most ``rate`` a second."""

    def __init__(self) -> None:
        self._connection: smtplib.SMTP | None = None
        self._settings_key: tuple | None = None
        self._last_send = 0.0

    def _key(self) -> tuple:
        return (
            settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_SSL,
            settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD,
        )  # fmt: skip

    def _open(self) -> smtplib.SMTP:
        key = self._key()
        if self._connection is not None and self._settings_key == key:
            return self._connection
        self.close()
        host, port, use_ssl, use_tls, user, password = key
        timeout = settings.EMAIL_TIMEOUT
        try:
            if use_ssl:
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                connection = smtplib.SMTP(host, port, timeout=timeout)
                if use_tls:
                    connection.starttls(context=ssl.create_default_context())
            if user:
                connection.login(user, password)
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"cannot connect to {host}:{port}: {exc}") from exc
        self._connection, self._settings_key = connection, key
        return connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (OSError, smtplib.SMTPException):
                self._connection.close()
            self._connection = None

    def _pace(self) -> None:
        rate = settings.DIGEST_SEND_RATE
        if rate > 0:
            wait = self._last_send + 1.0 / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_send = time.monotonic()

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Send one message; raises TemporaryFailure or PermanentFailure (or their kinds)."""
        if outbox.enabled():
            try:
                outbox.write(message, recipient)
            except OSError as exc:  # a full or read-only disk: try again later
                raise TemporaryFailure(f"cannot write to the outbox: {exc}") from exc
            return
        self._pace()
        for attempt in (1, 2):
            connection = self._open()
            try:
                connection.sendmail(sender, [recipient], message)
                return
            except smtplib.SMTPServerDisconnected as exc:
                # A kept connection the server closed while idle: reopen once and retry.
                self._connection = None
                if attempt == 2:
                    raise TemporaryFailure(f"connection lost: {exc}") from exc
            except smtplib.SMTPException as exc:
                self._reset(connection)
                raise _classify(exc) from exc
            except OSError as exc:
                self.close_quietly()
                raise TemporaryFailure(f"connection error: {exc}") from exc

    def _reset(self, connection: smtplib.SMTP) -> None:
        try:
            connection.rset()
        except (OSError, smtplib.SMTPException):
            self.close_quietly()

    def close_quietly(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


_local = threading.local()


def mailer() -> Mailer:
    """This thread's mailer: a worker handles chunk after chunk with one connection."""
    current = getattr(_local, "mailer", None)
    if current is None:
        current = _local.mailer = Mailer()
    return current
