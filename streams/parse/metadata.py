"""Metadata readers: ``<meta>``/OpenGraph, JSON-LD (incl. ``articleBody``), ``__NEXT_DATA__``,
Arc XP ``Fusion.globalContent``, microdata, ``<time>``. Each reader only fills what it finds;
the caller decides precedence.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from streams.parse import selectors as sel
from streams.parse.authors import HANGUL
from streams.parse.dates import parse_date
from streams.parse.limits import ParseLimits

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "techarticle",
        "scholarlyarticle", "report", "posting", "socialmediaposting", "liveblogposting",
        "webpage", "medicalwebpage", "howto", "recipe", "review", "creativework",
    }
)
#: JSON-LD types that mark the page itself as an article or a video (``WebPage`` and
#: ``CreativeWork`` do not: index pages use them too).
_MARKED_TYPES = (ARTICLE_TYPES - {"webpage", "medicalwebpage", "creativework"}) | {"videoobject"}
_FUSION = re.compile(r"Fusion\.globalContent\s*=\s*")
_JSON_FIX = re.compile(r"[\x00-\x1f]")
_DECODER = json.JSONDecoder()


@dataclass(slots=True)
class Meta:
    """Everything the readers found, unresolved."""

    lang: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    html_title: str | None = None
    titles: dict[str, str] = field(default_factory=dict)  # source -> title
    site_name: str | None = None
    publisher: str | None = None
    authors: dict[str, list[str]] = field(default_factory=dict)  # source -> names
    published: list[tuple[str, str]] = field(default_factory=list)  # (source, raw)
    modified: list[tuple[str, str]] = field(default_factory=list)
    #: Every ``<time datetime>`` value (the first 20): besides the one date read from them,
    #: their offsets tell the zone of the page's local times.
    time_stamps: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    body_texts: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    #: Whether the page calls itself an article: an OpenGraph ``article``/``video`` type, a
    #: JSON-LD article (not a mere ``WebPage``) or ``VideoObject``, ``article:published_time``.
    article_marked: bool = False
    #: Whether the page announces a video (``og:video``, ``twitter:player``, ``VideoObject``).
    video: bool = False
    #: The page's section names (``article:section``, JSON-LD ``articleSection``, breadcrumbs):
    #: never an author.
    sections: list[str] = field(default_factory=list)
    #: The page's ``<h1>`` elements (found by the readers' query, for the headline step).
    h1_nodes: list[LexborNode] = field(default_factory=list, repr=False, compare=False)


def _loads(raw: str, limits: ParseLimits) -> Any:
    if not raw or len(raw) > limits.max_json_bytes:
        return None
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.strip().rstrip(";")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            return orjson.loads(_JSON_FIX.sub(" ", raw))
        except orjson.JSONDecodeError:
            return None


def _names(value: Any, depth: int = 0) -> list[str]:
    """Author/publisher names from a JSON-LD value (string, Person, list of them)."""
    if depth > 3 or value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() and not value.startswith("http") else []
    if isinstance(value, list):
        return [n for v in value[:10] for n in _names(v, depth + 1)]
    if isinstance(value, dict):
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str) and HANGUL.search(given + family):
            # A Korean name keeps Korean order (family name first, no space), whatever order
            # the CMS put in "name" ("선민 박" for 박선민).
            return [f"{family.strip()}{given.strip()}"]
        name = value.get("name")
        if isinstance(name, str) and name.strip():
            return [name]
        if isinstance(name, list | dict):
            return _names(name, depth + 1)
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given} {family}"]
    return []


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def _iter_objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 4:
        return []
    if isinstance(data, list):
        return [o for item in data[:50] for o in _iter_objects(item, depth + 1)]
    if isinstance(data, dict):
        found = [data]
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), list | dict):
                found.extend(_iter_objects(data[key], depth + 1))
        return found
    return []


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [k.strip() for k in re.split(r"[,;]", value) if k.strip()]
    if isinstance(value, list):
        return [k.strip() for k in value if isinstance(k, str) and k.strip()]
    return []


def _read_page_kind(meta: Meta, obj: dict[str, Any], types: set[str]) -> None:
    """What a JSON-LD object says about the page: an article, a video, its sections."""
    video = obj.get("video")
    if types & _MARKED_TYPES:
        meta.article_marked = True
    if "videoobject" in types or (isinstance(video, dict) and "videoobject" in _types(video)):
        meta.video = True
    meta.sections.extend(_keywords(obj.get("articleSection")))
    crumbs = obj.get("itemListElement") if "breadcrumblist" in types else None
    if isinstance(crumbs, list):
        for item in crumbs[1:]:  # the first is the home page, often named as the site
            if isinstance(item, dict):
                meta.sections.extend(_names(item.get("name") or item.get("item"))[:1])


def read_jsonld(meta: Meta, scripts: list[LexborNode], limits: ParseLimits) -> None:
    for script in scripts:
        data = _loads(script.text(deep=True), limits)
        for obj in _iter_objects(data):
            types = _types(obj)
            _read_page_kind(meta, obj, types)
            if not types & ARTICLE_TYPES:
                if types & {"organization", "newsmediaorganization", "website"} and not (
                    meta.site_name or meta.publisher
                ):
                    names = _names(obj)
                    if names and "website" in types:
                        meta.site_name = names[0]
                continue
            is_page = not (types - {"webpage", "medicalwebpage", "creativework"})
            src = "jsonld"
            for key in ("headline", "name") if not is_page else ("headline",):
                if isinstance(obj.get(key), str) and "jsonld" not in meta.titles:
                    meta.titles["jsonld"] = obj[key]
            for key, bucket in (("datePublished", meta.published), ("dateCreated",
                                meta.published), ("dateModified", meta.modified)):
                if isinstance(obj.get(key), str):
                    bucket.append((src, obj[key]))
            names = _names(obj.get("author") or obj.get("creator"))
            if names and "jsonld" not in meta.authors:
                meta.authors["jsonld"] = names
            pub = _names(obj.get("publisher") or obj.get("sourceOrganization"))
            if pub and not meta.publisher:
                meta.publisher = pub[0]
            meta.tags.extend(_keywords(obj.get("keywords")))
            body = obj.get("articleBody") or obj.get("text")
            if isinstance(body, str) and body.strip():
                paras = [p for p in re.split(r"\n\s*\n|\r?\n", body) if p.strip()]
                meta.body_texts.append(("jsonld", [("paragraph", p) for p in paras]))


def read_meta_tags(meta: Meta, metas: list[dict[str, str | None]]) -> None:
    values: dict[str, str] = {}
    for attrs in metas:
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        content = attrs.get("content")
        if not key or not content or not content.strip():
            continue
        key = key.strip().lower()
        if key in ("article:tag", "keywords", "news_keywords"):
            meta.tags.extend(_keywords(content))
        values.setdefault(key, content.strip())
    for key in ("og:title", "twitter:title", "title", "dc.title", "headline"):
        if key in values:
            meta.titles.setdefault("og" if key.startswith(("og", "twitter")) else "meta",
                                   values[key])
    meta.og_url = values.get("og:url")
    og_type = values.get("og:type", "").lower()
    if og_type.startswith(sel.MARKED_OG_TYPES) or sel.MARKED_META_KEY in values:
        meta.article_marked = True
    meta.video = meta.video or any(key in values for key in sel.VIDEO_META_KEYS)
    if "article:section" in values:
        meta.sections.append(values["article:section"])
    meta.site_name = meta.site_name or values.get("og:site_name") or values.get(
        "application-name")
    for key in ("author", "article:author", "dc.creator", "byl", "sailthru.author",
                "parsely-author", "dable:author", "twitter:creator"):
        value = values.get(key)
        if value and not value.startswith(("http", "@")):
            meta.authors.setdefault("meta", [value])
            break
    for key in sel.META_PUBLISHED_KEYS:
        if key in values:
            meta.published.append(("meta", values[key]))
    # Other CMS spellings of the same field (``published-date``, ``w-published-date``,
    # ``cXenseParse:recs:publishtime``), after the known ones.
    for key, value in values.items():
        if key not in sel.META_PUBLISHED_KEYS and sel.META_PUBLISHED_KEY.search(key):
            meta.published.append(("meta", value))
    for key in sel.META_MODIFIED_KEYS:
        if key in values:
            meta.modified.append(("meta", values[key]))


def _dig_many(data: Any, keysets: tuple[tuple[str, ...], ...], budget: int = 1500) -> list[Any]:
    """For each key set, the first non-empty value under one of its keys in a bounded
    depth-first search of a JSON tree (at most ``budget`` containers, 12 levels, 100 list
    items), all in one walk: separate searches would visit the same containers in the same
    order, each stopping at its first value, so checking every key set still pending at each
    dictionary finds the same values."""
    found: list[Any] = [None] * len(keysets)
    pending = list(range(len(keysets)))
    left = budget

    def visit(node: Any, depth: int) -> bool:  # True: nothing pending any more
        nonlocal left
        if depth > 12 or left <= 0:
            return False
        left -= 1
        if isinstance(node, dict):
            for i in list(pending):
                for k in keysets[i]:
                    v = node.get(k)
                    if v not in (None, "", [], {}):
                        found[i] = v
                        pending.remove(i)
                        break
            if not pending:
                return True
            items = list(node.values())
        elif isinstance(node, list):
            items = node[:100]
        else:
            return False
        done = False
        for item in items:
            if isinstance(item, dict | list) and visit(item, depth + 1):
                done = True
                break
        return done

    visit(data, 0)
    return found


# Keys in order of preference: tuples, so the same page always gives the same answer (a
# frozenset's iteration order changes with Python's per-process string hash seed).
_NEXT_DATE = ("datePublished", "publishedAt", "firstPublished", "firstPublishedAt",
              "publishDate", "publishedDate", "published_at")
_NEXT_MOD = ("dateModified", "updatedAt", "lastPublished", "modifiedDate", "lastUpdated",
             "updated_at")
_NEXT_AUTHOR = ("authors", "author", "byline", "contributors", "contributor")
_NEXT_TITLE = ("headline", "seoHeadline")


def read_next_data(meta: Meta, script: LexborNode | None, limits: ParseLimits) -> None:
    if script is None:
        return
    data = _loads(script.text(deep=True), limits)
    if data is None:
        return
    date, modified, title, author = _dig_many(
        data, (_NEXT_DATE, _NEXT_MOD, _NEXT_TITLE, _NEXT_AUTHOR))
    for value, bucket in ((date, meta.published), (modified, meta.modified)):
        if isinstance(value, str | int) and not isinstance(value, bool):
            bucket.append(("next_data", str(value)))
    if isinstance(title, str):
        meta.titles.setdefault("next_data", title)
    names = _names(author)
    if names:
        meta.authors.setdefault("next_data", names)


def read_fusion(meta: Meta, tree: LexborHTMLParser, limits: ParseLimits) -> None:
    """Arc XP (Chosun, many US papers): ``Fusion.globalContent={...};`` in an inline script."""
    for script in tree.css("script"):
        text = script.text(deep=True)
        m = _FUSION.search(text) if "Fusion.globalContent" in text else None
        if m is None:
            continue
        try:
            data, _ = _DECODER.raw_decode(text, m.end())
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        headlines = data.get("headlines")
        if isinstance(headlines, dict) and isinstance(headlines.get("basic"), str):
            meta.titles.setdefault("fusion", headlines["basic"])
        for key, bucket in (("first_publish_date", meta.published),
                            ("display_date", meta.published),
                            ("last_updated_date", meta.modified)):
            if isinstance(data.get(key), str):
                bucket.append(("fusion", data[key]))
        credits = data.get("credits")
        if isinstance(credits, dict):
            names = _names(credits.get("by"))
            if names:
                meta.authors.setdefault("fusion", names)
        blocks: list[tuple[str, str]] = []
        for el in data.get("content_elements") or []:
            if not isinstance(el, dict) or not isinstance(el.get("content"), str):
                continue
            kind = {"text": "paragraph", "header": "heading", "quote": "quote"}.get(
                str(el.get("type")))
            if kind:
                plain = LexborHTMLParser(el["content"]).text()
                blocks.append((kind, plain))
        if blocks:
            meta.body_texts.append(("fusion", blocks))
        tax = data.get("taxonomy")
        if isinstance(tax, dict):
            for tag in tax.get("tags") or []:
                if isinstance(tag, dict) and isinstance(tag.get("text"), str):
                    meta.tags.append(tag["text"])
        return


def read_microdata_and_time(meta: Meta, found: _Found) -> None:
    for node, bucket in ((found.date_published, meta.published),
                         (found.date_modified, meta.modified)):
        if node is not None:
            value = (node.attributes.get("content") or node.attributes.get("datetime")
                     or node.text())
            if value:
                bucket.append(("microdata", value))
    node = found.headline
    if node is not None and node.tag != "meta":
        meta.titles.setdefault("microdata", node.text(separator=" "))
    meta.time_stamps = [stamp for stamp in found.times[:20] if stamp]
    for stamp in found.times[:5]:
        # The first stamp that reads as a date ("02-12-2025" in a datetime attribute does not).
        if stamp and parse_date(stamp):
            meta.published.append(("time", stamp))
            break


#: Every element a reader looks at, found in one pass over the tree (each selector here is
#: told apart again in :func:`_collect`, which must follow lexbor's matching rules: ``type``
#: and ``rel`` values compare ASCII case-insensitively, ``id`` does so in quirks mode only).
_META_QUERY = (
    'meta[content], script[type="application/ld+json"], script#__NEXT_DATA__, '
    'link[rel="canonical"], title, time[datetime], [itemprop="datePublished"], '
    '[itemprop="dateModified"], [itemprop="headline"], h1'
)


@dataclass(slots=True)
class _Found:
    metas: list[dict[str, str | None]] = field(default_factory=list)
    jsonld: list[LexborNode] = field(default_factory=list)
    next_data: LexborNode | None = None
    canonical: LexborNode | None = None
    title: LexborNode | None = None
    times: list[str | None] = field(default_factory=list)  #: ``datetime`` values
    date_published: LexborNode | None = None
    date_modified: LexborNode | None = None
    headline: LexborNode | None = None
    h1s: list[LexborNode] = field(default_factory=list)


def _collect(tree: LexborHTMLParser) -> _Found:
    """The metadata elements of the page from one CSS query, sorted by what matched them (a
    node matching several selectors is returned once per selector; it is looked at once)."""
    found = _Found()
    seen: set[int] = set()
    for node in tree.css(_META_QUERY):
        key = node.mem_id
        if key in seen:
            continue
        seen.add(key)
        tag = node.tag
        attrs = node.attributes
        if tag == "meta":
            if "content" in attrs:
                found.metas.append(attrs)
        elif tag == "script":
            if (attrs.get("type") or "").lower() == "application/ld+json":
                found.jsonld.append(node)
            ident = attrs.get("id")
            if found.next_data is None and ident and (ident == "__NEXT_DATA__" or (
                    ident.lower() == "__next_data__"
                    and node.css_matches("script#__NEXT_DATA__"))):
                found.next_data = node
        elif tag == "link":
            if found.canonical is None and (attrs.get("rel") or "").lower() == "canonical":
                found.canonical = node
        elif tag == "title":
            if found.title is None:
                found.title = node
        elif tag == "time" and "datetime" in attrs:
            found.times.append(attrs["datetime"])
        elif tag == "h1":
            found.h1s.append(node)
        prop = attrs.get("itemprop")
        if prop == "datePublished":
            found.date_published = found.date_published or node
        elif prop == "dateModified":
            found.date_modified = found.date_modified or node
        elif prop == "headline":
            found.headline = found.headline or node
    return found


def read_all(
    tree: LexborHTMLParser, limits: ParseLimits, source: bytes | str | None = None
) -> Meta:
    """Run every reader. ``source`` (the page as fetched) lets the Arc XP reader, which would
    otherwise read the text of every ``<script>``, be skipped when its marker is absent."""
    meta = Meta()
    html = tree.css_first("html")
    if html is not None:
        lang: str | None = html.attributes.get("lang") or html.attributes.get("xml:lang")
        meta.lang = lang.strip() if lang else None
    found = _collect(tree)
    meta.h1_nodes = found.h1s
    if found.canonical is not None:
        meta.canonical = found.canonical.attributes.get("href")
    if found.title is not None:
        meta.html_title = " ".join(found.title.text().split()) or None
    read_meta_tags(meta, found.metas)
    read_jsonld(meta, found.jsonld, limits)
    read_next_data(meta, found.next_data, limits)
    if source is None or (
        b"Fusion.globalContent" in source if isinstance(source, bytes)
        else "Fusion.globalContent" in source
    ):
        read_fusion(meta, tree, limits)
    read_microdata_and_time(meta, found)
    return meta
