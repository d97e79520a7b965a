"""A Django email backend that keeps each message in the local outbox instead of sending it."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from dailypapers.mail import outbox


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        kept = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            raw = message.message().as_bytes(linesep="\n")
            try:
                outbox.write(raw, recipients[0], str(message.subject))
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            kept += 1
        return kept
