"""Backups and restore: `dailypapers backup PATH` and `dailypapers restore PATH [--force]`.

A backup is two files:

- ``PATH``: the database. On SQLite a SQLite file (rollback-journal mode, integrity-checked);
  on PostgreSQL a ``pg_dump --format=custom`` archive.
- ``PATH.data.tar``: what the data folder holds that cannot be rebuilt: the generated
  ``secret_key`` (signed digest, feed and unsubscribe links stop working without it), the
  local mail ``outbox/`` and ``imported-samples.json``, plus ``manifest.json`` (when, what,
  how big).

Everything else under DATA_DIR is rebuilt from the database and left out: the vector index
copy (``vectors/``: ``dailypapers embed``), the keyword index (``keyword-index/``:
``dailypapers keyword_index``), the cache, the derived ONNX model (``models/``) and collected
static files (``dailypapers collectstatic``).
"""
