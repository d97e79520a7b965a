"""The exact-title key in SQL, for an expression index on both databases.

LOWER of the title without the characters of lib.named_paper.TITLE_KEY_DROPPED: computed
by the database, so no stored column has to be kept in step by every write path (the
ingest writes rows with raw SQL and COPY). The characters are inlined as literals, never
sent as parameters: SQLite uses an index on an expression only when the query's
expression is the same, and a bound parameter is not the same as a literal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Func, TextField

from dailypapers.lib.named_paper import TITLE_KEY_DROPPED

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class TitleKey(Func):
    """``TitleKey("title")``: compare with lib.named_paper.title_keys(text)."""

    arity = 1
    output_field = TextField()

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        sql, params = compiler.compile(self.source_expressions[0])
        for char in TITLE_KEY_DROPPED:  # SQLite has no TRANSLATE
            sql = f"REPLACE({sql}, {_literal(char)}, '')"
        return f"LOWER({sql})", list(params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, {_literal(TITLE_KEY_DROPPED)}, ''))", list(params)
