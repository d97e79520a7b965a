"""Configuration and I/O errors end a command with one line, not a traceback."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers.testing.commands import run_dailypapers

SAMPLE = Path(__file__).parent / "fixtures" / "kaggle_five_papers.jsonl"
UNREACHABLE_POSTGRES = "postgres://postgres@127.0.0.1:9/dailypapers"


def one_line(result: subprocess.CompletedProcess) -> str:
    """The error, alone on stderr (stdout may show progress made before it)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize(
    "args", [["migrate"], ["ingest", "jsonl", str(SAMPLE)], ["run", "--port", "0"]]
)
def test_an_unreachable_postgresql_is_one_line(tmp_path, args):
    line = one_line(run_dailypapers(args, tmp_path, DATABASE_URL=UNREACHABLE_POSTGRES))
    assert line.startswith("dailypapers: database error:") and "127.0.0.1" in line


def test_a_sqlite_url_in_a_missing_folder_is_an_error_naming_it(tmp_path):
    missing = tmp_path / "no-such-folder"
    line = one_line(
        run_dailypapers(["migrate"], tmp_path, DATABASE_URL=f"sqlite:///{missing}/db.sqlite3")
    )
    assert str(missing) in line and "does not exist" in line
    assert not missing.exists()


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[callable]:
    """A tmpfs mounted for this test (needs root); unmounted afterwards."""
    mounted: list[Path] = []

    def make(options: str) -> Path:
        target = tmp_path / f"mnt{len(mounted)}"
        target.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip("mounting a tmpfs needs root")
        mounted.append(target)
        return target

    yield make
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_a_read_only_data_folder_is_one_line(tmp_path, mount):
    data = mount("size=1m,ro")
    line = one_line(run_dailypapers(["migrate"], data / "var"))
    assert "Read-only file system" in line and str(data) in line


def test_a_full_disk_is_one_line(tmp_path, mount):
    data = mount("size=64k")
    line = one_line(run_dailypapers(["migrate"], data, SECRET_KEY="x" * 50))
    assert "full" in line or "No space left" in line


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:  # full
            pass


def test_collectstatic_on_a_full_disk_keeps_run_going_when_static_files_exist(mount, settings):
    from io import StringIO

    from django.core.management.base import CommandError, OutputWrapper

    from dailypapers.papers.management.commands.run import Command as RunCommand

    static = mount("size=256k")
    settings.STATIC_ROOT = static
    _fill(static)
    out = StringIO()
    command = RunCommand(stdout=OutputWrapper(out))
    with pytest.raises(CommandError, match=f"cannot collect static files into {static}"):
        command._collect_static()

    for entry in static.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    (static / "staticfiles.json").write_text("{}")  # collected before
    _fill(static)
    command._collect_static()
    assert "serving the static files collected before" in out.getvalue()
