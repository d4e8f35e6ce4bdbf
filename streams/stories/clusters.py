"""Story clustering: which original articles report one event, across outlets and languages.

Each article gets a ``story_id``. A duplicate (``duplicate_of`` set by the dedup stage) joins
its original's story as a *reprint*: it adds to the counts, not to what the story is about.
An original is compared with the stories seen within :attr:`StoryConfig.window_s` before it
that share a canonical entity id (``org:openai`` is the same id in Korean and English text;
``unk:`` ids are local guesses and never count) or a title/keyword term, and joins the best
one if it is similar enough; otherwise it starts a story whose id is its own article id.

Similarity is made of two parts, because neither is enough alone: two stories about one
company on one day share its entity id but not their terms, and two articles in different
languages share entity ids but no terms at all.

* **Entities**: weighted Jaccard between the article's entity weights (salience: in the title,
  in the lead, mentions; places count less, being shared by unrelated stories) and the sum of
  the story's originals' weights, each scaled to sum 1.
* **Terms**: the same between the article's terms (English title words and keywords; Korean title
  character bigrams, so that particles do not matter, and keywords) and the story's, counted only
  when the story has an article in the article's language.

The score is ``entity_weight * entities + (1 - entity_weight) * terms`` against ``threshold``
when terms count, and ``entities`` against ``cross_threshold`` when they cannot (no article of
the story in the article's language). docs/stories.md has the measurements the parameters come
from (``bench/stories_eval.py``, tuned on one half of the labelled set, reported on both).

The state is a fold over ``(article, story id)`` in arrival order (:meth:`StoryIndex.add`), so
that the durable part can be one small record per article: replaying the recorded assignments
(:meth:`StoryIndex.restore`) rebuilds the same state, and deciding again over the same articles
in the same order gives the same ids (:meth:`StoryIndex.assign` is a function of the state and
the article only). Stories whose last article is older than ``horizon_s`` expire; a story's
vectors keep their ``max_terms`` heaviest entries, so a long story stays small.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from streams.records import Enriched, Story, StoryArticle, StoryEntity, StoryTopic
from streams.stories.normalise import clean_title, story_lines

#: Entity types that many unrelated stories share (a city, a country): they weigh less.
_PLACE_TYPES = frozenset({"location"})
_HANGUL = re.compile(r"[가-힣]+")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9'\-]{2,}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
#: English words that say nothing about which story a title tells.
_EN_STOP = frozenset({
    "the", "and", "for", "with", "from", "that", "this", "into", "over", "after", "about", "amid",
    "says", "said", "say", "will", "would", "could", "new", "its", "their", "are", "was", "were",
    "has", "have", "had", "not", "but", "more", "than", "out", "off", "who", "what", "when",
    "where", "why", "how", "all", "can", "may", "now", "year", "years", "week", "day", "first",
    "last", "two", "three", "four", "five", "six", "one", "report", "reports",
})


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """The clusterer's parameters (docs/stories.md, "Story clusters", for how they were set)."""

    #: Seconds before an article that a story's last article may be for it to be a candidate.
    window_s: float = 48 * 3600.0
    #: Seconds after its last article that a story is forgotten (default 7 days).
    horizon_s: float = 7 * 86400.0
    #: Score a candidate must reach when it has articles in the article's language.
    threshold: float = 0.08
    #: Score (entities only) a candidate must reach when it has none.
    cross_threshold: float = 0.15
    #: Share of the entity similarity in the score when terms count.
    entity_weight: float = 0.1
    #: Weight of a place relative to other entities.
    place_weight: float = 0.3
    #: Entries each story vector keeps (the heaviest): bounds a long story's state.
    max_terms: int = 48
    #: Stories a key may be in and still find candidates (bounds the work of one article).
    max_postings: int = 300
    #: Entities and topics a story record lists.
    top: int = 5


