"""`dailypapers digest preview EMAIL | send [--dry-run] | status`: digests for operators."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dailypapers.digests import runs, sending
from dailypapers.digests.models import DigestRun, Subscriber
from dailypapers.digests.render import DigestRenderer
from dailypapers.digests.schedule import hour_slot
from dailypapers.digests.selection import RunPapers, SubscriberChoice, choose

SHOWN = 20


def _choice(subscriber: Subscriber) -> SubscriberChoice:
    row = {name: getattr(subscriber, name) for name in SubscriberChoice.FIELDS if name != "id"}
    return SubscriberChoice.from_row({**row, "id": subscriber.pk})


def _draft_run() -> DigestRun:
    """A run as the next one would be, never saved (pk 0 keeps link building working)."""
    now = timezone.now()
    return DigestRun(pk=0, slot=hour_slot(now), latest_day=runs.latest_announcement_day())


class Command(BaseCommand):
    help = "Preview a subscriber's next digest, send the due digests now, or list recent runs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        preview = commands.add_parser("preview", help="show the digest EMAIL would get now")
        preview.add_argument("email")
        preview.add_argument("--html", type=Path, help="also write the HTML part to this file")
        send = commands.add_parser("send", help="send every due digest now, in this process")
        send.add_argument(
            "--dry-run", action="store_true", help="say who would get what; send and store nothing"
        )
        commands.add_parser("status", help="recent runs and their deliveries")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action'].replace('-', '_')}")(options)

    def _preview(self, options: dict[str, Any]) -> None:
        subscriber = Subscriber.objects.filter(email__iexact=options["email"].strip()).first()
        if subscriber is None:
            raise CommandError(f"no subscriber with the address {options['email']}")
        run = _draft_run()
        papers = RunPapers(run)
        choice = _choice(subscriber)
        sent = sending._load_sent([subscriber.pk], papers).get(subscriber.pk, set())
        paper_ids = choose(choice, papers, sent)
        state = "receives mail" if subscriber.receives_mail else "gets NO mail now"
        self.stdout.write(
            f"{subscriber.email}: {subscriber.frequency}, {subscriber.content}, {state}"
        )
        if not paper_ids:
            self.stdout.write("nothing new to send: no email would go out")
            return
        digest = DigestRenderer(run, papers).render(choice, paper_ids)
        self.stdout.write(f"Subject: {digest.subject}\n")
        self.stdout.write(digest.text)
        if options["html"]:
            options["html"].write_text(digest.html, encoding="utf-8")
            self.stdout.write(f"HTML written to {options['html']}")

    def _send(self, options: dict[str, Any]) -> None:
        now = timezone.now()
        if options["dry_run"]:
            self._dry_run(now)
            return
        if not runs.due_subscribers(now).exists():
            self.stdout.write("no subscriber is due")
        else:
            run, _ = DigestRun.objects.get_or_create(
                slot=hour_slot(now), defaults={"latest_day": runs.latest_announcement_day()}
            )
            delivery_ids = runs.plan(run, now, fan_out=False)
            self.stdout.write(f"{run}: {len(delivery_ids):,} deliveries planned")
            for start in range(0, len(delivery_ids), 500):
                report = sending.send_chunk(run.pk, delivery_ids[start : start + 500])
                self.stdout.write(
                    f"  sent {report.sent}, nothing new {report.empty}, retry later "
                    f"{report.retrying}, failed {report.failed}, cancelled {report.cancelled}"
                )
            runs.finish_if_done(run, timezone.now())
            self.stdout.write(f"{run}: {runs.summary(run)}")

    def _dry_run(self, now) -> None:
        run = _draft_run()
        papers = RunPapers(run)
        due = list(runs.due_subscribers(now).order_by("pk"))
        sent = sending._load_sent([s.pk for s in due], papers)
        would_send = 0
        for index, subscriber in enumerate(due):
            paper_ids = choose(_choice(subscriber), papers, sent.get(subscriber.pk, set()))
            would_send += bool(paper_ids)
            if index < SHOWN:
                what = (
                    f"{len(paper_ids)} paper{'s' if len(paper_ids) > 1 else ''}, "
                    f"top: {papers.by_id[paper_ids[0]].title[:60]}"
                    if paper_ids
                    else "nothing new, no email"
                )
                self.stdout.write(f"{subscriber.email}: {what}")
        if len(due) > SHOWN:
            self.stdout.write(f"… and {len(due) - SHOWN:,} more")
        self.stdout.write(
            f"dry run: {len(due):,} subscribers due, {would_send:,} digests would be sent "
            f"(newest papers from {run.latest_day}); nothing was sent or stored"
        )

    def _status(self, options: dict[str, Any]) -> None:
        recent = DigestRun.objects.order_by("-slot")[:10]
        if not recent:
            self.stdout.write("no digest run yet")
        for run in recent:
            done = f"finished {run.finished_at:%H:%M:%S}" if run.finished_at else "in progress"
            counts = ", ".join(f"{k} {v:,}" for k, v in runs.summary(run).items() if v)
            self.stdout.write(f"{run} ({done}): {counts or 'no deliveries'}")
