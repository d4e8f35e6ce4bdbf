"""Build the labelled duplicate-detection pair set, ``bench/data/dedup-pairs/pairs.jsonl``.

    .venv/bin/python bench/make_dedup_pairs.py          # writes pairs.jsonl, prints counts
    .venv/bin/python bench/make_dedup_pairs.py --check  # fails if pairs.jsonl is not what it builds

Deterministic (one seeded ``random.Random``; no clock), so the committed file can be rebuilt and
checked. Sources, all in this repository:

* the 70 labelled news pages of ``tests/enrich/pages`` (46 Korean, 24 English), each parsed with
  ``streams.parse.parse_article`` as the pipeline parses it (title and body text);
* the 165 articles of ``tests/enrich/data/topics_real.jsonl`` (80 Korean, 85 English);
* ``bench/data/dedup-pairs/stories.txt``: hand-written follow-ups (a day later, new facts, with
  background paragraphs of the base story copied verbatim) and stories about the same entities.

Positives (label 1) are a source article and a copy made by the transformations of the issue:
``exact`` (same text, another URL), ``chrome`` (another site's menus, share buttons, related and
most-read headlines, footer), ``headline`` (a wire or portal tag added to the headline, sometimes
repeated as the body's first line), ``byline`` (another dateline, reporter, sign-off),
``para_added`` / ``para_dropped`` (one or two paragraphs), ``reworded`` (a few words and
number formats changed), and ``combined`` (a portal re-host: chrome, byline, headline tag, a
paragraph added or dropped and some rewording at once). Every page yields one single-
transformation copy (kinds in turn) and one ``combined`` copy; every topics_real article one
single-transformation copy.

Negatives (label 0): ``follow_up`` (base and its written follow-up), ``same_entities`` (written
stories, and pairs of pages whose labels share at least two non-publisher organisations, people
or products), ``same_topic`` (topics_real articles of one IPTC topic and language) and
``same_site`` (two different stories dressed in the same site's chrome and byline).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.parse import parse_article  # noqa: E402

PAGES = ROOT / "tests" / "enrich" / "pages"
TOPICS_REAL = ROOT / "tests" / "enrich" / "data" / "topics_real.jsonl"
HERE = ROOT / "bench" / "data" / "dedup-pairs"
STORIES = HERE / "stories.txt"
OUT = HERE / "pairs.jsonl"
SEED = 20261207

# Publishers and agencies named in page labels: sharing one says nothing about the story.
PUBLISHERS = {"org:yonhap", "org:newsis", "org:news1", "org:ap", "org:reuters", "org:kbs",
              "org:mbc", "org:sbs", "org:jtbc", "org:ytn", "org:bbc", "org:cnbc"}


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    url: str
    language: str
    title: str
    paragraphs: tuple[str, ...]
    group: str = ""  # the IPTC topic (topics_real) or the page kind

    def record(self) -> dict[str, str]:
        return {"id": self.id, "url": self.url, "title": self.title,
                "text": "\n".join(self.paragraphs)}


def paragraphs_of(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def load_pages() -> list[Doc]:
    labels = json.loads((PAGES / "labels.json").read_text(encoding="utf-8"))["pages"]
    docs = []
    for page in labels:
        article = parse_article((PAGES / f"{page['id']}.html").read_bytes(), page["url"])
        docs.append(Doc(page["id"], page["url"], page["language"], article.title or "",
                        paragraphs_of(article.text), page["kind"]))
    return docs


def load_topics_real() -> list[Doc]:
    rows = [json.loads(line) for line in TOPICS_REAL.read_text(encoding="utf-8").splitlines()]
    return [Doc(r["id"], f"https://news.example/{r['language']}/{r['id']}", r["language"],
                r["title"], paragraphs_of(r["text"]), r["topic"]) for r in rows]


def load_stories(bases: dict[str, Doc]) -> list[tuple[str, Doc, Doc]]:
    """(kind, base, story) for every story of stories.txt, ``{{base:N}}`` lines filled in."""
    out = []
    blocks = re.split(r"^### ", STORIES.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    for block in blocks:
        header, title_line, *body = block.strip().splitlines()
        story_id, kind, base_id = header.split()
        base = bases[base_id]
        assert title_line.startswith("title: "), story_id
        paragraphs = []
        for line in body:
            marker = re.fullmatch(r"\{\{base:(\d+)\}\}", line.strip())
            paragraphs.append(base.paragraphs[int(marker.group(1))] if marker else line.strip())
        story = Doc(story_id, f"https://news.example/{base.language}/{story_id}", base.language,
                    title_line.removeprefix("title: "), paragraphs_of("\n".join(paragraphs)))
        out.append((kind, base, story))
    return out


# --- what other sites add ------------------------------------------------------------------

KO_NAV = ["전체메뉴", "로그인 | 회원가입", "뉴스홈 > 사회 > 사건·사고",
          "뉴스홈 > 경제 > 금융·증시", "오늘의 주요뉴스", "기사 공유하기", "글자 크기 조절",
          "좋아요 0 슬퍼요 0 화나요 0 추천해요 0", "입력 2026.07.18 14:32 수정 2026.07.18 15:10",
          "기사원문", "댓글 0", "프린트", "구독하기", "이 기사를 추천합니다", "음성으로 듣기",
          "번역 설정"]
KO_FOOT = ["회사소개 | 광고안내 | 제휴문의 | 개인정보처리방침 | 청소년보호정책",
           "서울특별시 중구 세종대로 00 | 대표전화 02-000-0000 | 등록번호 서울 아00000",
           "Copyright ⓒ 데일리온 All rights reserved.",
           "<저작권자 ⓒ 아침뉴스, 무단전재 및 재배포 금지>",
           "기사제보 및 보도자료 news@daily-on.example", "※ 이 기사는 제휴 언론사의 콘텐츠입니다.",
           "본 기사는 콘텐츠 제휴에 따라 게재되었습니다.", "네이버 메인에서 데일리온을 구독하세요!"]
KO_RELATED = ["관련기사", "많이 본 뉴스", "이 시각 주요뉴스", "함께 보면 좋은 기사", "포토뉴스"]
EN_NAV = ["Skip to main content", "Home | World | Business | Markets | Sport | Culture",
          "Advertisement", "Share this article", "Share on Facebook Share on X Email",
          "Listen to this article · 4 min", "Updated 3:45 PM GMT+9, July 18, 2026",
          "Save", "Gift this article", "Print", "Comments", "Supported by"]
EN_FOOT = ["About Us · Contact · Privacy Policy · Terms of Use · Cookie Settings",
           "© 2026 Daily Herald Media. All rights reserved.",
           "Sign up for our morning briefing", "Get the latest news delivered to your inbox.",
           "This article was originally published by a partner news agency.",
           "Our journalism depends on readers like you. Please consider subscribing."]
EN_RELATED = ["Related Coverage", "Most Read", "More from World", "Read Next", "Trending Now"]

KO_REPORTERS = ["김지현", "박상우", "이서연", "최도윤", "정민호", "한유진", "오세훈", "임하늘"]
KO_OUTLETS = {"뉴스1": "news1", "뉴시스": "newsis", "연합뉴스": "yna", "데일리온": "dailyon",
              "아침뉴스": "morningnews", "한빛일보": "hanbit"}
EN_REPORTERS = ["Jane Doe", "Mark Ellis", "Priya Natarajan", "Tom Becker", "Ana Lima",
                "Kenji Sato", "Laura Chen", "David Okafor"]
EN_AGENCIES = ["Reuters", "AP", "AFP", "Wire", "Bloomberg"]

KO_ADDED = ["한편 관계 당국은 정확한 경위를 파악하기 위해 추가 조사를 벌이고 있다.",
            "이와 관련해 업계 관계자는 \"당분간 상황을 지켜볼 수밖에 없다\"고 말했다.",
            "정부는 다음 주 관계부처 회의를 열어 후속 대책을 논의할 예정이다.",
            "전문가들은 비슷한 일이 되풀이되지 않도록 제도적 보완이 필요하다고 입을 모았다.",
            "온라인 커뮤니티에서도 관련 소식이 빠르게 퍼지며 관심이 쏠렸다.",
            "추가 취재 결과 해당 사안은 지난해에도 한 차례 문제가 제기된 것으로 확인됐다.",
            "관계자는 \"사실관계를 확인하는 대로 입장을 밝히겠다\"고 전했다.",
            "이번 사안은 다음 달 국회 국정감사에서도 다뤄질 것으로 보인다."]
EN_ADDED = ["Officials said more details would be released later in the day.",
            "A spokesperson declined to comment further, citing an ongoing review.",
            "The announcement drew swift reaction on social media, where it was trending within "
            "hours.",
            "(This story has been updated with additional details and reaction.)",
            "Analysts said the development had been widely expected but its timing was not.",
            "Lawmakers are expected to take up the issue when they return next week.",
            "It was not immediately clear how many people would be affected."]

KO_WORDS = [("밝혔다", "전했다"), ("말했다", "설명했다"), ("예정이다", "계획이다"),
            ("알려졌다", "전해졌다"), ("그러나", "하지만"), ("지난달", "지난 달"),
            ("억 원", "억원"), ("만 원", "만원"), ("여 명", "여명"), ("%", "퍼센트"),
            ("등을", "따위를"),
            ("것으로 보인다", "것으로 전망된다"), ("대해", "관해"), ("가운데", "중"),
            ("강조했다", "역설했다"), ("따르면", "의하면"), ("있습니다", "있는데요"),
            ("했습니다", "했고요"), ("밝혔습니다", "전했습니다"), ("말했습니다", "설명했습니다"),
            ("그런데", "하지만"), ("이른바", "소위"), ("이번", "이번에"), ("모두", "전부")]
EN_WORDS = [(" said ", " told reporters "), (" percent", "%"), (" about ", " around "),
            (" more than ", " over "), ("However, ", "But "), (" announced ", " said "),
            (" on Tuesday", " Tuesday"), (" on Thursday", " Thursday"), (" United States", " US"),
            (" approximately ", " about "), (" will ", " would "), (" children", " kids"),
            (" but ", " though "), (" also ", " additionally ")]

KO_TAGS = ["[속보] ", "[단독] ", "[종합] ", "(2보) ", "[1보] "]
KO_SUFFIXES = ["(종합)", "(종합2보)", "(2보)", "(종합3보)"]
EN_TAGS = ["UPDATE 2-", "UPDATE 1-", "EXCLUSIVE-", "BREAKING: ", "REFILE-", "Exclusive: "]

_KO_DATELINE = re.compile(r"^(?:\[[^\]]{0,30}(?:=|기자)[^\]]{0,30}\]|\([^)]{0,30}=[^)]{0,30}\)"
                          r"|【[^】]{0,30}】)\s*"
                          r"(?:[가-힣]{2,4}(?: [가-힣]{2,4})? (?:기자|특파원) = )?")
_KO_SIGN_OFF = re.compile(r"^[가-힣]{2,4} (?:기자|특파원)(?: \S+@\S+)?$")
_EN_DATELINE = re.compile(r"^([A-Z][A-Z .,'\-]+(?:, [A-Z][a-z]+\.? \d+)?) ?(\([^)]*\))? ?[—-] ")
_EN_SIGN_OFF = re.compile(r"^(?:By |Reporting by|\(Reporting by|Associated Press writer|"
                          r"Editing by|.*contributed to this report)")


class Copier:
    """The transformations, drawing every choice from one seeded generator."""

    def __init__(self, rng: random.Random, titles: dict[str, list[str]]) -> None:
        self.rng = rng
        self.titles = titles  # headlines by language, for related-article boxes

    def chrome(self, doc: Doc) -> Doc:
        ko = doc.language == "ko"
        nav, foot, related = (KO_NAV, KO_FOOT, KO_RELATED) if ko else (EN_NAV, EN_FOOT, EN_RELATED)
        head = self.rng.sample(nav, self.rng.randint(3, 6))
        boxes: list[str] = []
        for box in self.rng.sample(related, self.rng.randint(1, 2)):
            headlines = self.rng.sample(self.titles[doc.language], self.rng.randint(3, 5))
            bullet = self.rng.choice(["", "▶ ", "· ", "- "])
            numbered = box in ("많이 본 뉴스", "Most Read")
            boxes += [box] + [f"{i + 1} {h}" if numbered else bullet + h
                              for i, h in enumerate(headlines)]
        tail = self.rng.sample(foot, self.rng.randint(2, 4))
        middle = list(doc.paragraphs)
        inside = self.rng.choice(nav[2:6]) if self.rng.random() < 0.5 else None
        if inside and len(middle) > 4:  # an ad or share bar inside the body
            middle.insert(len(middle) // 2, inside)
        return replace(doc, paragraphs=(*head, *middle, *boxes, *tail))

    def headline(self, doc: Doc) -> Doc:
        title = doc.title
        if doc.language == "ko":
            title = (title + self.rng.choice(KO_SUFFIXES) if self.rng.random() < 0.4
                     else self.rng.choice(KO_TAGS) + title)
        else:
            title = self.rng.choice(EN_TAGS) + title
        paragraphs = doc.paragraphs
        if self.rng.random() < 0.3:  # the site repeats the headline above the body
            paragraphs = (title, *paragraphs)
        return replace(doc, title=title, paragraphs=paragraphs)

    def byline(self, doc: Doc) -> Doc:
        paragraphs = list(doc.paragraphs)
        if doc.language == "ko":
            name, outlet = self.rng.choice(KO_REPORTERS), self.rng.choice(sorted(KO_OUTLETS))
            paragraphs = [p for p in paragraphs if not _KO_SIGN_OFF.match(p)]
            lede = next((i for i, p in enumerate(paragraphs) if len(p) >= 40), 0)
            first = _KO_DATELINE.sub("", paragraphs[lede])
            dateline = self.rng.choice([f"({self.rng.choice(['서울', '세종', '부산'])}={outlet}) "
                                        f"{name} 기자 = ", f"[{outlet} {name} 기자] ",
                                        f"【서울={outlet}】{name} 기자 = ", ""])
            paragraphs[lede] = dateline + first
            paragraphs.append(self.rng.choice([f"{name} 기자 reporter{self.rng.randint(1, 99)}"
                                               f"@{KO_OUTLETS[outlet]}.example", f"{name} 기자",
                                               f"/{outlet} {name} 기자", f"글·사진 {name} 기자"]))
        else:
            name, agency = self.rng.choice(EN_REPORTERS), self.rng.choice(EN_AGENCIES)
            paragraphs = [p for p in paragraphs if not _EN_SIGN_OFF.match(p)]
            match = _EN_DATELINE.match(paragraphs[0])
            if match:
                paragraphs[0] = f"{match.group(1)} ({agency}) — " + paragraphs[0][match.end():]
            style = self.rng.randrange(3)
            if style == 0:
                paragraphs.insert(0, f"By {name}")
            elif style == 1:
                paragraphs.append(f"(Reporting by {name}; Editing by "
                                  f"{self.rng.choice(EN_REPORTERS)})")
            else:
                paragraphs.insert(0, f"{name} | Staff Writer")
        return replace(doc, paragraphs=tuple(paragraphs))

    def para_added(self, doc: Doc, count: int | None = None) -> Doc:
        pool = KO_ADDED if doc.language == "ko" else EN_ADDED
        paragraphs = list(doc.paragraphs)
        for added in self.rng.sample(pool, count or self.rng.randint(1, 2)):
            paragraphs.insert(self.rng.randint(1, len(paragraphs)), added)
        return replace(doc, paragraphs=tuple(paragraphs))

    def para_dropped(self, doc: Doc, count: int | None = None) -> Doc:
        content = [i for i, p in enumerate(doc.paragraphs) if i > 0 and len(p) >= 40]
        count = count or (1 if len(content) <= 5 else 2)
        dropped = set(self.rng.sample(content, min(count, max(len(content) - 1, 0))))
        return replace(doc, paragraphs=tuple(p for i, p in enumerate(doc.paragraphs)
                                             if i not in dropped))

    def reworded(self, doc: Doc, changes: int | None = None) -> Doc:
        table = KO_WORDS if doc.language == "ko" else EN_WORDS
        text = "\n".join(doc.paragraphs)
        changes = changes or self.rng.randint(3, 6)
        for old, new in self.rng.sample(table, len(table)):
            if changes == 0:
                break
            spots = [m.start() for m in re.finditer(re.escape(old), text)]
            for at in self.rng.sample(spots, min(len(spots), 2)):
                text = text[:at] + new + text[at + len(old):]
                changes -= 1
                break
        return replace(doc, paragraphs=paragraphs_of(text))

    def same_site(self, left: Doc, right: Doc) -> tuple[Doc, Doc]:
        """Two stories dressed alike: one site's chrome and one reporter around both (every
        random draw of :meth:`chrome` and :meth:`byline` is independent of the text)."""
        state = self.rng.getstate()
        left = self.byline(self.chrome(left))
        self.rng.setstate(state)
        return left, self.byline(self.chrome(right))

    def exact(self, doc: Doc) -> Doc:
        return doc

    def combined(self, doc: Doc) -> Doc:
        copy = self.reworded(doc, self.rng.randint(2, 3))
        copy = self.para_added(copy, 1) if self.rng.random() < 0.5 else self.para_dropped(copy, 1)
        return self.chrome(self.headline(self.byline(copy)))


SINGLE = ["exact", "chrome", "headline", "byline", "para_added", "para_dropped", "reworded"]


def other_url(doc: Doc, kind: str, number: int) -> str:
    host = "portal.example" if doc.language == "ko" else "aggregator.example"
    return f"https://{host}/{kind}/{number:04d}/{doc.id}"


def mined_same_entities(pages: list[Doc]) -> list[tuple[Doc, Doc]]:
    """Page pairs (one language) whose labels share two or more non-publisher organisations,
    people or products."""
    labels = json.loads((PAGES / "labels.json").read_text(encoding="utf-8"))["pages"]
    ids = {p["id"]: {e["id"] for e in p["must_find"] if e.get("id") and e["id"] not in PUBLISHERS
                     and e["id"].split(":")[0] in ("org", "per", "prd")} for p in labels}
    by_id = {doc.id: doc for doc in pages}
    return [(by_id[a], by_id[b]) for a, b in itertools.combinations(sorted(ids), 2)
            if by_id[a].language == by_id[b].language and len(ids[a] & ids[b]) >= 2]


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    pages, real = load_pages(), load_topics_real()
    docs = {doc.id: doc for doc in [*pages, *real]}
    titles = {lang: sorted(d.title for d in docs.values() if d.language == lang)
              for lang in ("ko", "en")}
    copier = Copier(rng, titles)
    transforms: dict[str, Callable[[Doc], Doc]] = {
        kind: getattr(copier, kind) for kind in [*SINGLE, "combined"]
    }
    pairs: list[tuple[int, str, Doc, Doc]] = []

    kinds = itertools.cycle(SINGLE)
    for doc in [*pages, *real]:
        for kind in [next(kinds), "combined"] if doc in pages else [next(kinds)]:
            copy = transforms[kind](doc)
            copy = replace(copy, id=f"{doc.id}~{kind}", url=other_url(doc, kind, len(pairs)))
            pairs.append((1, kind, doc, copy))

    for kind, base, story in load_stories(docs):
        pairs.append((0, kind, base, story))
    for left, right in mined_same_entities(pages):
        pairs.append((0, "same_entities", left, right))
    for lang in ("ko", "en"):
        by_topic: dict[str, list[Doc]] = {}
        for doc in real:
            if doc.language == lang:
                by_topic.setdefault(doc.group, []).append(doc)
        for topic in sorted(by_topic):
            combos = list(itertools.combinations(by_topic[topic], 2))
            for left, right in rng.sample(combos, min(2, len(combos))):
                pairs.append((0, "same_topic", left, right))
        same_language = [doc for doc in [*pages, *real] if doc.language == lang]
        for _ in range(20):
            left, right = rng.sample(same_language, 2)
            pairs.append((0, "same_site", *copier.same_site(left, right)))

    return [{"id": f"p{number:04d}", "label": label, "kind": kind, "language": a.language,
             "a": a.record(), "b": b.record()}
            for number, (label, kind, a, b) in enumerate(pairs, start=1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed pairs.jsonl differs from a fresh build")
    args = parser.parse_args()
    rows = build()
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    counts = Counter((row["label"], row["kind"], row["language"]) for row in rows)
    for (label, kind, language), count in sorted(counts.items()):
        print(f"{label} {kind:14} {language} {count:4}")
    print(f"{len(rows)} pairs: {sum(r['label'] for r in rows)} positive, "
          f"{sum(1 - r['label'] for r in rows)} negative")
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(json.dumps({"pairs": len(rows), "up_to_date": same}))
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(json.dumps({"pairs": len(rows), "written": str(OUT.relative_to(ROOT))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
