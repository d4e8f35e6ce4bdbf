"""The ingestion gate (streams/ingest/emit.py): paused for a reason until that reason is
lifted, and closed while the pipeline's backlog is at its bound, counting what it lets in."""

from __future__ import annotations

import asyncio

from streams.ingest.emit import GatedSink, IngestGate


class Recorded:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        self.sent.append(key)


async def test_the_gate_lets_in_at_most_the_backlog_bound() -> None:
    gate = IngestGate(max_backlog=3)
    sink = GatedSink(Recorded(), gate)
    sends = [asyncio.create_task(sink.send("t", b"%d" % i, b"")) for i in range(5)]
    await asyncio.sleep(0.05)
    assert sum(task.done() for task in sends) == 3 and gate.backlog == 3
    assert gate.pending == 0  # all three acknowledged
    # the probe finds one of them taken by the pipeline: one more place
    gate.measured(2, pending_before=0, entered_before=gate.entered)
    await asyncio.sleep(0.05)
    assert sum(task.done() for task in sends) == 4 and gate.backlog == 3
    gate.measured(0, pending_before=0, entered_before=gate.entered)
    await asyncio.gather(*sends)
    assert gate.backlog == 1 and gate.entered == 5


async def test_what_entered_during_a_probe_is_counted_on_top_of_its_lag() -> None:
    gate = IngestGate(max_backlog=10)
    assert await gate.enter()  # not yet acknowledged when the probe starts
    pending, entered = gate.pending, gate.entered
    assert await gate.enter()  # let in while the probe waits for the broker
    gate.sent()
    gate.sent()
    gate.measured(0, pending, entered)  # the lag has neither of them yet
    assert gate.backlog == 2


async def test_a_pause_holds_until_its_reason_is_lifted_and_a_bounded_wait_gives_up() -> None:
    gate = IngestGate()
    gate.pause("roll")
    gate.pause("over_limit")
    assert await gate.enter(0.05) is False and gate.entered == 0
    gate.resume("roll")
    assert await gate.enter(0.05) is False, "open while another reason holds it"
    waiting = asyncio.create_task(gate.enter(5))
    await asyncio.sleep(0.05)
    gate.resume("over_limit")
    assert await waiting is True and gate.entered == 1


async def test_a_gate_without_a_bound_never_closes_by_itself() -> None:
    gate = IngestGate()
    for _ in range(1000):
        assert await gate.enter(0)
    assert gate.backlog == 1000


async def test_the_gate_lets_in_only_the_bytes_its_allowance_has_room_for() -> None:
    gate = IngestGate()
    gate.allow(1000)
    sink = GatedSink(Recorded(), gate)
    sends = [asyncio.create_task(sink.send("t", b"k%d" % i, b"x" * 398)) for i in range(4)]
    await asyncio.sleep(0.05)
    assert sum(task.done() for task in sends) == 2 and gate.backlog_bytes == 800
    # the probe finds the first of them through the pipeline: 400 bytes more room
    gate.measured(1, pending_before=0, entered_before=gate.entered)
    await asyncio.sleep(0.05)
    assert sum(task.done() for task in sends) == 3 and gate.backlog_bytes == 800
    gate.allow(0)  # the broker has no room left under its ceiling
    gate.measured(0, pending_before=0, entered_before=gate.entered)
    await asyncio.sleep(0.05)
    assert sum(task.done() for task in sends) == 3 and gate.backlog_bytes == 0
    gate.allow(400)
    await asyncio.gather(*sends)
    assert gate.backlog_bytes == 400 and gate.entered == 4


async def test_a_record_larger_than_the_allowance_goes_in_alone() -> None:
    """Else it would wait for ever (a ceiling too small for the record limit)."""
    gate = IngestGate()
    gate.allow(100)
    assert await gate.enter(0.05, size=50)
    assert await gate.enter(0.05, size=500) is False, "let in beside another record"
    gate.measured(0, pending_before=0, entered_before=gate.entered)
    assert await gate.enter(0.05, size=500)
    assert await gate.enter(0.05, size=1) is False
