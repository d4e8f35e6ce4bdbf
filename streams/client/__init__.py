"""The subscriber side: the pipeline's topics, filtered, from Python (:func:`subscribe` for
typed records, :func:`read` for events with their offsets) or with ``newsstream tail``
(docs/subscribing.md).
"""

from streams.client.filters import FilterError, Filters, parse_since
from streams.client.reader import READABLE, Event, ReadError, read
from streams.client.subscribe import Tombstone, subscribe

__all__ = ["READABLE", "Event", "FilterError", "Filters", "ReadError", "Tombstone",
           "parse_since", "read", "subscribe"]
