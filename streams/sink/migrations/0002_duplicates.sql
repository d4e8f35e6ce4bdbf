-- 0002: the duplicate fields of news.enriched 1.1 (docs/stories.md): the id of the first copy
-- seen of which an article is a copy (null for an original, and for articles written before the
-- pipeline flagged copies) and the estimated similarity of the two.

ALTER TABLE articles
    ADD COLUMN duplicate_of         text,
    ADD COLUMN duplicate_similarity double precision;

-- "the originals only" and "every copy of an article" are the two questions subscribers ask
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
