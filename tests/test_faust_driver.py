"""Both profiles run Faust on this project's driver (streams/faust_driver.py), whose consumer
seeks a partition the group never committed to where the reset policy puts it (a skipped
record after a kill -9 otherwise: tests/integration/test_dedup.py)."""

from __future__ import annotations

import dataclasses

import faust.transport
import pytest

from streams import faust_driver, faust_tansu, kafka
from streams.settings import Settings


@pytest.mark.parametrize(("profile", "transport"), [
    ("kafka", faust_driver.Transport), ("tansu", faust_tansu.Transport),
])
def test_each_profile_uses_the_fixed_driver(profile: str, transport: type) -> None:
    settings = dataclasses.replace(Settings(), bootstrap_servers="localhost:9092",
                                   embedded=False, broker_profile=profile)
    brokers = kafka.faust_config(settings)["broker"]
    resolved = {faust.transport.by_url(url) for url in brokers}
    assert resolved == {transport}
    assert issubclass(transport.Consumer, faust_driver.Consumer)


def test_flow_control_empties_the_queues_only_when_it_resumes_a_suspended_flow() -> None:
    """A record queued around the seek that ends a rebalance stays queued through Faust's
    ``resume`` of a flow already running (it was emptied, and not read until the next
    rebalance); what was queued before a suspension is still emptied when the flow resumes."""
    app = faust_driver.App("flow-control-test", autodiscover=False)
    assert isinstance(app.flow_control, faust_driver.FlowControl)
    queue = app.FlowControlQueue(maxsize=10, clear_on_resume=True)
    app.flow_control.resume()  # a worker's flow starts suspended
    queue.put_nowait("fetched around the seek")
    app.flow_control.resume()
    assert queue.qsize() == 1
    app.flow_control.suspend()
    app.flow_control.resume()
    assert queue.qsize() == 0
