"""PhaseTimer adds each phase's seconds to the caller's dict, even when the phase raises."""

from __future__ import annotations

import pytest

from dailypapers.lib.phases import PhaseTimer


def test_seconds_add_up_per_phase_and_a_raising_phase_is_still_counted():
    seconds = {"send": 1.0}
    timer = PhaseTimer(seconds)
    with timer.phase("send"):
        pass
    with pytest.raises(RuntimeError), timer.phase("render"):
        raise RuntimeError("broken template")
    assert seconds["send"] >= 1.0
    assert set(seconds) == {"send", "render"} and seconds["render"] >= 0.0
