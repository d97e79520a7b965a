"""Load for bench/backup.py: one process reading or writing the store until a stop file appears.

    python bench/backup_load.py read|write STOP_FILE RESULT_FILE RATE

RATE: operations per second this process aims at (0: as fast as it can).

``read``: a random paper with its authors and categories, then one day's listing (the
queries of a paper page and a day page). ``write``: per transaction, a new member, their
vote on a random paper and their comment (what the site's community writes). The result
file gets the completion time of every operation and every error's first line.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path


def main() -> None:
    mode, stop_file, result_file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    rate = float(sys.argv[4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    import django

    django.setup()
    from django.db import transaction

    from dailypapers.accounts.models import User
    from dailypapers.feed.models import Comment, Vote
    from dailypapers.papers.models import Paper

    ids = list(Paper.objects.values_list("id", flat=True))
    days = list(Paper.objects.exclude(announced_on=None).values_list("announced_on", flat=True)
                .distinct()[:200])  # fmt: skip
    rng = random.Random(os.getpid())
    done: list[float] = []
    errors: list[str] = []
    written: list[tuple[str, float]] = []
    next_at = time.monotonic()
    while not stop_file.exists():
        if rate:
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.monotonic()))
        try:
            if mode == "read":
                paper = Paper.objects.prefetch_related("authors").get(id=rng.choice(ids))
                list(paper.authors.all())
                list(Paper.objects.filter(announced_on=rng.choice(days)).order_by("-id")[:30])
            else:
                email = f"bench-{os.getpid()}-{len(done)}@example.org"
                with transaction.atomic():
                    member = User.objects.create_user(email, None)
                    paper_id = rng.choice(ids)
                    Vote.objects.create(user=member, paper_id=paper_id)
                    Comment.objects.create(paper_id=paper_id, author=member, body="bench",
                                           body_html="<p>bench</p>")  # fmt: skip
                written.append((email, time.time()))
            done.append(time.time())
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    result_file.write_text(json.dumps({"mode": mode, "done": done, "errors": errors,
                                       "written": written}))  # fmt: skip


if __name__ == "__main__":
    main()
