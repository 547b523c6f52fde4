"""The per-subscriber inbox: bounded, and a slow subscriber gets the latest, not a backlog."""

from __future__ import annotations

from api.live import Inbox


async def test_a_full_inbox_drops_the_oldest_messages_and_keeps_the_latest() -> None:
    inbox = Inbox(size=3)
    for number in range(10):
        inbox.put(f"state {number}")

    assert [await inbox.get(), *inbox.drain()] == ["state 7", "state 8", "state 9"]
    assert inbox.drain() == []
