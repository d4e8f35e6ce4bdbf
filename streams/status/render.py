"""The status page as HTML: server-rendered, every value escaped, plain inline CSS, no assets.

:func:`render_main` renders the live part; :func:`render_page` wraps it in a document with a
small inline script that re-fetches that part (``/status?part=main``) every few seconds and
swaps it in, so the numbers stay live without a reload and without a second renderer in
JavaScript. Without JavaScript the page is complete, only static. Titles, names and URLs are
untrusted input: they are escaped here, links are only made for http(s) URLs, and the
response carries a Content-Security-Policy that allows no script but the page's own.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import urlsplit

REFRESH_S = 3

STYLE = """
:root{color-scheme:light;--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff;
--accent:#2f6fde;--bad:#c4320a}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK KR","Noto Sans KR",sans-serif}
header{display:flex;align-items:baseline;gap:1rem;padding:1rem 1.5rem;background:var(--card);
border-bottom:1px solid var(--line)}
header h1{font-size:1.15rem;margin:0}
header .meta{color:var(--muted);font-size:.85rem}
#live{margin-left:auto;font-size:.8rem;color:var(--muted)}
#live::before{content:"\\25CF ";color:#98a2b3}
html[data-live=on] #live::before{color:#12b76a}
html[data-live=stale] #live::before{color:var(--bad)}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:1rem;
padding:1rem 1.5rem}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.9rem 1rem}
section.wide{grid-column:1/-1}
h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
margin:0 0 .6rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line)}
th{font-weight:600;color:var(--muted);font-size:.8rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.big{font-size:1.6rem;font-weight:600;font-variant-numeric:tabular-nums}
.kpis{display:flex;gap:2rem}
.kpis div span{display:block;color:var(--muted);font-size:.8rem}
.empty{color:var(--muted)}
ol.articles{list-style:none;margin:0;padding:0}
ol.articles li{padding:.6rem 0;border-bottom:1px solid var(--line)}
ol.articles li:last-child{border-bottom:0}
.title{font-weight:600;font-size:1rem;color:var(--fg);text-decoration:none}
a.title:hover{color:var(--accent);text-decoration:underline}
.sub{color:var(--muted);font-size:.8rem;margin:.15rem 0 .35rem}
.chip{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:0 .5rem;
margin:0 .3rem .25rem 0;font-size:.8rem;background:#fbfcfd}
.chip small{color:var(--muted)}
.chip.topic{border-color:#c7d7fe;background:#eef4ff}
.reason{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--bad)}
svg.spark{display:block}
svg.spark polyline{fill:none;stroke:var(--accent);stroke-width:1.2}
svg.spark circle{fill:var(--accent)}
td.key small{display:block;color:var(--muted);font-size:.75rem}
"""

SCRIPT = f"""
(function () {{
  var root = document.documentElement, main = document.getElementById("status"), n = 0;
  root.setAttribute("data-live", "on");
  function refresh() {{
    fetch("status?part=main", {{cache: "no-store"}})
      .then(function (r) {{ if (!r.ok) throw new Error(r.status); return r.text(); }})
      .then(function (html) {{
        main.innerHTML = html;  /* server-rendered and escaped */
        main.setAttribute("data-refreshes", String(++n));
        root.setAttribute("data-live", "on");
      }})
      .catch(function () {{ root.setAttribute("data-live", "stale"); }});
  }}
  setInterval(refresh, {REFRESH_S * 1000});
}})();
"""


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; connect-src 'self'; img-src 'none'; base-uri 'none'; "
    f"form-action 'none'; script-src 'sha256-{_sha256(SCRIPT)}'; "
    f"style-src 'sha256-{_sha256(STYLE)}'"
)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _count(value: Any) -> str:
    return "–" if value is None else f"{int(value):,}"


def _rate(value: Any) -> str:
    return "–" if value is None else f"{float(value):.2f}/s"


def _seconds(value: Any) -> str:
    if value is None:
        return "–"
    value = float(value)
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def safe_href(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL (never ``javascript:`` and the like)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _stages(status: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr data-stage="{_e(s["stage"])}"><th>{_e(s["stage"])}</th>'
        f'<td class="num" id="{_e(s["stage"])}-in">{_count(s["in"])}</td>'
        f'<td class="num" id="{_e(s["stage"])}-out">{_count(s["out"])}</td>'
        f'<td class="num" id="{_e(s["stage"])}-dead">{_count(s["dead_letters"])}</td>'
        f'<td class="num">{_rate(s["in_per_s"])}</td>'
        f'<td class="num">{_rate(s["out_per_s"])}</td>'
        f'<td class="num">{_rate(s["dead_letters_per_s"])}</td></tr>'
        for s in status["stages"]
    )
    return (
        '<section class="wide"><h2>Stages</h2><table><thead><tr><th>stage</th>'
        '<th class="num">in</th><th class="num">out</th><th class="num">dead letters</th>'
        '<th class="num">in rate</th><th class="num">out rate</th>'
        f'<th class="num">dead-letter rate</th></tr></thead><tbody>{rows}</tbody></table>'
        "</section>"
    )


def _freshness(status: dict[str, Any]) -> str:
    fresh = status["freshness"]
    recent = fresh["recent"]
    return (
        "<section><h2>Freshness (fetch → enriched)</h2><div class=\"kpis\">"
        f'<div><span>p50</span><b class="big" id="fresh-p50">{_seconds(fresh["p50_s"])}</b></div>'
        f'<div><span>p95</span><b class="big" id="fresh-p95">{_seconds(fresh["p95_s"])}</b></div>'
        f'<div><span>articles</span><b class="big" id="fresh-count">{_count(fresh["count"])}</b>'
        "</div></div>"
        f'<p class="sub">last {_e(status["window_s"] or 0)} s: {_count(recent["count"])} '
        f'articles, p50 {_seconds(recent["p50_s"])}, p95 {_seconds(recent["p95_s"])}</p>'
        "</section>"
    )


def _dead_letters(status: dict[str, Any]) -> str:
    if not status["dead_letters"]:
        body = '<p class="empty">No dead letters.</p>'
    else:
        rows = "".join(
            f'<tr><td>{_e(d["stage"])}</td><td class="reason">{_e(d["reason"])}</td>'
            f'<td class="num">{_count(d["count"])}</td><td class="num">{_rate(d["per_s"])}</td>'
            "</tr>"
            for d in status["dead_letters"]
        )
        body = (
            '<table id="dead-letters"><thead><tr><th>stage</th><th>reason</th>'
            f'<th class="num">count</th><th class="num">rate</th></tr></thead><tbody>{rows}'
            "</tbody></table>"
        )
    return f"<section><h2>Dead letters by reason</h2>{body}</section>"


def _megabytes(value: Any) -> str:
    return "–" if value is None else f"{value / 1048576:,.0f} MB"


def _memory(status: dict[str, Any]) -> str:
    memory = status["memory"]
    rows = [("worker", "mem-worker", memory["worker_bytes"])]
    rows += [(f"{stage} core process", f"mem-core-{stage}", value)
             for stage, value in sorted(memory["core_bytes"].items())]
    if memory["embedded_broker_bytes"] is not None:
        rows.append(("embedded broker", "mem-broker", memory["embedded_broker_bytes"]))
    body = "".join(f'<tr><th>{_e(name)}</th><td class="num" id="{_e(key)}">{_megabytes(value)}'
                   "</td></tr>" for name, key, value in rows)
    rolls = ""
    if memory["embedded_broker_bytes"] is not None:
        rolls = (f'<p class="sub">embedded broker rolled <span id="mem-rolls">'
                 f'{_count(memory["embedded_broker_rolls"])}</span> times</p>')
    return f"<section><h2>Memory</h2><table><tbody>{body}</tbody></table>{rolls}</section>"


def _article(item: dict[str, Any]) -> str:
    title = _e(item.get("title") or "(untitled)")
    href = safe_href(item.get("url"))
    heading = (
        f'<a class="title" href="{_e(href)}" rel="noreferrer noopener">{title}</a>'
        if href else f'<span class="title">{title}</span>'
    )
    meta = " · ".join(
        _e(v) for v in (item.get("publisher"), item.get("published"), item.get("language")) if v
    )
    entities = "".join(
        f'<span class="chip">{_e(e["name"])} <small>{_e(e["type"])} ×{_e(e["mentions"])}'
        "</small></span>"
        for e in item.get("entities", [])
    )
    topics = "".join(
        f'<span class="chip topic">{_e(t["label"])} <small>{float(t["score"]):.2f}</small></span>'
        for t in item.get("topics", [])
    )
    return (
        f'<li data-article="{_e(item.get("article_id"))}">{heading}'
        f'<div class="sub">{meta or "&nbsp;"}</div><div>{entities}{topics}</div></li>'
    )


def _latest(status: dict[str, Any]) -> str:
    if not status["latest"]:
        body = '<p class="empty">No article enriched by this worker yet.</p>'
    else:
        body = '<ol class="articles">' + "".join(map(_article, status["latest"])) + "</ol>"
    return f'<section class="wide"><h2>Latest enriched articles</h2>{body}</section>'


SPARK_WIDTH = 144
SPARK_HEIGHT = 28


def sparkline(counts: Sequence[int], width: int = SPARK_WIDTH, height: int = SPARK_HEIGHT
              ) -> str:
    """An inline SVG line of ``counts`` (oldest first), scaled to its own maximum, the last
    value marked: a chart in the page's HTML, with no script or image to load (the page's
    Content-Security-Policy allows neither). Only numbers go into it."""
    peak = max(counts, default=0)
    step = width / max(len(counts) - 1, 1)
    pad = 2.0

    def y(value: int) -> float:
        return height - pad - (value / peak * (height - 2 * pad) if peak else 0.0)

    points = " ".join(f"{i * step:.1f},{y(c):.1f}" for i, c in enumerate(counts))
    last = (f'<circle cx="{(len(counts) - 1) * step:.1f}" cy="{y(counts[-1]):.1f}" r="2"/>'
            if counts else "")
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{len(counts)} counts, highest {peak}">'
        f'<polyline points="{points}"/>{last}</svg>'
    )


def _trending(status: dict[str, Any]) -> str:
    trending = status.get("trending")
    if trending is None:
        body = ('<p class="empty">Trends are counted by the worker that holds the dedup '
                "agent's partition; it is another worker: open its /status, or read "
                "news.trends.</p>")
    elif not trending["keys"]:
        body = '<p class="empty">Nothing counted yet.</p>'
    else:
        rows = "".join(
            f'<tr data-key="{_e(k["key"])}"><td class="key">{_e(k["name"] or k["key"])}'
            f'<small>{_e(k["key"])}</small></td>'
            f'<td class="num">{float(k["score"]):.1f}</td><td class="num">{_count(k["count"])}'
            f'</td><td class="num">{float(k["baseline"]):.2f}</td>'
            f"<td>{sparkline(k['series'])}</td></tr>"
            for k in trending["keys"]
        )
        minutes = int(trending["window_s"]) // 60
        body = (
            f'<p class="sub">burst score in the {minutes}-minute window from '
            f'{_e(trending["window_start"])} (the latest article\'s), against the mean count '
            f"per window over the day before; the chart: every {minutes} minutes over "
            "24 hours</p>"
            '<table id="trending"><thead><tr><th>entity or topic</th>'
            '<th class="num">score</th><th class="num">count</th>'
            f'<th class="num">baseline</th><th>24 hours</th></tr></thead><tbody>{rows}</tbody>'
            "</table>"
        )
    return f'<section class="wide"><h2>Trending now</h2>{body}</section>'


def _story(story: dict[str, Any]) -> str:
    sources = ", ".join(story.get("top_sources") or ())
    more = story["sources"] - len(story.get("top_sources") or ())
    if more > 0:
        sources += f" and {more} more"
    reprints = f" ({story['reprints']} reprints)" if story["reprints"] else ""
    return (
        f'<tr data-story="{_e(story["id"])}"><td><span class="title">'
        f'{_e(story["title"] or "(untitled)")}</span><div class="sub">'
        f'{_e(" · ".join(story.get("languages") or ()))}</div></td>'
        f'<td class="num">{_count(story["sources"])}</td><td>{_e(sources)}</td>'
        f'<td class="num">{_count(story["articles"])}{_e(reprints)}</td></tr>'
    )


def _stories(status: dict[str, Any]) -> str:
    stories = status.get("stories")
    if stories is None:
        body = ('<p class="empty">Stories are clustered by the worker that holds the dedup '
                "agent's partition; it is another worker: open its /status, or read "
                "news.stories.</p>")
    elif not stories:
        body = '<p class="empty">No story in the last hour.</p>'
    else:
        body = (
            '<table id="stories"><thead><tr><th>story</th><th class="num">sources</th>'
            '<th>top sources</th><th class="num">articles</th></tr></thead><tbody>'
            + "".join(map(_story, stories)) + "</tbody></table>"
        )
    return f'<section class="wide"><h2>Top stories of the last hour</h2>{body}</section>'


def render_main(status: dict[str, Any]) -> str:
    """The live part of the page (what the script swaps in)."""
    return (_stages(status) + _stories(status) + _trending(status) + _freshness(status)
            + _dead_letters(status) + _memory(status) + _latest(status))


def render_page(status: dict[str, Any]) -> str:
    worker = status.get("worker") or {}
    meta = " · ".join(
        f"{_e(k)} {_e(v)}" for k, v in worker.items() if v not in (None, "")
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>newsstream status</title><style>{STYLE}</style></head><body>"
        f'<header><h1>newsstream</h1><span class="meta">{meta}</span>'
        f'<span id="live">live · every {REFRESH_S} s</span></header>'
        f'<main id="status">{render_main(status)}</main>'
        f"<script>{SCRIPT}</script></body></html>"
    )