def story_article(enriched: Enriched, seen_at: float, config: StoryConfig) -> StoryArticle:
    """The clustering view of an enriched article first seen at ``seen_at`` (epoch seconds)."""
    article = enriched.article
    entities: dict[str, tuple[float, str]] = {}
    for entity in enriched.entities:
        if entity.id.startswith("unk:") or entity.caption_only:
            continue
        weight = (1.0 + entity.in_title + 0.5 * entity.in_lead
                  + 0.25 * min(entity.mentions - 1, 4))
        if entity.type in _PLACE_TYPES:
            weight *= config.place_weight
        entities[entity.id] = (round(weight, 3), entity.name)
    return StoryArticle(
        id=article.id, seen_at=seen_at, language=enriched.language, title=article.title,
        source=article.publisher or urlsplit(article.canonical_url or article.url).hostname,
        entities=entities, topics={t.code: t.label_en for t in enriched.topics},
        terms=terms(article.title or "", article.text, enriched.keywords),
        duplicate_of=enriched.duplicate_of,
    )


def terms(title: str, body: str, keywords: Iterable[str], lead_chars: int = 400
          ) -> dict[str, float]:
    """Weighted terms of an article: words of the title and keywords (weight 2) and of the lead
    (:func:`lead`, weight 1), and the numbers of the title and the body's first ``lead_chars``
    characters (``#2.5``, ``#4512.34``: often the same in both languages).
    English words lower-cased, possessive and plural endings dropped; Korean words as character
    bigrams, so that ``삼성전자가`` and ``삼성전자`` share most."""
    found: dict[str, float] = {}
    first = lead(body, lead_chars)
    for text, weight in ((clean_title(title), 2.0), (" ".join(keywords), 2.0), (first, 1.0)):
        for term in _words(text):
            found[term] = max(found.get(term, 0.0), weight)
    for number in _NUMBER.findall(f"{title} {body[:lead_chars]}"):
        value = number.replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        if len(value.replace(".", "")) >= 2 and not _YEAR.fullmatch(value):
            found.setdefault("#" + value, 1.0)
    return dict(sorted(found.items()))


def _words(text: str) -> Iterable[str]:
    folded = text.lower()
    for word in _LATIN_WORD.findall(folded):
        word = word.removesuffix("'s").rstrip("'")
        if word in _EN_STOP or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
            word = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        yield word
    for word in _HANGUL.findall(folded):
        for i in range(len(word) - 1):
            yield word[i:i + 2]


def lead(text: str, limit: int = 400) -> str:
    """The first paragraphs of a body (dateline, byline and chrome removed), about ``limit``
    characters: where an article says what happened."""
    kept: list[str] = []
    for line in story_lines(text):
        kept.append(line)
        if sum(map(len, kept)) >= limit:
            break
    return " ".join(kept)[:limit]


@dataclass(slots=True)
class StoryState:
    """One story: its originals' summed vectors and the counts a ``news.stories`` record shows."""

    id: str
    title: str | None
    first_seen: float
    last_seen: float
    entities: dict[str, float] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    entity_articles: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    topic_labels: dict[str, str] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    article_ids: list[str] = field(default_factory=list)
    unique_articles: int = 0
    reprints: int = 0


