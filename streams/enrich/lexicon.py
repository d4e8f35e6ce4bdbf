"""Known entities: the curated gazetteer, CLDR country names, and per-article learned aliases.

A :class:`Lexicon` answers two questions quickly: "is this surface a known entity?" (by the
normalised key, so spacing, case and a leading ``#`` do not matter) and "where do known surfaces
occur in this text?" (a first-character index scanned once per text, with word-boundary rules
so that ``애플`` does not match inside ``애플리케이션``). Per-article aliases learnt from
``한국어(English)`` patterns go into a cheap overlay (:meth:`Lexicon.with_aliases`), never into
the shared tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from streams.enrich.ids import normalise, territory_id
from streams.enrich.resources import read_tsv

# Characters a Korean particle or a short suffix glued to a name may start with (오픈AI는,
# 중국발, 일본엔, 미국산, 한국계). A known Hangul surface followed by any other Hangul is taken
# to be the head of a longer, different word (메타버스, 애플리케이션) and is not matched.
_PARTICLE_HEADS = frozenset(
    "은는이가을를의에와과도로으만까부나라랑께보처같측발엔산인계판내간행쪽등며였서조마들"
)
_HANGUL_RE = re.compile(r"[가-힣]+")
_EXCLUDED_TERRITORIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@dataclass(frozen=True, slots=True)
class Known:
    """One known entity: its canonical id, type and names, and where the knowledge came from."""

    id: str
    type: str
    name_ko: str | None
    name_en: str | None
    source: str  # "gazetteer" | "iso" | "alias"
    confidence: float


def is_hangul(char: str) -> bool:
    return "가" <= char <= "힣"


@dataclass(slots=True)
class Lexicon:
    """Surface -> :class:`Known`, by normalised key and by a scan index over raw surfaces."""

    by_key: dict[str, Known] = field(default_factory=dict)
    scan_index: dict[str, list[tuple[str, Known]]] = field(default_factory=dict)
    # Derived on demand from scan_index and then kept in step by add: a regex of all first
    # characters, and the surfaces by their first two characters (one-character surfaces by
    # their only one), each list sorted longest first like the scan_index buckets.
    _heads: re.Pattern[str] | None = None
    _by_two: dict[str, list[tuple[str, Known]]] = field(default_factory=dict)
    # Keys of scan_index / _by_two whose lists this lexicon owns; an overlay shares the others
    # with its base and copies a list before changing it (copy-on-write).
    _owned: set[str] = field(default_factory=set)
    _owned_two: set[str] = field(default_factory=set)

    def add(self, surface: str, known: Known) -> None:
        """Register a surface; the first registration of a key wins (file order is fixed)."""
        surface = surface.strip()
        key = normalise(surface)
        if not key:
            return
        self.by_key.setdefault(key, known)
        variants = {surface, surface.replace(" ", "")} if _has_hangul(surface) else {surface}
        for variant in variants:
            head = variant[0]
            if not _insert(self.scan_index, self._owned, head, variant, known):
                continue
            if self._heads is None:
                continue
            if len(self.scan_index[head]) == 1:  # a new first character: rebuild the regex
                self._heads = _heads_re(self.scan_index)
            _insert(self._by_two, self._owned_two, variant[:2], variant, known)

    def lookup(self, surface: str) -> Known | None:
        return self.by_key.get(normalise(surface))

    def with_aliases(self, aliases: list[tuple[str, Known]]) -> Lexicon:
        """A copy-on-write overlay holding extra (article-local) surfaces.

        The overlay shares the base's lists and its scan index and copies only what an alias
        changes, so learning a few aliases costs a few list copies, not a re-index.
        """
        if not aliases:
            return self
        if self._heads is None:
            self._index()
        overlay = Lexicon(dict(self.by_key), dict(self.scan_index), self._heads,
                          dict(self._by_two))
        for surface, known in aliases:
            overlay.add(surface, known)
        return overlay

    def scan(self, text: str) -> list[tuple[int, int, Known]]:
        """Longest known surfaces in ``text`` at word starts, left to right, not overlapping."""
        found: list[tuple[int, int, Known]] = []
        if self._heads is None:
            self._index()
        assert self._heads is not None
        by_two = self._by_two
        # candidates come from the regex of first characters at word starts; a match skips ahead
        index = 0
        for candidate in self._heads.finditer(text):
            start = candidate.start()
            if start < index:
                continue
            bucket = by_two.get(text[start:start + 2], [])
            for surface, known in [*bucket, *by_two.get(text[start], [])]:
                end = start + len(surface)
                if text.startswith(surface, start) and _end_ok(text, end, surface):
                    found.append((start, end, known))
                    index = end
                    break
        return found

    def _index(self) -> None:
        self._heads = _heads_re(self.scan_index)
        self._by_two = {}
        self._owned_two = set()
        for bucket in self.scan_index.values():  # each bucket is sorted longest first
            for surface, known in bucket:
                self._by_two.setdefault(surface[:2], []).append((surface, known))
        self._owned_two = set(self._by_two)


def _heads_re(scan_index: dict[str, list[tuple[str, Known]]]) -> re.Pattern[str]:
    r"""The first characters of the surfaces, where no letter or digit precedes them
    (``[^\W_]`` is exactly ``str.isalnum``): most Hangul syllables start some surface, and
    the regex passes over those inside words faster than a test of each in Python."""
    heads = "".join(sorted(scan_index))
    return re.compile(r"(?<![^\W_])[" + re.escape(heads) + "]" if heads else "(?!)")


def _insert(table: dict[str, list[tuple[str, Known]]], owned: set[str], key: str,
            surface: str, known: Known) -> bool:
    """Add ``(surface, known)`` to ``table[key]`` (longest first) unless the surface is there;
    a list not in ``owned`` is shared with a base lexicon and is copied first."""
    bucket = table.get(key)
    if bucket is None:
        table[key] = [(surface, known)]
        owned.add(key)
        return True
    if any(existing == surface for existing, _ in bucket):
        return False
    if key not in owned:
        bucket = table[key] = list(bucket)
        owned.add(key)
    bucket.append((surface, known))
    bucket.sort(key=lambda item: (-len(item[0]), item[0]))
    return True


def _has_hangul(text: str) -> bool:
    return any(is_hangul(char) for char in text)


def _end_ok(text: str, end: int, surface: str) -> bool:
    if end >= len(text):
        return True
    nxt = text[end]
    last = surface[-1]
    if is_hangul(last):
        if not is_hangul(nxt):
            return True
        run = _HANGUL_RE.match(text, end)
        tail = run.group(0) if run else ""
        # 부 only as 부터: 한국부동산원 is another name, not 한국 + a particle
        return len(tail) <= 4 and tail[0] in _PARTICLE_HEADS and (
            tail[0] != "부" or tail.startswith("부터"))
    if last.isascii() and last.isalnum():
        return not (nxt.isascii() and nxt.isalnum())
    return True


def load_base_lexicon() -> Lexicon:
    """The base lexicon: gazetteer.tsv first, then CLDR territories and their aliases (indexed
    for :meth:`Lexicon.scan`; an enricher holds one and every article overlays it)."""
    lexicon = Lexicon()
    for row in read_tsv("gazetteer.tsv")[1:]:
        row += [""] * (5 - len(row))
        entity_id, etype, name_ko, name_en, aliases = (cell.strip() for cell in row[:5])
        known = Known(entity_id, etype, name_ko or None, name_en or None, "gazetteer", 0.95)
        for surface in (name_ko, name_en, *aliases.split("|")):
            if surface:
                lexicon.add(surface, known)
    for code, name_ko, name_en in _territories():
        known = Known(territory_id(code), "location", name_ko, name_en, "iso", 0.95)
        for surface in (name_ko, name_en):
            lexicon.add(surface, known)
    territory = {known.id: known for known in lexicon.by_key.values() if known.source == "iso"}
    for code, alias in read_tsv("territory_aliases.tsv"):
        known_country = territory.get(territory_id(code))
        if known_country is not None:
            lexicon.add(alias, known_country)
    lexicon._index()
    return lexicon


def _territories() -> list[tuple[str, str, str]]:
    """(ISO code, Korean name, English name) for every CLDR country/territory code."""
    from babel import Locale

    names_ko = Locale("ko").territories
    names_en = Locale("en").territories
    rows = []
    for code in sorted(names_en):
        if len(code) != 2 or not code.isalpha() or code in _EXCLUDED_TERRITORIES:
            continue
        name_ko = re.sub(r"\(.*\)$", "", names_ko.get(code, "")).strip()
        name_en = re.sub(r"\s*SAR China$|\(.*\)$", "", names_en[code]).strip()
        rows.append((code, name_ko, name_en))
    return rows
