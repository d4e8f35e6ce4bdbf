"""The feeds config file (TOML; see feeds.example.toml and docs/ingestion.md).

    [defaults]
    interval_s = 300            # poll interval of feeds that do not set their own
    news_only = true            # sitemaps: keep only <url> elements with <news:news>

    [[feed]]
    name = "yonhap"             # [a-z0-9_.-]+, unique: the ``source`` of raw-html events
    url = "https://www.yna.co.kr/rss/news.xml"
    kind = "auto"               # auto | feed (RSS/Atom) | sitemap (urlset or sitemapindex)
    interval_s = 120

Validated on load, so a typo stops the poller at start instead of silently never polling.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("auto", "feed", "sitemap")
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FeedConfig:
    name: str
    url: str
    kind: str = "auto"
    interval_s: float = 300.0
    news_only: bool = True


def parse_config(data: dict[str, Any]) -> list[FeedConfig]:
    defaults = data.get("defaults", {})
    unknown = set(data) - {"defaults", "feed"}
    if unknown:
        raise ConfigError(f"unknown top-level keys: {', '.join(sorted(unknown))}")
    feeds: list[FeedConfig] = []
    for i, raw in enumerate(data.get("feed", [])):
        where = f"feed #{i + 1}"
        extra = set(raw) - {"name", "url", "kind", "interval_s", "news_only"}
        if extra:
            raise ConfigError(f"{where}: unknown keys {', '.join(sorted(extra))}")
        name, url = raw.get("name"), raw.get("url")
        if not isinstance(name, str) or not NAME.match(name):
            raise ConfigError(f"{where}: name must match {NAME.pattern}")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where} ({name}): url must be http(s)")
        kind = raw.get("kind", defaults.get("kind", "auto"))
        if kind not in KINDS:
            raise ConfigError(f"{where} ({name}): kind must be one of {', '.join(KINDS)}")
        interval = raw.get("interval_s", defaults.get("interval_s", 300))
        if not isinstance(interval, int | float) or interval <= 0:
            raise ConfigError(f"{where} ({name}): interval_s must be a positive number")
        news_only = raw.get("news_only", defaults.get("news_only", True))
        feeds.append(FeedConfig(name, url, kind, float(interval), bool(news_only)))
    names = [f.name for f in feeds]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ConfigError(f"duplicate feed names: {', '.join(sorted(dupes))}")
    return feeds


def load_config(path: str | Path) -> list[FeedConfig]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return parse_config(data)
