"""The embedded broker's ceiling (streams/roll.py): the room the ingestion gate gets."""

from __future__ import annotations

from streams.roll import GROWTH_PER_BYTE, ROLL_AT, allowance

MB = 1024 * 1024


def test_what_the_gate_lets_in_grows_the_broker_at_most_to_its_ceiling() -> None:
    ceiling = 512 * MB
    for rss in (18 * MB, int(ceiling * ROLL_AT), ceiling - 1000, ceiling - 7):
        room = allowance(ceiling, rss)
        assert rss + GROWTH_PER_BYTE * room <= ceiling
        assert rss + GROWTH_PER_BYTE * (room + 1) > ceiling  # and no less
    assert allowance(ceiling, ceiling) == 0 and allowance(ceiling, ceiling + MB) == 0


def test_at_the_roll_point_a_largest_record_still_fits() -> None:
    """Past the roll point ingestion pauses; below it the gate has room for the 8 MiB record
    limit with the default ceiling (1024 MB), so no record waits for ever."""
    assert allowance(1024 * MB, int(1024 * MB * ROLL_AT)) > 8 * MB
