"""Every site-specific and boilerplate rule of the extractor, in one place, grouped by concern.

The extractor itself is generic (a content scorer plus metadata readers); this module is the
small, documented set of CSS selectors and text patterns it consults. Selectors are evaluated by
lexbor in C, so long selector lists cost little. Keep rules generic where possible; a portal or
publisher rule names the site it is for.
"""

from __future__ import annotations

import re

# --- removal before scoring ---------------------------------------------------------------

#: Elements that never carry article text (a ``noscript`` is kept when it holds a page's text,
#: :data:`NOSCRIPT_TEXT_CHARS`; a ruby's reading aids are skipped by the walk,
#: ``content.SKIP_NODES``, which costs less than two more selectors here).
DROP_TAGS = (
    "script, style, noscript, template, svg, canvas, iframe, object, embed, video, audio, "
    "button, input, select, textarea, option, head"
)
#: A ``<noscript>`` holding at least this much text is the page's version for readers without
#: JavaScript (Blogger's posts, a site wrapped whole in one), not a tracking pixel or an
#: "enable JavaScript" notice, and is read like any other element.
NOSCRIPT_TEXT_CHARS = 200
#: Structural chrome, dropped too unless one of them holds most of the page's text (broken
#: markup: an unclosed ``<aside>`` swallows the rest of the page).
DROP_STRUCTURAL = "nav, footer, aside, dialog, menu, form"

#: Class/id substrings of page chrome (share bars, related lists, comments, newsletter boxes...).
_CHROME_WORDS = (
    "share", "sharing", "social", "related", "recommend", "comment", "newsletter", "subscribe",
    "signup", "sign-up", "sidebar", "breadcrumb", "cookie", "consent", "popup", "modal",
    "advert", "sponsor", "promo", "byline", "author-bio", "author-box", "authorbox",
    "author_info", "author-info", "post-meta", "entry-meta", "article-meta", "tags", "tag-list",
    "taglist", "pagination", "pager", "skip-link", "disqus", "outbrain", "taboola",
    "trending", "most-read", "mostread", "popular", "masthead", "toolbar", "copyright",
    "reporter", "journalist", "footer", "navbar", "nav-", "menu", "dropdown", "login",
    "caption", "read-more", "readmore", "next-post", "prev-post", "post-nav", "screen-reader",
    "sr-only", "visually-hidden", "print-only", "jump-link", "toc-", "reactions", "rating",
)


