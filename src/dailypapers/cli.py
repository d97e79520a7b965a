"""The `dailypapers` console script: every operator task, as Django management commands."""

from __future__ import annotations

import os
import sys

from dailypapers.lib.env import EnvError


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["dailypapers", *(argv if argv is not None else sys.argv[1:])])
    except EnvError as exc:
        # A configuration mistake deserves one clear line, not a traceback.
        print(f"dailypapers: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
