-- Raw impressions, declaratively partitioned by day (impressions_pYYYY_MM_DD, created by
-- the partition-maintenance job). Rows for a day without a partition land in
-- impressions_default and are moved into their day's partition by that job.
CREATE TABLE impressions (
    viewer_id        text,
    post_id          text        NOT NULL,
    author_id        text        NOT NULL,
    created_at       timestamptz NOT NULL,
    stream_kind      text,
    stream_id        text,
    artist_invite_id text,
    -- The dedup key of the original; it holds the partition key, so it is global.
    CONSTRAINT impressions_dedup UNIQUE (created_at, author_id, post_id)
) PARTITION BY RANGE (created_at);

CREATE TABLE impressions_default PARTITION OF impressions DEFAULT;

CREATE INDEX impressions_viewer_id ON impressions (viewer_id);
-- Counter rebuilds and per-post / per-author series.
CREATE INDEX impressions_post_id ON impressions (post_id, created_at);
CREATE INDEX impressions_author_id ON impressions (author_id, created_at);
-- Email active users: a small slice of the rows.
CREATE INDEX impressions_email ON impressions (created_at, viewer_id) WHERE stream_kind = 'email';
