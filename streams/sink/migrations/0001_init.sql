-- 0001: articles with their entities, topics and keywords (news.enriched v1).
-- Applied once by streams/sink/migrate.py, in a transaction, recorded in schema_migrations.
-- docs/sink-postgres.md describes every table; never edit an applied migration: add 0002_...

CREATE TABLE articles (
    id                  text PRIMARY KEY,            -- article id, the Kafka key
    url                 text NOT NULL,
    canonical_url       text NOT NULL,
    title               text,
    kind                text NOT NULL,               -- article | photo | video | brief
    language            text,                        -- the enrichment's language
    subtitle            text,
    publisher           text,
    source              text,                        -- feed / push / replay source name
    authors             jsonb NOT NULL DEFAULT '[]', -- [{name, email, role}]
    tags                jsonb NOT NULL DEFAULT '[]', -- ["tag", ...]
    published           timestamptz,                 -- a day only: its midnight UTC
    published_tz_source text,
    modified            timestamptz,
    word_count          integer NOT NULL DEFAULT 0,
    content_hash        text NOT NULL DEFAULT '',
    text                text NOT NULL DEFAULT '',
    fetched_at          timestamptz,
    parsed_at           timestamptz,
    enriched_at         timestamptz NOT NULL         -- the version: an older one never replaces it
);
CREATE INDEX articles_published_idx ON articles (published);
CREATE INDEX articles_enriched_at_idx ON articles (enriched_at);

CREATE TABLE entities (
    id            text PRIMARY KEY,                  -- canonical id: org:openai, loc:KR
    type          text NOT NULL,                     -- person | organization | location | ...
    name          text NOT NULL,
    name_ko       text,
    name_en       text,
    first_seen_at timestamptz NOT NULL,              -- enriched_at of the first article seen
    last_seen_at  timestamptz NOT NULL               -- ... of the latest; its names win
);

CREATE TABLE article_entities (                     -- the mentions: one row per entity per article
    article_id    text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id     text NOT NULL REFERENCES entities (id),
    name          text NOT NULL,                     -- the name in this article
    surface_forms jsonb NOT NULL DEFAULT '[]',
    mentions      integer NOT NULL,
    first_offset  integer NOT NULL,
    in_title      boolean NOT NULL,
    in_lead       boolean NOT NULL,
    caption_only  boolean NOT NULL,
    source        text NOT NULL,                     -- gazetteer | model | rule ...
    confidence    real NOT NULL,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX article_entities_entity_idx ON article_entities (entity_id);

CREATE TABLE topics (                               -- IPTC media topics (top level)
    code     text PRIMARY KEY,                       -- medtop:13000000
    label_en text NOT NULL,
    label_ko text NOT NULL
);

CREATE TABLE article_topics (
    article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    code       text NOT NULL REFERENCES topics (code),
    score      real NOT NULL,
    PRIMARY KEY (article_id, code)
);
CREATE INDEX article_topics_code_idx ON article_topics (code);

CREATE TABLE article_keywords (
    article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    keyword    text NOT NULL,
    rank       smallint NOT NULL,                    -- 1 = the enrichment's first keyword
    PRIMARY KEY (article_id, keyword)
);
CREATE INDEX article_keywords_keyword_idx ON article_keywords (keyword);