def _literal_trie(words: tuple[str, ...]) -> str:
    """A regex source that finds the same occurrences as ``"|".join(words)`` (escaped) but is
    factored as a trie (``s(?:har(?:e|ing)|ocial)``), so that a search tries one branch per
    character instead of every word: about three times faster on class names."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        if "" in node:
            return ""  # a word ends here; a longer one found here would add nothing
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(node)]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(trie)


#: Matched against ``class`` + ``id`` of every element that has one, lower-cased after a ``-``
#: is put at each camelCase hump (:data:`CAMEL_HUMP`); a word counts only at the start of a
#: name or after a separator (``comments-area``, ``post-sidebar``, ``relatedPosts``), not inside
#: another word (``contextmenu`` on paragraphs, ``commentary``).
CHROME_NAMES = re.compile(r"(?<![a-z0-9])" + _literal_trie(_CHROME_WORDS))
CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: Chrome recognised by role or visibility rather than by name.
CHROME_SELECTOR = ", ".join(
    [
        '[role="navigation"]', '[role="complementary"]', '[role="contentinfo"]',
        '[role="banner"]', '[role="dialog"]', '[role="menu"]', "[hidden]",
        '[style*="display:none"]', '[style*="display: none"]', '[aria-hidden="true"]',
        'header',
    ]
)
#: Roles of collapsible content panels, kept although hidden (:data:`CHROME_SELECTOR`).
PANEL_ROLES = frozenset({"region", "tabpanel"})
#: The id of a React streaming segment (``<div hidden id="S:1f">``), kept although hidden, and
#: the segments, moved first to their placeholders (``<template id="B:1f">``).
STREAMED_SEGMENT_ID = re.compile(r"S:[0-9a-z]+")
STREAMED_SEGMENTS = 'div[hidden][id^="S:"]'
#: A chrome word in a class/id that says the opposite (``ast-no-sidebar``, ``has-comments``),
#: only describes a layout as a BEM modifier (``m-article--sidebar-right``), or is a syntax
#: highlighter's token class inside a code sample (``hljs-comment``, Prism's ``token comment``).
CHROME_NEGATED = re.compile(r"(?:(?:no|has|with|without|hide)[-_]|--)(?:[a-z]+[-_])?(?:" + "|".join(
    re.escape(w) for w in _CHROME_WORDS) + r")|(?:hljs-|cm-|token )comment")
#: Chrome words that name a place in the layout rather than a kind of content: an element named
#: only by these (``inline-and-sidebar-container``, ``content-nav-section``) is kept when it
#: holds runs of long paragraphs (:data:`LAYOUT_PROSE_CHARS`), which navigation and sidebars
#: never do. Comments, related lists and newsletters are judged by name alone.
LAYOUT_CHROME_WORDS = re.compile(r"sidebar|navbar|nav-|menu|dropdown|toolbar|toc-")
#: Characters in paragraphs of 100 or more characters that make a layout-named element content.
LAYOUT_PROSE_CHARS = 800
#: Elements never removed as chrome (their classes often name what they contain).
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
#: The article's own text container, as publishing systems name it. An element named as chrome
#: that is one of these, or holds one with most of its text, is a wrapper around the article
#: (``socialicons-sticky`` around ``entry-content``, ``entry themeform share``,
#: ``entry-content-read-more``), not chrome: see :data:`CONTENT_WRAPPER_SHARE`.
CONTENT_SELECTOR = (
    '[itemprop="articleBody"], .entry-content, .post-content, .article-content, .article-body, '
    ".articleBody, .post-body, .story-body, .entry-body, .entry-inner, .post-entry, "
    ".single-content, .blog-post-content"
)
#: ... and holds at least this much text (a teaser's excerpt, named like a post's text in many
#: themes, holds less).
CONTENT_MIN_CHARS = 500
#: A chrome-named element is examined as a possible wrapper of the article only when it holds
#: at least this share of the page's text (a share button or a teaser holds far less).
CONTENT_WRAPPER_SHARE = 0.1

# --- captions (kept out of the body, attached to the image) -------------------------------

CAPTION_SELECTOR = (
    'figcaption, [class*="caption"], [class*="img_desc"], [class*="photo_desc"], '
    '[class*="image-desc"], [class*="credit"]'
)  # (WordPress ``wp-caption-text`` is covered by ``[class*="caption"]``)

# --- article kinds (``streams.parse.kinds``) ------------------------------------------------

#: ``og:type`` values (prefixes) that mark the page as an article or a video, and the ``<meta>``
#: that only article pages carry.
MARKED_OG_TYPES = ("article", "video")
MARKED_META_KEY = "article:published_time"
#: ``<meta>`` names that announce the page's video.
VIDEO_META_KEYS = ("og:video", "og:video:url", "og:video:secure_url", "twitter:player")
#: Dropped elements that can be a video player: ``<video>``, and embeds whose source is a video
#: host or a player (YouTube, Vimeo, Naver TV, Kakao TV, broadcasters' ``player``/``vod`` pages).
PLAYER_TAGS = frozenset({"video", "iframe", "embed", "object"})
VIDEO_EMBED = re.compile(
    r"(?i)youtube|youtu\.be|vimeo|dailymotion|tv\.naver|tv\.kakao|brightcove|jwplayer|jwplatform|"
    r"player|vod|video|movie"
)
#: The message of an error page (a missing or deleted page), in its title or first blocks.
ERROR_PAGE = re.compile(
    r"(?i)\b404\b.{0,20}\b(?:error|not found|page)|\berror\s*404\b|^\s*404\s*$|"
    r"\bpage (?:not found|does(?:n't|n’t| not) exist|(?:can(?:no|'|’)t|could not) be found)|"
    r"\b(?:that|this|the) page (?:can(?:no|'|’)t|could not) be found|nothing was found at|"
    r"(?:페이지|기사|주소)[^.]{0,20}(?:찾을 수 없|존재하지 않|삭제되었)|삭제된 기사|"
    r"존재하지 않는 (?:페이지|기사)|잘못된 (?:주소|경로|접근)"
)
#: The wording of a consent notice (a cookie wall shown instead of the article): the site and its
#: partners storing cookies on the reader's device, accept/reject choices, consent requests.
CONSENT_NOTICE = re.compile(
    r"(?i)\b(?:we|our (?:\d+ )?partners)\b.{0,80}\bcookies?\b|"
    r"\bcookies?\b.{0,80}\byour (?:device|browser|consent|choices|preferences)|"
    r"\b(?:accept|reject|allow) (?:all|cookies)\b|click to consent|"
    r"(?:manage|change) your (?:choices|preferences|consent)|"
    r"쿠키.{0,40}(?:동의|허용)|동의(?:해|하여) 주(?:십시오|세요)|동의하지 않으면"
)
# --- Korean bylines (``streams.parse.authors``) ---------------------------------------------

#: Role words printed after a Korean reporter's name (``홍길동 기자``, ``이영희 PD``), kept as
#: ``Author.role``; longest first, so that ``선임기자`` is not read as ``기자``. A role word that
#: goes on into another word is not a role (``기자회견``, ``기자단``, ``기자실``, ``기자들``).
KO_ROLES = (
    "선임기자", "수석기자", "전문기자", "객원기자", "인턴기자", "수습기자", "사진기자",
    "영상기자", "대기자", "기자", "특파원", "에디터", "논설위원", "편집위원", "해설위원",
    "칼럼니스트", "통신원", "앵커", "리포터", "기상캐스터", "PD",
)
KO_ROLE = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(KO_ROLES) + r")(?![A-Za-z]|회견|단|실|협회|들|증|간담)"
)
#: Korean family names (the common single-syllable ones, less those that mostly start other
#: words: 여야, 금융, 제주, 기사; and the two-syllable ones): a Korean name is two to four
#: syllables and starts with one, which tells it from a place, a desk or an outlet printed
#: beside it (``워싱턴``, ``정치부``, ``스포츠``).
KO_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송전홍유류고문양손배백허남심노하곽성차주우구민진나지엄채"
    "원천방현함변염추옥육맹탁명표길경"
) | {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방"}
#: Words that end (or are) the name of an outlet (``MK스포츠``, ``연합뉴스``, ``한국경제``):
#: printed between a reporter's name and role, they belong to the publisher.
KO_OUTLET = re.compile(
    r"[A-Za-z0-9]|(?:뉴스|일보|신문|방송|미디어|닷컴|경제|타임스|투데이|데일리|스포츠|저널|통신|"
    r"뉴시스|티비|매거진|위클리|포스트|헤럴드)$"
)
#: Words of a byline that are desks, credits or staff ranks, not names (``사진``, ``편집``).
KO_NOT_NAMES = frozenset({"사진", "영상", "편집", "취재", "촬영", "그래픽", "인턴", "수습", "선임",
                          "객원", "전문", "디지털", "온라인", "기획", "특별", "공동", "종합",
                          "이번", "이날", "오늘", "지난", "전체", "본사", "외신", "연합",
                          "서울", "홍콩"})
#: A credit line (a camera operator, an editor, a photographer): not a byline's author.
KO_CREDIT_LINE = re.compile(
    r"^\W*(?:영상편집|영상취재|영상촬영|촬영기자|사진촬영|촬영|편집|그래픽|디자인|사진|영상)\s*[:=：]"
)
#: Section names, never an author (a section or desk put in an author field); compared in
#: lower case with the page's own sections (``article:section``, ``articleSection``,
#: breadcrumbs).
SECTION_NAMES = frozenset({
    "정치", "경제", "사회", "국제", "세계", "문화", "연예", "스포츠", "오피니언", "사설", "칼럼",
    "산업", "금융", "증권", "부동산", "과학", "생활", "건강", "여행", "라이프", "전국", "지역",
    "북한", "교육", "날씨", "포토", "영상", "속보", "종합", "사람", "인물", "기획", "연재", "테크",
    "자동차", "게임", "야구", "축구", "골프", "농구", "배구", "방송", "엔터", "뉴스", "이슈",
    "글로벌", "it", "news", "politics", "business", "economy", "money", "markets", "world",
    "national", "local", "sport", "sports", "opinion", "comment", "culture", "arts",
    "entertainment", "technology", "tech", "science", "health", "lifestyle", "travel",
    "environment", "climate", "weather", "video", "videos", "photos", "breaking news",
    "education", "food",
})

#: The end of a sentence somewhere in a text (a word, then ``.``/``!``/``?`` and a space or the
#: end; a Korean sentence may end in ``다``/``요`` alone): a short page's text or caption must have
#: one, where a blog's tagline, a widget's label or a photo credit has none.
SENTENCE_END = re.compile(r"[\w)\]\"'”’][.!?。](?=\s|$)|[다요]$")
#: Words of which each block of a consent notice holds one (as written: ``Cookies``,
#: ``COOKIE``...).
CONSENT_WORDS = ("ookie", "OOKIE", "onsent", "ONSENT", "쿠키", "동의")
#: A caption or line that only credits a photo or video (``Photo: AP``, ``사진=연합뉴스``).
CREDIT_LINE = re.compile(
    r"(?i)^\W*(?:photo(?:graph)?s?|images?|video|credits?|source|courtesy|사진|영상|그래픽|자료|출처)"
    r"\s*(?:by\s*)?[:=/|]"
)

# --- portal / publisher content containers ------------------------------------------------
#: (site, host suffixes, selector) triples tried in order, only on pages from those hosts (a
#: selector such as ``main#main-content article`` is common on other sites, where the generic
#: scorer does better); the first that matches with enough text is the body.
SITE_CONTENT_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("naver news", ("naver.com",), "#dic_area"),
    ("naver news (old)", ("naver.com",), "#articleBodyContents"),
    ("naver sports/entertainment", ("naver.com",), "#articeBody"),
    ("naver news", ("naver.com",), "#newsct_article"),
    ("daum news", ("daum.net",), "div.article_view"),
    ("yonhap", ("yna.co.kr", "yonhapnews.co.kr"), "article.story-news, div.story-news"),
    ("joongang", ("joongang.co.kr", "joins.com"), "#article_body"),
    ("hankyoreh", ("hani.co.kr",), "div.article-text"),
    ("kbs", ("kbs.co.kr",), "#cont_newstext"),
    ("chosun (arc xp)", ("chosun.com",), "section.article-body"),
    ("donga", ("donga.com",), "section.news_view, div.article_txt"),
    ("hankyung", ("hankyung.com",), "#articletxt"),
    ("mbc", ("imbc.com",), "div.news_txt"),
    ("sbs", ("sbs.co.kr",), "div.text_area"),
    ("bbc", ("bbc.com", "bbc.co.uk"), "main#main-content article"),
    ("ap news", ("apnews.com",), "div.RichTextStoryBody"),
    ("guardian", ("theguardian.com",), '[data-gu-name="body"]'),
)


def site_rules_for(host: str) -> list[str]:
    """The content selectors of :data:`SITE_CONTENT_RULES` that apply to ``host``."""
    host = host.lower().split(":")[0]
    return [selector for _site, hosts, selector in SITE_CONTENT_RULES
            if any(host == h or host.endswith("." + h) for h in hosts)]


# --- metadata -----------------------------------------------------------------------------

BYLINE_SELECTOR = (
    '[rel="author"], [itemprop="author"], [class*="byline"], [class*="author-name"], '
    '[class*="author_name"], [class*="authorName"], a[href*="/author/"], a[href*="/authors/"], '
    '[class*="reporter"], [class*="journalist"], [data-testid*="byline"], [class*="author"]'
)
#: ``BYLINE_SELECTOR`` without the three class substrings that ``[class*="author"]`` already
#: covers (lexbor compares them case-sensitively), for speed: lexbor returns an element once per
#: selector of the list that it matches, so :func:`streams.parse.core._byline_texts` adds one
#: copy per substring in ``BYLINE_SUBSUMED`` to reproduce ``css(BYLINE_SELECTOR)`` exactly.
BYLINE_QUERY = (
    '[rel="author"], [itemprop="author"], [class*="byline"], a[href*="/author/"], '
    'a[href*="/authors/"], [class*="reporter"], [class*="journalist"], '
    '[data-testid*="byline"], [class*="author"]'
)
BYLINE_SUBSUMED = ("author-name", "author_name", "authorName")

#: Ancestors that make an ``<h1>`` page chrome rather than the headline (checked by tag, role
#: and class/id words): site branding, navigation, dialogs, widgets, footers.
H1_CHROME_TAGS = frozenset({"nav", "footer", "aside", "dialog", "menu", "form", "button"})
H1_CHROME_ROLES = frozenset({"navigation", "dialog", "banner", "contentinfo", "complementary",
                             "menu"})
H1_CHROME_NAMES = re.compile(
    r"(?i)site[-_]?(?:title|name|logo|branding|header)|\blogo|branding|navbar|"
    r"\bnav\b|[-_]nav\b|menu|footer|sidebar|widget-title|\bmodal|screen-reader|sr-only|"
    r"visually-hidden|newsletter|related|breadcrumb"
)
#: Explicit standfirst / dek / subtitle markup (schema.org ``alternativeHeadline``, common CMS
#: classes, the Korean ``sub_tit``/``subtitle`` patterns). ``og:description`` is never used: it
#: is a summary for link previews, not something the page shows under its headline.
SUBTITLE_SELECTOR = (
    '[itemprop="alternativeHeadline"], [class*="subtitle"], [class*="sub-title"], '
    '[class*="sub_tit"], [class*="subhead"], [class*="sub-head"], '
    '[class*="standfirst"], [class*="dek"], [class*="deck"], [class*="strapline"], '
    '[data-testid*="subtitle"], [data-testid*="standfirst"], hgroup > p, hgroup > h2'
)
#: Class words that look like a subtitle selector but are not (``decked``, ``deckle``...).
SUBTITLE_NOT = re.compile(r"(?i)checkbox|deckle|decked|subheader-nav|sub-?head(?:er|ing)s?-?nav")
#: Markup a standfirst never contains (a second paragraph, lists, images, forms, headings).
SUBTITLE_NOT_INSIDE = "h1, p + p, li, img, form, input, button, time"
#: Text that is not a standfirst: breadcrumbs, newsletter/contact pitches, author credentials.
SUBTITLE_CHROME_TEXT = re.compile(
    r"(?i)\s[>›»]\s|newsletter|subscribe|sign up|in touch|contact us|\b(?:DVM|PhD|MD|RN)\b|"
    r"기자\s*$|구독"
)

# --- text patterns ------------------------------------------------------------------------

#: Whole blocks of page chrome recognised by their words (any language we see): a chrome
#: phrase at the start of the block, or one of the phrases anywhere in it.
_CHROME_TEXT_LEAD = (
    r"(?:share( this)?|tweet|advertisement|related( articles| stories| posts)?|"
    r"read more|see also|sign up|subscribe|loading|skip to|관련\s*(?:기사|뉴스|자료)|"
    r"많이 본 뉴스|추천 기사|기사 공유|공유하기|구독|광고|"
    # follow/pin calls, "more to read" list headings, comment counters, cookie banners
    r"follow (?:us|me)|pin (?:this|it)? ?for later|you (?:might|may) (?:also )?like|"
    r"recommended (?:posts|articles|stories|reading|for you)|more from|"
    r"other posts you may enjoy|what others are reading|\d+ comments|cookie (?:consent|settings)|"
    # comment threads and post footers
    r"reply|leave a (?:comment|reply)|recent posts|(?:previous|next) (?:post|article)|"
    r"thanks? (?:you )?for reading|"
    # reading-time labels, the US government site banner
    r"\d+ min(?:ute)?s? read|official websites use \.gov|secure \.gov websites)"
    r"(?!\w)"
)
_CHROME_TEXT_ANY = (
    r"등록된 댓글이 없습니다|댓글\s*\d+|로그인한 회원만|무단\s*전재|재배포\s*금지"
    r"|all rights reserved|sign up for (?:our|the) newsletter|subscribe to (?:our|the)"
    # affiliate disclosures, which sites put in the article column
    r"|(?:earn|receive|get) (?:a )?(?:small )?(?:commission|compensation)|qualifying purchases"
    r"|reader-supported|supported by commissions"
    # the success and failure notes of embedded forms (hidden until submitted)
    r"|your submission has been received|something went wrong while submitting"
)
CHROME_TEXT = re.compile(rf"(?i)^{_CHROME_TEXT_LEAD}|{_CHROME_TEXT_ANY}")
_CHROME_TEXT_LEAD_RE = re.compile(rf"(?i){_CHROME_TEXT_LEAD}")
_CHROME_TEXT_ANY_RE = re.compile(rf"(?i){_CHROME_TEXT_ANY}")


def chrome_text(text: str) -> bool:
    """``bool(CHROME_TEXT.search(text))``, about four times faster: the unanchored phrases are
    searched for only when a substring that each of them needs is present (one per phrase; the
    English ones are looked up in the lower-cased text and contain no ``i``/``s``/``k``, which
    ``(?i)`` also matches to ``ı``/``ſ``/``K``). Add a substring here with every phrase added to
    ``_CHROME_TEXT_ANY``."""
    if _CHROME_TEXT_LEAD_RE.match(text):
        return True
    low = text.lower()
    if (
        "댓글" in text or "로그인한 회원만" in text or "무단" in text or "재배포" in text
        or "erved" in low or "gn up for " in low or "be to " in low or "ommission" in low
        or "ompensation" in low or "purchases" in low or "reader-" in low or "submi" in low
    ):
        return bool(_CHROME_TEXT_ANY_RE.search(text))
    return False


#: "More to read" headings in the languages other than English and Korean of the pages we see:
#: whole-line labels (:data:`LABEL_LINE`), and in the last third of a body the start of its
#: tail (:data:`TAIL_SECTION`).
_MORE_TO_READ = (
    r"(?:mehr (?:zum thema|zu [\w -]{2,30}|artikel|beiträge|nachrichten|news)|"
    r"das könnte (?:sie|dich) (?:auch )?interessieren|lesen sie (?:auch|mehr)|auch interessant|"
    r"(?:verwandte|ähnliche|weitere|neueste|aktuelle) (?:beiträge|artikel|nachrichten|news|"
    r"themen|themenbereiche|kommentare|informationen)|"
    r"weiterführende informationen|zum weiterlesen|weiterlesen|siehe auch|"
    r"(?:à )?lire aussi|voir aussi|articles similaires|sur le même sujet|"
    r"temas relacionados|noticias relacionadas|lee también|te puede interesar|"
    r"veja também|leia também|notícias relacionadas|leggi anche|articoli correlati|"
    r"potrebbe interessarti|lees ook|gerelateerde artikelen|meer nieuws|"
    r"zobacz (?:także|też)|czytaj (?:także|też|więcej)|ezek is érdekelhetnek)"
)
#: A whole short block that only labels what follows or what the page is (a table of contents,
#: a tag list, a reading time, a bare date): never article text.
LABEL_LINE = re.compile(
    r"(?i)^(?:table of contents|contents|in this article|on this page|tags|disclaimer|"
    r"(?:last )?updated:?|published:?|advertising|sponsored|"
    # calls to action and site links that stand alone as a line (those that open with a
    # CHROME_TEXT phrase, "Sign up", "Subscribe", "Follow us", are dropped by it already)
    r"contact us(?: today)?!?|privacy policy|terms (?:&|and) conditions|terms of (?:use|service)|"
    r"log ?in|sign ?in|register|home|newsletters?|"
    r"join (?:our|the) (?:newsletter|mailing list)|stay connected(?: with (?:me|us))?!?|"
    r"article continues below|advertise with us|add a comment|"
    r"request a (?:free )?(?:quote|demo|consultation)|get started(?: today)?!?|"
    r"(?:an? |\d+ )(?:second|minute|hour|day|week|month|year)s? ago|"
    r"comments are closed\.?|"
    # the same labels and "more to read" headings in the other languages of the pages we see
    # (German, French, Spanish, Portuguese, Italian, Dutch, Polish, Hungarian)
    rf"{_MORE_TO_READ}|"
    r"(?:jetzt teilen|(?:artikel|beitrag|seite) teilen|"
    r"(?:rezept )?drucken|drukuj|imprimer|kontakt|autor(?:in|en)?|quelle|źródło|"
    r"externer inhalt|meist gesucht|schwerpunkte|die kommentarfunktion ist geschlossen|"
    r"valora esta noticia|contexto de la noticia|compartir|partager|condividi|compartilhe|"
    r"anzeige|werbung|publicité|publicidad)[\s:.!…-]*|"
    # a bare date, or one after an update or publication label (``Aktualisiert: 11.04.2020,
    # 10:27``, ``7. oktober 2020``)
    r"(?:(?:aktualisiert|publiziert|veröffentlicht|erstellt|stand|mis à jour|publié|"
    r"actualizado|publicado|aggiornato|pubblicato)(?: am| le| el| em| il)?:? )?"
    r"(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}\.? (?:jan|j[äa]n|feb|f[ée]v|m[äa]r|apr|avr|abr|mai|"
    r"may|mag|jun|jui|jul|lug|aug|ao[uû]|ago|sep|set|okt|oct|ott|nov|dez|d[ée]c|dic)[a-zäéû]*\.? "
    r"\d{4})(?:,? (?:um )?\d{1,2}[:.]\d{2}"
    r"(?: uhr)?)?|"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|"
    r"\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,? \d{4}|"
    r"\d{1,2}/\d{1,2}/\d{2,4}|\d{4}[-.]\d{1,2}[-.]\d{1,2}\.?)"
    r"(?: ?[⋅·•|] ?\d+ min(?:ute)?s? read)?)$"
)
#: A copyright line; group 1 is the holder (used as publisher when nothing better exists).
COPYRIGHT = re.compile(
    r"(?i)^\s*(?:copyright\s*(?:©|ⓒ|\(c\))?|©|ⓒ|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?"
    r"([^.,|\n]{2,40}?)\s*(?:[.,|]|all rights|무단|$)"
)
#: Korean news lead dateline: ``[파이낸셜뉴스]``, ``[서울=뉴시스]``, ``[이데일리 홍길동 기자]``.
LEAD_DATELINE = re.compile(r"^\s*[\[【(]([^\]】)]{2,30})[\]】)]")
#: What follows an author's name at the start of a closing bio (``Jane Doe is a food writer``).
BIO_VERB = re.compile(
    r",? (?:is|was|has|holds|started|founded|co-founded|writes|covers|joined|lives|leads|"
    r"teaches|specializes|specialises|serves)\b"
)
#: A short block in the second half of the body that is only the heading of what follows the
#: article (teasers, video lists, testimonials): the body ends there (``core._filter_blocks``).
#: A whole-block match: "Read more: <title>" links and calls to action inside articles differ.
TAIL_SECTION = re.compile(
    r"(?i)(?:(?:latest|recent|more|related|popular|trending|recommended|other|similar)"
    r"(?: blog)? (?:news|articles|posts|stories|videos|reads|guides|blogs?)|"
    r"you (?:might|may) (?:also )?(?:like|enjoy)|read next|keep reading|testimonials|"
    r"what (?:our )?(?:patients|clients|customers|readers|people) (?:are )?say(?:ing)?|"
    r"관련\s*기사|많이 본 (?:뉴스|기사)|추천 기사|최신 기사|인기 기사|"
    rf"{_MORE_TO_READ})[\s:.!…]*"
)
#: The heading of a closing author box.
AUTHOR_BOX = re.compile(
    r"(?i)(?:about the (?:author|writer)|meet the author|written by|"
    r"über (?:den autor|die autorin)|zum autor|zur autorin|à propos de l'auteur|"
    r"sobre (?:el|la|o|a) autor|l'autore|over de auteur|o autorze)\b"
)
#: An author name shaped like a person's: two or three capitalised words (``Jean-Luc Aufranc``).
PERSON_NAME = re.compile(r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,2}")
#: Words in an author field that name an organisation or a team, not a person.
NOT_A_PERSON = re.compile(
    r"\b(?:Official|Team|Staff|Editors?|Editorial|Inc|LLC|Ltd|Group|Media|News|From|By|Blog|"
    r"Admin|Press|The|Contributor|Writer|Desk|Company|Agency|University|Institute|Clinic|"
    r"Online)\b"
)
#: A line that is only hashtags.
HASHTAG_LINE = re.compile(r"^(?:#[^\s#]+\s*){2,}$")
HASHTAG = re.compile(r"#([^\s#]+)")
#: Text markers that end a title line in scraped fragments (``제목 작성일 05-10``).
TITLE_END_MARKERS = re.compile(
    r"\s+(?:작성일|입력|기사입력|수정|업데이트|등록|Posted|Published|Updated|By)\b.*$"
)

# --- titles -------------------------------------------------------------------------------

#: The share of words (Jaccard) an ``<h1>`` must have in common with a metadata title
#: (``og:title``, JSON-LD ``headline``, ``<title>``) to be taken as the same headline; an
#: ``<h1>`` below it for every metadata title is a section label, not the page's title.
H1_TITLE_MIN_OVERLAP = 0.15
#: An ``<h1>`` found inside a longer metadata title counts as that title only when it covers at
#: least this share of it (``Our blog`` inside ``How we … our blog … in 2025``: a coincidence).
H1_TITLE_MIN_SHARE = 0.15

# --- dates --------------------------------------------------------------------------------

#: ``<meta>`` names (``name``/``property``/``itemprop``, lower-cased) of the publication date,
#: in order of preference.
META_PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date",
    "sailthru.date", "parsely-pub-date", "article.published", "dable:published_time", "ptime",
    "published", "publication_date", "publish_date", "article:published",
)
#: ``<meta>`` names of the last-modified date, in order of preference.
META_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified",
                      "last-modified", "dc.date.modified", "article.updated", "utime")
#: Other ``<meta>`` names of a publication date (``published-date``, ``w-published-date``,
#: ``cxenseparse:recs:publishtime``), read after those of :data:`META_PUBLISHED_KEYS`.
META_PUBLISHED_KEY = re.compile(r"(?:^|[-_.:])publish(?:ed)?[-_]?(?:date|time)$")
#: Labels printed before a page's date (``Published on``, ``Updated:``, ``입력``), as a regex
#: alternation (tried in this order at each position).
DATE_LABELS = (
    r"입력|등록|작성일?|기사입력|게재|발행|Published|Posted|Updated|Date|Last updated"
)
#: The labels of :data:`DATE_LABELS` that announce a later revision, not the publication.
UPDATE_LABEL = re.compile(r"Updated|Last updated")
#: How much of the text under the headline is read for its printed date (a byline line:
#: names, a date, a reading time); longer reaches the first paragraph, whose dates are events.
HEADLINE_DATE_WINDOW = 200
#: What separates two dates printed side by side (``May 2, 2024 · Updated …``).
DATE_JOINERS = " \t\n\xa0-–—|·•,;()"
