"""The Faust part of the status page: two web views, a snapshot timer and the article hook.

``GET /status``        the HTML page (``?part=main``: only its live part, for the refresh)
``GET /status.json``   the same status as JSON (see :func:`streams.status.model.build_status`)
"""

from __future__ import annotations

import time
from typing import Any

import faust
from faust.web import Request, Response, View
from prometheus_client import REGISTRY

from streams import __version__
from streams.settings import Settings
from streams.stage import now_iso
from streams.status import hooks
from streams.status.model import LatestArticles, SnapshotWindow, build_status, read_samples
from streams.status.render import CONTENT_SECURITY_POLICY, render_main, render_page
from streams.status.trending import Names, stories_now, trending
from streams.stories.agent import StoriesView

WINDOW_S = 300.0  # rates are over the last ~5 minutes, like the recording rules' rate5m
SNAPSHOT_INTERVAL_S = 5.0
LATEST_SIZE = 10

HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class StatusBoard:
    """What one worker's page needs: the snapshots behind the rates, the latest articles, and
    the dedup agent's trends and stories (shown only while this worker holds its partition)."""

    def __init__(self, settings: Settings, stories: StoriesView | None = None) -> None:
        self.worker = {"app": settings.app_id, "version": __version__}
        self.window = SnapshotWindow(WINDOW_S)
        self.latest = LatestArticles(LATEST_SIZE)
        self.names = Names()
        self.stories = stories
        self.snapshot()  # at start: counters are (close to) zero, so rates are defined at once

    def snapshot(self) -> None:
        self.window.add(time.monotonic(), read_samples(REGISTRY.collect()))

    def trending(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]] | None]:
        """Trending now and the top stories of the last hour, or ``None`` for both on a worker
        that does not hold the dedup agent's partition."""
        if self.stories is None or not self.stories.held():
            return None, None
        with self.stories.lock:  # top and series of 10 keys, the last hour's stories: ms
            return (trending(self.stories.trends, self.names.name),
                    stories_now(self.stories.stories))

    def status(self) -> dict[str, Any]:
        trends, stories = self.trending()
        return build_status(
            read_samples(REGISTRY.collect()),
            now=time.monotonic(),
            base=self.window.base(),
            latest=self.latest.items(),
            generated_at=now_iso(),
            window_s=WINDOW_S,
            worker=self.worker,
            trending=trends,
            stories=stories,
        )


def register(app: faust.App, settings: Settings, stories: StoriesView | None = None
             ) -> StatusBoard:
    board = StatusBoard(settings, stories)
    hooks.subscribe(board.latest.add)
    hooks.subscribe(board.names.add)

    @app.timer(SNAPSHOT_INTERVAL_S)
    async def snapshot_status_metrics() -> None:
        board.snapshot()

    @app.page("/status")
    async def status_page(self: View, request: Request) -> Response:
        status = board.status()
        if request.query.get("part") == "main":
            return self.html(render_main(status), headers=dict(HTML_HEADERS))
        return self.html(render_page(status), headers=dict(HTML_HEADERS))

    @app.page("/status.json")
    async def status_json(self: View, request: Request) -> Response:
        return self.json(board.status(), headers={"Cache-Control": "no-store"})

    return board
