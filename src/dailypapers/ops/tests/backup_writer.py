"""A second process writing while a backup runs: ``python -m dailypapers.ops.tests.backup_writer``.

Each transaction adds a member w{i}, their vote, their comment "c{i}" and a subscriber
s{i}; after its commit the line ``i <time.time()>`` is printed, so the test knows what was
committed and when. Stops when its standard input closes.
"""

from __future__ import annotations

import os
import sys
import threading
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    import django

    django.setup()
    from django.db import transaction

    from dailypapers.feed.models import Comment, Vote
    from dailypapers.testing.factories import make_paper, make_subscriber, make_user

    paper = make_paper("2501.99999")
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    print("ready", flush=True)
    number = 0
    while not stop.is_set():
        with transaction.atomic():
            member = make_user(f"w{number}@example.org", password=None)  # type: ignore[arg-type]
            Vote.objects.create(user=member, paper=paper)
            Comment.objects.create(paper=paper, author=member, body=f"c{number}",
                                   body_html=f"<p>c{number}</p>")  # fmt: skip
            make_subscriber(f"s{number}@example.org")
        print(number, time.time(), flush=True)
        number += 1


if __name__ == "__main__":
    main()
