"""Progress of a long copy on the terminal (rich), and nothing when output is not one."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)


@contextlib.contextmanager
def byte_progress(label: str, enabled: bool) -> Iterator[Callable[[int, int | None], None]]:
    """Yield ``tick(done_bytes, total_bytes_or_None)``."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda _done, _total: None
        return
    columns = (SpinnerColumn(), TextColumn(label), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)

        def tick(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield tick
