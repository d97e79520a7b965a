"""Ingest: one normalise → validate → upsert pipeline fed by four sources.

Stages, one module each: ``normalize`` (clean + validate), ``merge`` (what a newer or
older record may change), ``upsert`` (what a batch inserts or updates, in one
transaction), ``writes`` (its raw inserts, per database), ``pipeline``
(drives the stages and counts), and one module per source: ``jsonl``, ``api``, ``oai``,
``rss``.
"""
