"""Ingestion: everything that puts pages on ``news.raw-html``."""
