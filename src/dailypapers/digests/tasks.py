"""Digest tasks: arguments are ids, and running one twice sends nothing twice."""

from __future__ import annotations

from django_tasks import task

from dailypapers.digests import claims, runs, sending


@task()
def check_digests() -> dict[str, int]:
    # What a dead worker of this machine held goes back first, so this same check
    # queues it again (instead of waiting DIGEST_LEASE_SECONDS for the lease to expire).
    reclaimed = claims.reclaim_from_dead_workers()
    return {**runs.check(), "reclaimed": reclaimed}


@task()
def send_digest_chunk(run_id: int, delivery_ids: list[int]) -> dict[str, object]:
    return sending.send_chunk(run_id, delivery_ids).as_dict()


@task()
def send_subscription_email(subscriber_id: int, kind: str) -> bool:
    from dailypapers.digests.models import Subscriber
    from dailypapers.digests.subscriptions import send_subscription_email as send

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    send(subscriber, kind)
    return True
