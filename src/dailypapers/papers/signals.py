"""Signals the paper store sends. Other apps listen; the papers app imports none of them
(search embeds what was imported: search/apps.py connects the receiver)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent when an import finishes (IngestReport.finish), by its source ("jsonl", "rss", …),
# with ``count`` (how many papers are new or updated) and ``ids`` (their ids, or [] where
# the source did not keep them, as bulk files do to save memory).
# Receivers run after the import's writes and must only queue work, not do it.
papers_imported = Signal()
