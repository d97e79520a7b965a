"""The request slot shared through the database: each caller gets the next start, one
interval after the last one handed out, whichever process took it."""

from __future__ import annotations

import pytest

from dailypapers.thumbnails.gate import wait_for_turn
from dailypapers.thumbnails.models import RequestSlot

pytestmark = pytest.mark.django_db


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_callers_get_starts_one_interval_apart_and_sleep_until_theirs():
    fake = FakeTime(1000.0)
    starts = [wait_for_turn("arxiv", 3.0, sleep=fake.sleep, clock=fake.clock) for _ in range(3)]
    assert starts == [1000.0, 1003.0, 1006.0]
    assert fake.slept == [3.0, 3.0]


def test_a_start_another_process_took_is_waited_for():
    fake = FakeTime(1000.0)
    RequestSlot.objects.create(name="arxiv", last_start_us=1_001_500_000)  # taken at 1001.5
    assert wait_for_turn("arxiv", 3.0, sleep=fake.sleep, clock=fake.clock) == 1004.5
    assert fake.slept == [4.5]


def test_a_caller_after_a_quiet_spell_starts_at_once():
    fake = FakeTime(1000.0)
    RequestSlot.objects.create(name="arxiv", last_start_us=900_000_000)
    assert wait_for_turn("arxiv", 3.0, sleep=fake.sleep, clock=fake.clock) == 1000.0
    assert fake.slept == []
    assert RequestSlot.objects.get(name="arxiv").last_start_us == 1_000_000_000


def test_no_interval_touches_no_row():
    assert wait_for_turn("arxiv", 0.0) > 0
    assert not RequestSlot.objects.exists()
