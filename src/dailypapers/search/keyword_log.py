"""The change log the embedded keyword index (keyword_index.py) follows: one row per change to
a paper's searchable text, written by triggers on papers_paper in the same transaction.

``search_keywordchange(seq, paper_id)``: ``seq`` only grows. The index records the last
sequence it applied; it is in step exactly when that is the log's largest sequence, and it
catches up by re-indexing the papers named after it (a paper no longer stored is deleted).

Commit order must be sequence order, or an index could record sequence 11 while the
transaction that took 10 has not committed yet, and miss it for ever. SQLite has one writer
at a time, so it is. On PostgreSQL the trigger takes a transaction-level advisory lock first,
so transactions that change papers' text commit one after another (ingest runs in one worker
anyway; votes and trending scores do not touch these columns and never take it).

Only real changes are logged (the WHEN clauses): an ingest that rewrites a paper's metadata
unchanged, or a vote, leaves the index in step.

Pruning keeps the row at its boundary: after ``prune(upto)`` every row above the smallest
kept sequence is there, so an index at sequence S can catch up when S >= smallest - 1.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from dailypapers.search.backends.common import PAPER_TABLE

LOG_TABLE = "search_keywordchange"
TEXT_COLUMNS = ("title", "author_names", "abstract", "categories", "announced_on", "has_code")
SQLITE_TRIGGERS = ("search_keyword_log_insert", "search_keyword_log_delete",
                   "search_keyword_log_update")  # fmt: skip
PG_FUNCTION = "search_keyword_log()"
PG_TRIGGER = "search_keyword_log"
# pg_advisory_xact_lock key: any constant no other code uses ("dpkwlog" in ASCII, truncated).
PG_LOCK_KEY = 0x64706B776C6F67
# Changes kept behind the index's sequence, so an index a little behind (a second web node,
# a restored folder) can still catch up instead of rebuilding.
KEEP = 100_000


def _changed(old: str, new: str, distinct: str) -> str:
    return " OR ".join(f"{old}.{column} {distinct} {new}.{column}" for column in TEXT_COLUMNS)


_LOG = f"INSERT INTO {LOG_TABLE}(paper_id) VALUES"
SQLITE_CREATE = (
    f"CREATE TRIGGER {SQLITE_TRIGGERS[0]} AFTER INSERT ON {PAPER_TABLE} BEGIN {_LOG} (new.id); END",
    f"CREATE TRIGGER {SQLITE_TRIGGERS[1]} AFTER DELETE ON {PAPER_TABLE} BEGIN {_LOG} (old.id); END",
    f"CREATE TRIGGER {SQLITE_TRIGGERS[2]} AFTER UPDATE ON {PAPER_TABLE} "
    f"WHEN {_changed('old', 'new', 'IS NOT')} BEGIN {_LOG} (new.id); END",
)
PG_CREATE = (
    f"""CREATE OR REPLACE FUNCTION {PG_FUNCTION} RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({PG_LOCK_KEY});
    IF TG_OP = 'DELETE' THEN
        {_LOG} (OLD.id);
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NOT ({_changed("OLD", "NEW", "IS DISTINCT FROM")}) THEN
        RETURN NEW;
    END IF;
    {_LOG} (NEW.id);
    RETURN NEW;
END $$""",
    f"CREATE TRIGGER {PG_TRIGGER} AFTER INSERT OR DELETE OR UPDATE ON {PAPER_TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}",
)


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in SQLITE_CREATE if connection.vendor == "sqlite" else PG_CREATE:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON {PAPER_TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}")


def repair(connection: BaseDatabaseWrapper) -> bool:
    """Put back the SQLite triggers a rebuild of papers_paper dropped; True if it did.

    The papers' text is unchanged by such a rebuild, so nothing is logged for it."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = %s OR type = 'trigger'",
                       [LOG_TABLE])  # fmt: skip
        found = {name for (name,) in cursor.fetchall()}
        if LOG_TABLE not in found or all(trigger in found for trigger in SQLITE_TRIGGERS):
            return False
    uninstall(connection)
    install(connection)
    return True


def last(cursor: CursorWrapper) -> int:
    """The largest sequence logged (0 for none): the state of the papers' text."""
    cursor.execute(f"SELECT seq FROM {LOG_TABLE} ORDER BY seq DESC LIMIT 1")
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def can_catch_up(cursor: CursorWrapper, applied: int) -> bool:
    """Whether every change after sequence ``applied`` is still in the log (see prune)."""
    cursor.execute(f"SELECT seq FROM {LOG_TABLE} ORDER BY seq LIMIT 1")
    row = cursor.fetchone()
    return row is None or applied >= int(row[0]) - 1


def changed_since(cursor: CursorWrapper, applied: int, upto: int) -> list[int]:
    """The papers changed after sequence ``applied`` up to ``upto``, each once."""
    cursor.execute(
        f"SELECT DISTINCT paper_id FROM {LOG_TABLE} WHERE seq > %s AND seq <= %s",
        [applied, upto],
    )
    return sorted(int(paper_id) for (paper_id,) in cursor.fetchall())


def prune(connection: BaseDatabaseWrapper, applied: int) -> int:
    """Forget changes more than KEEP sequences behind ``applied``, keeping the boundary row."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {LOG_TABLE} WHERE seq < "
            f"(SELECT MAX(seq) FROM {LOG_TABLE} WHERE seq <= %s)",
            [applied - KEEP],
        )
        return cursor.rowcount
