"""A real SMTP server on loopback that keeps what it receives, for tests.

Tests send mail through Django's SMTP backend to this sink, so the message they inspect is
the one a mail server would get: headers, MIME parts and encodings included.
"""

from __future__ import annotations

import email
import email.policy
import errno
import logging
import socket
import threading
import time
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class _Collector:
    """aiosmtpd handler: hands each message to the sink and accepts it."""

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        self._sink._receive(envelope.mail_from, list(envelope.rcpt_tos), raw)
        return "250 Message accepted for delivery"


class SmtpSink:
    """SMTP server on 127.0.0.1 and a free port; ``messages`` holds what arrived, in order.

    Use it as a context manager, or call ``start()`` and ``stop()``. The server runs in a
    thread of its own, so a test's own thread can send to it and then ``wait_for`` delivery.
    """

    def __init__(self, *, ready_timeout: float = 5.0) -> None:
        self._ready_timeout = ready_timeout
        self._controller: Controller | None = None
        self._messages: list[EmailMessage] = []
        self._envelopes: list[tuple[str, list[str]]] = []
        self._arrived = threading.Condition()
        self.port = 0

    def start(self) -> SmtpSink:
        if self._controller is not None:
            raise RuntimeError("the SMTP sink is already running")
        # aiosmtpd logs every SMTP command at INFO, which buries a failing test's output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        # The port is probed, then bound by aiosmtpd: another process may take it in
        # between, so a few tries make that race harmless.
        for attempt in range(5):
            port = _free_port()
            controller = Controller(
                _Collector(self), hostname=HOST, port=port, ready_timeout=self._ready_timeout
            )
            try:
                controller.start()
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or attempt == 4:
                    raise
                controller.stop(no_assert=True)
                continue
            self._controller, self.port = controller, port
            return self
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _receive(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self._messages.append(message)
            self._envelopes.append((mail_from, rcpt_tos))
            self._arrived.notify_all()

    @property
    def messages(self) -> list[EmailMessage]:
        """A snapshot of the messages received so far (the server may still add more)."""
        with self._arrived:
            return list(self._messages)

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        """(MAIL FROM, RCPT TO list) per message, in the order of ``messages``: shows Bcc."""
        with self._arrived:
            return list(self._envelopes)

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait until at least ``count`` messages have arrived; fail clearly if they don't."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} message(s) within {timeout} s, got {len(self._messages)}"
                    )
                self._arrived.wait(left)
            return list(self._messages)

    def clear(self) -> None:
        with self._arrived:
            self._messages.clear()
            self._envelopes.clear()
