"""Sinks: the pipeline's output written into other stores.

``streams/sink/rows.py`` (pure: records to rows, the SQL), ``migrate.py`` (versioned schema
migrations), ``postgres.py`` (the consumer loop with batching, retries and commits), ``command.py``
(``newsstream sink postgres``) and ``worker.py`` (the sink inside ``newsstream worker`` when
``NEWSSTREAM_SINK_POSTGRES_DSN`` is set). docs/sink-postgres.md describes the schema and the
delivery guarantees. Nothing here imports the database driver until a sink is used: it is the
optional ``postgres`` extra.
"""
