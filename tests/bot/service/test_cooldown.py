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


def test_the_user_map_forgets_idle_users_and_stays_bounded() -> None:
    now = [0.0]
    cooldown = Cooldown(rate=2, per=10, clock=lambda: now[0], max_users=100)
    for user in range(50):
        cooldown.hit(user)
    assert len(cooldown) == 50
    now[0] = 11  # everyone's last question has left the window
    cooldown.hit(999)
    assert len(cooldown) == 1
    for user in range(1000):  # a burst of distinct users inside one window
        now[0] += 0.001
        cooldown.hit(user)
    assert len(cooldown) == 100
    cooldown.hit(999)
    assert cooldown.hit(999) > 0  # a recent, busy user is still limited


def test_hits_from_many_threads_never_exceed_the_rate() -> None:
    import threading

    cooldown = Cooldown(rate=3, per=60, max_users=5)
    allowed: list[float] = []

    def ask(user: int) -> None:
        for _ in range(50):
            if cooldown.hit(user) == 0:
                allowed.append(user)

    threads = [threading.Thread(target=ask, args=(u % 4,)) for u in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(allowed) == sorted([0, 1, 2, 3] * 3)
