"""Automatic summaries and key phrases of papers (issue 12, item 2).

Every paper gets 5-8 key phrases and a one- or two-sentence summary, extracted from its
title and abstract by lib/extractive.py (no network, no model). The map:

- models.py: ``AutoSummary``, one row per paper, and what it was made from.
- store.py: compute and write rows in bulk (what the task, the job and the command share).
- read.py: what pages and the API show: the stored row, else computed on read (not stored).
- tasks.py: queued after each import (papers.signals.papers_imported), ids in, idempotent.
- jobs.py: a periodic back-fill of papers still without a row, or with a stale one.
- abstractive.py: optional summaries from an OpenAI-compatible endpoint (SUMMARY_API_URL).
- management/commands/summarize.py: ``dailypapers summarize [--all]``.
"""
