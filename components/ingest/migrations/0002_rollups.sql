-- Hourly rollups, upserted per hour by the rollup job (idempotent: re-running an hour
-- changes nothing). An hour row covers [starting_at, starting_at + 1 hour).

-- Category streams by stream_id; other kinds by stream_kind with stream_id NULL; a NULL
-- stream_kind is stored as 'unknown'. Logged in = the impression has a viewer.
CREATE TABLE hourly_impressions (
    starting_at      timestamptz NOT NULL,
    stream_kind      text        NOT NULL,
    stream_id        text,
    logged_in_views  bigint      NOT NULL DEFAULT 0,
    logged_out_views bigint      NOT NULL DEFAULT 0,
    CONSTRAINT hourly_impressions_key UNIQUE NULLS NOT DISTINCT (starting_at, stream_kind, stream_id)
);

-- Authors whose hourly views are kept (24 rows a day each, zeros included): the
-- original's "aggregated users".
CREATE TABLE tracked_authors (
    author_id  text        PRIMARY KEY,
    username   text,
    tracked_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_hourly_impressions (
    author_id   text        NOT NULL,
    starting_at timestamptz NOT NULL,
    views       bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (author_id, starting_at)
);

CREATE TABLE artist_invite_hourly_impressions (
    starting_at      timestamptz NOT NULL,
    artist_invite_id text        NOT NULL,
    stream_kind      text        NOT NULL,
    logged_in_views  bigint      NOT NULL DEFAULT 0,
    logged_out_views bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (artist_invite_id, starting_at, stream_kind)
);

-- Distinct viewers of `email` stream impressions on `day`, and over the 31 days ending
-- on `day`.
CREATE TABLE email_active_user_rollups (
    day              date   PRIMARY KEY,
    day_total        bigint NOT NULL DEFAULT 0,
    thirty_day_total bigint NOT NULL DEFAULT 0
);
