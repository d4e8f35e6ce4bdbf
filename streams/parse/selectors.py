"""Every site-specific and boilerplate rule of the extractor, in one place, grouped by concern.

The extractor itself is generic (a content scorer plus metadata readers); this module is the
small, documented set of CSS selectors and text patterns it consults. Selectors are evaluated by
lexbor in C, so long selector lists cost little. Keep rules generic where possible; a portal or
publisher rule names the site it is for.
"""

from __future__ import annotations

import re

# --- removal before scoring ---------------------------------------------------------------

#: Elements that never carry article text.
DROP_TAGS = (
    "script, style, noscript, template, svg, canvas, iframe, object, embed, video, audio, "
    "button, input, select, textarea, option, nav, footer, aside, dialog, menu, head"
)

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
#: Matched (case-insensitively) against ``class`` + ``id`` of every element that has one.
CHROME_NAMES = re.compile("|".join(re.escape(word) for word in _CHROME_WORDS))
#: Chrome recognised by role or visibility rather than by name.
CHROME_SELECTOR = ", ".join(
    [
        '[role="navigation"]', '[role="complementary"]', '[role="contentinfo"]',
        '[role="banner"]', '[role="dialog"]', '[role="menu"]', "[hidden]",
        '[style*="display:none"]', '[style*="display: none"]', '[aria-hidden="true"]',
        'header',
    ]
)
#: A chrome word in a class/id that says the opposite (``ast-no-sidebar``, ``has-comments``).
CHROME_NEGATED = re.compile(r"(?:no|has|with|without|hide)[-_](?:[a-z]+[-_])?(?:" + "|".join(
    re.escape(w) for w in _CHROME_WORDS) + ")")
#: Elements never removed as chrome (their classes often name what they contain).
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})

# --- captions (kept out of the body, attached to the image) -------------------------------

CAPTION_SELECTOR = (
    'figcaption, [class*="caption"], [class*="img_desc"], [class*="photo_desc"], '
    '[class*="image-desc"], [class*="wp-caption-text"], [class*="credit"]'
)

# --- portal / publisher content containers ------------------------------------------------
#: (site, selector) pairs tried in order; the first that matches with enough text is the body.
SITE_CONTENT_RULES: tuple[tuple[str, str], ...] = (
    ("naver news", "#dic_area"),
    ("naver news (old)", "#articleBodyContents"),
    ("naver sports/entertainment", "#articeBody"),
    ("naver news", "#newsct_article"),
    ("daum news", "div.article_view"),
    ("yonhap", "article.story-news, div.story-news"),
    ("joongang", "#article_body"),
    ("hankyoreh", "div.article-text"),
    ("kbs", "#cont_newstext"),
    ("chosun (arc xp)", "section.article-body"),
    ("donga", "section.news_view, div.article_txt"),
    ("hankyung", "#articletxt"),
    ("mbc", "div.news_txt"),
    ("sbs", "div.text_area"),
    ("bbc", "main#main-content article"),
    ("ap news", "div.RichTextStoryBody"),
    ("guardian", '[data-gu-name="body"]'),
)

#: Generic markers of the article body (schema.org microdata and common CMS classes); they
#: win over the scorer only when they hold most of the scored text.
GENERIC_CONTENT_HINTS = (
    '[itemprop="articleBody"], [data-testid="ArticleBody"], div.entry-content, '
    "div.post-content, div.article-body, div.article-content, div.story-body"
)

# --- metadata -----------------------------------------------------------------------------

BYLINE_SELECTOR = (
    '[rel="author"], [itemprop="author"], [class*="byline"], [class*="author-name"], '
    '[class*="author_name"], [class*="authorName"], a[href*="/author/"], [class*="reporter"], '
    '[class*="journalist"], [data-testid*="byline"], [class*="author"]'
)
TIME_SELECTOR = "time[datetime], time[pubdate]"
TAG_LINK_SELECTOR = 'a[rel="tag"], a[rel~="tag"]'

# --- text patterns ------------------------------------------------------------------------

#: Whole blocks of page chrome recognised by their words (any language we see).
CHROME_TEXT = re.compile(
    r"(?i)^(?:share( this)?|tweet|advertisement|related( articles| stories| posts)?|"
    r"read more|see also|sign up|subscribe|loading|skip to|관련\s*(?:기사|뉴스|자료)|"
    r"많이 본 뉴스|추천 기사|기사 공유|공유하기|구독|광고)\b"
    r"|등록된 댓글이 없습니다|댓글\s*\d+|로그인한 회원만|무단\s*전재|재배포\s*금지"
    r"|all rights reserved|sign up for (?:our|the) newsletter|subscribe to (?:our|the)"
)
#: A copyright line; group 1 is the holder (used as publisher when nothing better exists).
COPYRIGHT = re.compile(
    r"(?i)^\s*(?:copyright\s*(?:©|ⓒ|\(c\))?|©|ⓒ|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?"
    r"([^.,|\n]{2,40}?)\s*(?:[.,|]|all rights|무단|$)"
)
#: Korean news lead dateline: ``[파이낸셜뉴스]``, ``[서울=뉴시스]``, ``[이데일리 홍길동 기자]``.
LEAD_DATELINE = re.compile(r"^\s*[\[【(]([^\]】)]{2,30})[\]】)]")
#: A line that is only hashtags.
HASHTAG_LINE = re.compile(r"^(?:#[^\s#]+\s*){2,}$")
HASHTAG = re.compile(r"#([^\s#]+)")
#: Text markers that end a title line in scraped fragments (``제목 작성일 05-10``).
TITLE_END_MARKERS = re.compile(
    r"\s+(?:작성일|입력|기사입력|수정|업데이트|등록|Posted|Published|Updated|By)\b.*$"
)
