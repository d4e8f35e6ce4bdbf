"""The parse agent: ``news.raw-html`` -> ``news.articles``, a thin loop around parse_article.

The handler (streams/parse/handler.py) runs in a core process of its own by default
(``NEWSSTREAM_PARSE_ISOLATION=process``): a hostile page that runs past the stage timeout is
stopped by killing that process (streams/coreproc.py), not left to burn CPU in a thread.
"""

from __future__ import annotations

import faust

from streams.agent import Outputs, register_stage
from streams.parse.handler import count_missing, make_handler
from streams.settings import Settings
from streams.topics import RAW_HTML

STAGE = "parse"


def register(app: faust.App, settings: Settings, outputs: Outputs) -> None:
    register_stage(app, STAGE, RAW_HTML, make_handler, settings, outputs,
                   isolated=settings.parse_isolation == "process", observe=count_missing)
