"""PostgreSQL: ``pg_dump --format=custom`` to back up, ``pg_restore`` to restore.

pg_dump works from one snapshot taken as it starts, so a backup holds every transaction
committed before it began, and the site keeps serving reads and writes meanwhile. A restore
replays the archive as a single transaction (pg_restore's script through psql with
ON_ERROR_STOP): a damaged archive or a failure halfway leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dailypapers.ops.backup.layout import BackupError

# bytes written or read so far
Progress = Callable[[int], None]
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
CLIENT_PACKAGE = "postgresql-client (Debian/Ubuntu) of the server's major version"
# Drops what the archive does not know (tables of a newer schema), inside the same transaction.
DROP_EVERY_TABLE = """
DO $$
DECLARE name text;
BEGIN
  FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', name);
  END LOOP;
END $$;
"""


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed or not on PATH: install {CLIENT_PACKAGE}")
    return found


def client_environment(database: Mapping[str, Any]) -> dict[str, str]:
    """libpq's variables for the configured database: no password on a command line."""
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):  # fmt: skip
        value = database.get(key)
        if value:
            env[variable] = str(value)
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            return line
    return lines[0] if lines else "no message"


def _explain(program: str, stderr: str) -> str:
    line = _first_error(stderr)
    if "version mismatch" in line or "unsupported version" in line:
        version = re.search(r"server version: (\d+)", stderr)
        wanted = f"postgresql-client-{version.group(1)}" if version else CLIENT_PACKAGE
        return f"{program} does not match the server: {line} (install {wanted})"
    return f"{program} failed: {line}"


def _watch(process: subprocess.Popen[bytes], measure: Callable[[], int],
           on_progress: Progress | None) -> None:  # fmt: skip
    while process.poll() is None:
        if on_progress is not None:
            on_progress(measure())
        time.sleep(0.2)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def backup(database: Mapping[str, Any], target: Path, on_progress: Progress | None = None) -> int:
    """Dump the configured database to ``target``; its size in bytes."""
    pg_dump, pg_restore = tool("pg_dump"), tool("pg_restore")
    env = client_environment(database)
    scratch = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        command = [pg_dump, "--format=custom", f"--file={scratch}", str(database["NAME"])]
        with subprocess.Popen(command, env=env, stderr=subprocess.PIPE) as process:
            _watch(process, lambda: _size(scratch), on_progress)
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if process.returncode != 0:
            raise BackupError(_explain("pg_dump", stderr))
        listed = subprocess.run([pg_restore, "--list", str(scratch)], env=env,
                                capture_output=True, text=True)  # fmt: skip
        if listed.returncode != 0:
            raise BackupError(f"the dump does not read back: {_first_error(listed.stderr)}")
        scratch.chmod(0o600)
        os.replace(scratch, target)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    return _size(target)


def tables_with_rows(connection: Any) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            if name in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(name)})")
            if cursor.fetchone()[0]:
                found.append(name)
    return found


def restore(database: Mapping[str, Any], backup_file: Path,
            on_progress: Progress | None = None) -> None:  # fmt: skip
    pg_restore, psql = tool("pg_restore"), tool("psql")
    env = client_environment(database)
    listed = subprocess.run([pg_restore, "--list", str(backup_file)], env=env,
                            capture_output=True, text=True)  # fmt: skip
    if listed.returncode != 0:
        raise BackupError(
            f"{backup_file} is damaged or unreadable ({_explain('pg_restore', listed.stderr)});"
            " nothing was changed"
        )
    script = [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-acl", "--file=-",
              str(backup_file)]  # fmt: skip
    apply = [psql, "--quiet", "--no-psqlrc", "--single-transaction", "--set=ON_ERROR_STOP=1",
             "--output=/dev/null", str(database["NAME"])]  # fmt: skip
    quiet = {**env, "PGOPTIONS": "-c client_min_messages=warning"}  # no NOTICE per DROP
    with (
        subprocess.Popen(script, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as dump,
        subprocess.Popen(apply, env=quiet, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as sql,
    ):
        assert dump.stdout is not None and sql.stdin is not None
        sent = 0
        try:
            sql.stdin.write(DROP_EVERY_TABLE.encode())
            while chunk := dump.stdout.read(1 << 20):
                sql.stdin.write(chunk)
                sent += len(chunk)
                if on_progress is not None:
                    on_progress(sent)
        except BrokenPipeError:
            pass  # psql stopped at an error: its message says which
        if dump.wait() != 0:
            # A truncated script must not be committed: psql killed before the end of its
            # input never reaches COMMIT, and the server rolls the transaction back.
            sql.kill()
        with contextlib.suppress(BrokenPipeError):
            sql.stdin.close()
        dump_errors = dump.stderr.read().decode(errors="replace") if dump.stderr else ""
        sql_errors = sql.stderr.read().decode(errors="replace") if sql.stderr else ""
    if dump.returncode != 0:
        raise BackupError(
            f"{backup_file} is damaged ({_explain('pg_restore', dump_errors)}); nothing was changed"
        )
    if sql.returncode != 0:
        raise BackupError(f"the restore was rolled back: {_first_error(sql_errors)}")
