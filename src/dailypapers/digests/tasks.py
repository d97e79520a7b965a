"""Digest tasks: arguments are ids, and running one twice sends nothing twice."""

from __future__ import annotations

from django_tasks import task

from dailypapers.digests import runs, sending


@task()
def check_digests() -> dict[str, int]:
    return runs.check()


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
