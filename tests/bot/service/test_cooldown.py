from __future__ import annotations

import pytest

from bot.service.cooldown import Cooldown


def test_allows_rate_per_window_per_user_then_reports_the_wait() -> None:
    now = [0.0]
    cooldown = Cooldown(rate=2, per=10, clock=lambda: now[0])
    assert cooldown.hit(1) == 0 and cooldown.hit(1) == 0
    now[0] = 4
    assert cooldown.hit(1) == pytest.approx(6)
    assert cooldown.hit(2) == 0  # other users are unaffected
    now[0] = 10
    assert cooldown.hit(1) == 0  # the first hit left the window
    cooldown.reset(1)
    assert cooldown.hit(1) == 0 and cooldown.hit(1) == 0


def test_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        Cooldown(rate=0)