class Postings:
    """Key -> the ids of the stories holding it (an entity id or a term): the posting lists
    that find an article's candidates and give each key its story frequency.

    Most keys are held by one story (a word of one event's articles: 80% on the long run of
    ``bench/stories_state.py``), so a key's one holder is kept as its id, and only a key with
    more holders gets a set: a set costs 216 bytes of heap even for one element, and this was
    the largest part of the stories' state (docs/stories.md, "State in memory"). The key
    objects are interned, so that a word held by many stories and articles is one string."""

    __slots__ = ("_holders",)

    def __init__(self) -> None:
        self._holders: dict[str, str | set[str]] = {}

    def __len__(self) -> int:
        return len(self._holders)

    def __contains__(self, key: object) -> bool:
        return key in self._holders

    def weighted(self, vector: Mapping[str, float], stories: int) -> dict[str, float]:
        """``vector`` with each key's weight times ``log(1 + stories / (1 + holders))``: its
        inverse story frequency (:meth:`StoryIndex._weighted`). One loop here rather than a
        :meth:`count` call per key: it runs for every candidate's vectors."""
        get = self._holders.get
        weighted = {}
        for key, weight in vector.items():
            held = get(key)
            holders = 0 if held is None else 1 if isinstance(held, str) else len(held)
            weighted[key] = weight * math.log(1.0 + stories / (1.0 + holders))
        return weighted

    def holding(self, keys: Iterable[str], cap: int, found: set[str]) -> None:
        """Add to ``found`` the stories holding any of ``keys``, but for keys held by more
        than ``cap`` stories (they find nothing: most stories have them)."""
        get = self._holders.get
        for key in keys:
            held = get(key)
            if held is None:
                continue
            if isinstance(held, str):
                if cap >= 1:
                    found.add(held)
            elif len(held) <= cap:
                found.update(held)

    def add(self, key: str, story_id: str) -> str:
        """Record that ``story_id`` holds ``key``; the key's interned string (what the story's
        vectors keep, so that each distinct key is one object)."""
        held = self._holders.get(key)
        if held is None:
            key = sys.intern(key)
            self._holders[key] = story_id
        elif isinstance(held, str):
            key = sys.intern(key)
            if held != story_id:
                self._holders[key] = {held, story_id}
        else:
            key = sys.intern(key)
            held.add(story_id)
        return key

    def discard(self, key: str, story_id: str) -> None:
        held = self._holders.get(key)
        if held is None:
            return
        if isinstance(held, str):
            if held == story_id:
                del self._holders[key]
            return
        held.discard(story_id)
        if len(held) == 1:
            self._holders[key] = next(iter(held))


