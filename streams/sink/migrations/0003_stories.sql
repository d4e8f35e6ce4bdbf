-- 0003: story clusters (docs/stories.md): the story of each article (news.enriched 1.2's
-- story_id) and the latest state of each story from news.stories, with its top entities and
-- topics. No foreign keys between stories and articles or entities: the two topics are read
-- in no particular order relative to each other, so either side may land first.

ALTER TABLE articles ADD COLUMN story_id text;   -- null for articles written before 1.2
CREATE INDEX articles_story_id ON articles (story_id) WHERE story_id IS NOT NULL;

CREATE TABLE stories (
    id              text PRIMARY KEY,             -- story id: the article id of its first article
    title           text,
    first_seen      timestamptz NOT NULL,
    last_seen       timestamptz NOT NULL,         -- with articles, the version (see docs)
    articles        integer NOT NULL,             -- unique_articles + reprints
    unique_articles integer NOT NULL,
    reprints        integer NOT NULL,
    sources         integer NOT NULL,
    top_sources     jsonb NOT NULL DEFAULT '[]',  -- ["publisher", ...] most articles first
    languages       jsonb NOT NULL DEFAULT '[]'   -- ["en", "ko"]
);
CREATE INDEX stories_last_seen_idx ON stories (last_seen);

CREATE TABLE story_entities (                     -- the story's top entities (up to 5)
    story_id  text NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    entity_id text NOT NULL,                      -- canonical id, as entities.id
    name      text NOT NULL,
    articles  integer NOT NULL,                   -- original articles that mention it
    rank      smallint NOT NULL,                  -- 1 = most articles
    PRIMARY KEY (story_id, entity_id)
);
CREATE INDEX story_entities_entity_idx ON story_entities (entity_id);

CREATE TABLE story_topics (                       -- the story's top IPTC topics (up to 5)
    story_id text NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    code     text NOT NULL,                       -- as topics.code
    label_en text NOT NULL,
    articles integer NOT NULL,
    rank     smallint NOT NULL,
    PRIMARY KEY (story_id, code)
);
CREATE INDEX story_topics_code_idx ON story_topics (code);
