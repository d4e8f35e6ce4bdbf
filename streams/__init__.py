"""newsstream: a streaming news-intelligence pipeline.

Raw pages flow over Kafka topics through independent async agents (parse, enrich) and come out
as structured, enriched events. Every stage has a pure core (no Faust import) and a thin agent.
"""

__version__ = "0.1.0"
