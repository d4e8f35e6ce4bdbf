"""The worker's live status page: ``/status`` (HTML) and ``/status.json``.

* :mod:`streams.status.hooks` -- the observer list the enrich stage notifies (no Faust import).
* :mod:`streams.status.model` -- pure: metric samples + the latest articles -> a status dict.
* :mod:`streams.status.render` -- pure: the status dict -> escaped HTML, plain inline CSS.
* :mod:`streams.status.web` -- the thin Faust part: ``register(app, settings)``.

Everything on the page is this worker's own view (its counters, the articles it enriched):
with several workers, each shows its share of the partitions; Prometheus/Grafana aggregate.
"""
