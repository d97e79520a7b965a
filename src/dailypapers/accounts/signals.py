"""Signals accounts sends; the apps above it connect to them in their AppConfig.ready()."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``user`` when control of the account changes hands: every credential made
# before (API tokens, feed addresses) must stop working. A receiver may return a short
# phrase for the log line ("2 API tokens").
credentials_revoked = Signal()