class StoryIndex:
    """The stories within the horizon, and the indexes that find an article's candidates."""

    def __init__(self, config: StoryConfig) -> None:
        self.config = config
        self._reset()

    def _reset(self) -> None:
        self.stories: dict[str, StoryState] = {}
        self.article_story: dict[str, str] = {}
        self._by_entity = Postings()
        self._by_term = Postings()
        self._expiry: list[tuple[float, str]] = []  # heap of (last seen when pushed, story id)
        #: Stories expired since :meth:`take_expired` (whose articles' records can go).
        self.expired: list[StoryState] = []

    def assign(self, article: StoryArticle) -> str:
        """The story ``article`` belongs to (without adding it): its own, if it was added
        before; its original's, for a known duplicate; else the best candidate, or a new story
        with the article's id."""
        known = self.article_story.get(article.id)
        if known is not None:
            return known
        if article.duplicate_of is not None and article.duplicate_of in self.article_story:
            return self.article_story[article.duplicate_of]
        entities = self._weighted({k: w for k, (w, _) in article.entities.items()},
                                  self._by_entity)
        words = self._weighted(article.terms, self._by_term)
        best: tuple[float, float, str] | None = None
        for story_id in self._candidates(article):
            story = self.stories[story_id]
            score = self.score(entities, words, article.language, story)
            if score is not None and (best is None or (-score, story.first_seen, story_id) < best):
                best = (-score, story.first_seen, story_id)
        return best[2] if best is not None else article.id

    def score(self, entities: Mapping[str, float], words: Mapping[str, float],
              language: str | None, story: StoryState) -> float | None:
        """How similar an article (its IDF-weighted ``entities`` and ``words``) is to
        ``story``: a score at or above its threshold, else None."""
        config = self.config
        same_language = language is not None and bool(story.languages.get(language))
        if same_language:
            most = (config.entity_weight * _overlap_bound(entities, story.entities)
                    + (1 - config.entity_weight) * _overlap_bound(words, story.terms))
        else:
            most = _overlap_bound(entities, story.entities)
        if most < (config.threshold if same_language else config.cross_threshold):
            return None  # most candidates share a word or two: no need to weigh the story
        by_entities = _overlap(entities, self._weighted(story.entities, self._by_entity))
        if same_language:
            by_words = _overlap(words, self._weighted(story.terms, self._by_term))
            score = config.entity_weight * by_entities + (1 - config.entity_weight) * by_words
            return score if score >= config.threshold else None
        return by_entities if by_entities >= config.cross_threshold else None

    def _weighted(self, vector: Mapping[str, float], index: Postings) -> dict[str, float]:
        """``vector`` with each key weighted by its inverse story frequency: the share of the
        stories within the horizon that have it (an index entry lists them), so that what
        many stories share (a country, ``발표``, ``said``) counts little."""
        stories = len(self.stories) + 1
        return index.weighted(vector, stories)

    def add(self, article: StoryArticle, story_id: str) -> StoryState:
        """Fold ``article`` into story ``story_id`` (made if new) and return the story.
        Expires stories older than the horizon first (article time, so a replay expires
        alike). Adding an article already in a story changes nothing."""
        self.expire(article.seen_at)
        story = self.stories.get(story_id)
        if story is None:
            story = StoryState(story_id, article.title, article.seen_at, article.seen_at)
            self.stories[story_id] = story
        if article.id in self.article_story:
            return story
        story_id = story.id  # one string per story in the indexes
        self.article_story[article.id] = story_id
        story.article_ids.append(article.id)
        story.first_seen = min(story.first_seen, article.seen_at)
        if article.seen_at > story.last_seen:
            story.last_seen = article.seen_at
        heapq.heappush(self._expiry, (story.last_seen, story_id))
        if article.language:
            story.languages[article.language] += 1
        if article.source:
            story.sources[article.source] += 1
        reprint = (article.duplicate_of is not None
                   and self.article_story.get(article.duplicate_of) == story_id)
        if reprint:
            story.reprints += 1
            return story
        story.unique_articles += 1
        for entity_id, (weight, name) in article.entities.items():
            entity_id = self._by_entity.add(entity_id, story_id)
            story.entities[entity_id] = story.entities.get(entity_id, 0.0) + weight
            story.entity_articles[entity_id] += 1
            story.names.setdefault(entity_id, name)
        for term, weight in article.terms.items():
            term = self._by_term.add(term, story_id)
            story.terms[term] = story.terms.get(term, 0.0) + weight
        for code, label in article.topics.items():
            story.topics[code] += 1
            story.topic_labels.setdefault(code, label)
        self._trim(story)
        return story

    def step(self, article: StoryArticle) -> tuple[str, StoryState, bool]:
        """:meth:`assign` then :meth:`add`: the article's story id, the story after it, and
        whether the article was added now (False: it was in the story already, a re-delivery,
        and nothing changed)."""
        known = article.id in self.article_story
        story_id = self.assign(article)
        return story_id, self.add(article, story_id), not known

    def restore(self, items: Iterable[tuple[StoryArticle, str]]) -> None:
        """Start again from recorded ``(article, story id)`` pairs in arrival order (the
        stories that expire on the way are in :attr:`expired`)."""
        self._reset()
        for article, story_id in items:
            self.add(article, story_id)

    def expire(self, now: float) -> list[str]:
        """Forget the stories whose last article was seen more than the horizon before
        ``now``; their ids."""
        oldest = now - self.config.horizon_s
        gone = []
        while self._expiry and self._expiry[0][0] < oldest:
            _, story_id = heapq.heappop(self._expiry)
            story = self.stories.get(story_id)
            if story is None or story.last_seen >= oldest:
                continue  # gone already, or seen again since (a later heap entry)
            del self.stories[story_id]
            for article_id in story.article_ids:
                self.article_story.pop(article_id, None)
            _unindex(self._by_entity, story.entities, story_id)
            _unindex(self._by_term, story.terms, story_id)
            gone.append(story_id)
            self.expired.append(story)
        return gone

    def take_expired(self) -> list[StoryState]:
        expired, self.expired = self.expired, []
        return expired

    def _candidates(self, article: StoryArticle) -> list[str]:
        """Stories seen within the window that share an entity or a term, in a fixed order."""
        found: set[str] = set()
        cap = self.config.max_postings
        self._by_entity.holding(article.entities, cap, found)
        self._by_term.holding(article.terms, cap, found)
        oldest = article.seen_at - self.config.window_s
        return sorted(s for s in found if self.stories[s].last_seen >= oldest)

    def _trim(self, story: StoryState) -> None:
        """Keep the heaviest ``max_terms`` entries of a story's vectors (ties: the name)."""
        limit = self.config.max_terms
        for vector, index in ((story.entities, self._by_entity), (story.terms, self._by_term)):
            if len(vector) > 2 * limit:
                kept = sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
                for key in set(vector) - {k for k, _ in kept}:
                    del vector[key]
                    story.entity_articles.pop(key, None)  # no-ops for terms
                    story.names.pop(key, None)
                    index.discard(key, story.id)


