-- The counter outbox: the posts and authors of each batch's newly stored impressions,
-- written in the same statement (so the same transaction) as the impressions. The Redis
-- counters are bumped from it exactly once: the increment script sets a marker
-- `counted:<id>` atomically with the increments, and the scheduled drain re-applies rows
-- whose marker is missing (Redis was down, or the reply was lost), then deletes them.
CREATE TABLE counter_outbox (
    id          bigserial   PRIMARY KEY,
    post_ids    text[]      NOT NULL,
    author_ids  text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
