"""kernel.recent.Recent: bounded by size (least recently used out first) and by age."""

from __future__ import annotations

from kernel.recent import Recent


def test_the_least_recently_used_entry_goes_first() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # "a" is now the most recently used
    recent.put("c", 3)
    assert recent.get("b") is None
    assert (recent.get("a"), recent.get("c"), len(recent)) == (1, 3, 2)


def test_an_entry_older_than_its_ttl_is_gone_and_a_new_put_starts_again() -> None:
    now = [0.0]
    recent: Recent[str, bool] = Recent(10, ttl=60.0, clock=lambda: now[0])
    recent.put("anna", True)
    now[0] = 59.9
    assert recent.get("anna") is True
    now[0] = 60.0
    assert recent.get("anna") is None and len(recent) == 0
    recent.put("anna", True)
    now[0] = 119.0
    assert recent.get("anna") is True, "measured from the last put"