def _unindex(index: Postings, keys: Iterable[str], story_id: str) -> None:
    for key in keys:
        index.discard(key, story_id)


def _overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Weighted Jaccard of the two vectors scaled to sum 1: how much of what each is about the
    other shares. Unlike a cosine, an article about one company alone is far from a story about
    that company and two others."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b or a.keys().isdisjoint(b.keys()):
        return 0.0
    shared = sum(min(w / total_a, b[k] / total_b) for k, w in a.items() if k in b)
    return shared / (2.0 - shared)


def _overlap_bound(a: Mapping[str, float], keys: Mapping[str, float]) -> float:
    """The most :func:`_overlap` of ``a`` and any vector with these ``keys`` can be, from
    ``a`` alone: each shared key counted at ``a``'s share, the larger side of its ``min``.
    Its terms, their order and the arithmetic are :func:`_overlap`'s, each term no smaller,
    and rounding is monotonic, so the float it returns is never below the float
    :func:`_overlap` returns; a candidate whose bound is below the threshold would score
    below it too. It skips weighing the story's keys (up to ``2 * max_terms`` logarithms
    and lookups each), which was most of the clustering's cost on real pages, where an
    article has about 100 candidates (docs/benchmarks.md, "End to end")."""
    total_a = sum(a.values())
    if not total_a or a.keys().isdisjoint(keys.keys()):
        return 0.0
    shared = sum(w / total_a for k, w in a.items() if k in keys)
    return shared / (2.0 - shared)


def story_record(story: StoryState, top: int = 5) -> Story:
    """The ``news.stories`` value of a story's current state."""
    def iso(seconds: float) -> str:
        return datetime.fromtimestamp(seconds, UTC).isoformat()

    entities = sorted(story.entity_articles.items(),
                      key=lambda kv: (-kv[1], -story.entities.get(kv[0], 0.0), kv[0]))[:top]
    topics = sorted(story.topics.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return Story(
        id=story.id, title=clean_title(story.title) if story.title else None,
        first_seen=iso(story.first_seen), last_seen=iso(story.last_seen),
        articles=story.unique_articles + story.reprints, unique_articles=story.unique_articles,
        reprints=story.reprints, sources=len(story.sources),
        top_sources=[s for s, _ in sorted(story.sources.items(),
                                          key=lambda kv: (-kv[1], kv[0]))[:top]],
        languages=sorted(story.languages),
        entities=[StoryEntity(k, story.names[k], n) for k, n in entities],
        topics=[StoryTopic(k, story.topic_labels[k], n) for k, n in topics],
    )
