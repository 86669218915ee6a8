-- etl: the file ledger, the deduplicated fact tables (partitioned by UTC day, one
-- partition per table and day, created by etl_ensure_partitions as files arrive) and the
-- hourly ad metrics. Text keys use the "C" collation: byte order, the cheapest to sort
-- and index.

-- One row per file version: a batch name or an S3 bucket/key, and its version (the S3
-- ETag, or the SHA-256 of the content). `attempts` counts failed loads.
CREATE TABLE etl_files (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL,
    version    text        NOT NULL,
    source     text        NOT NULL CHECK (source IN ('batch', 's3')),
    bucket     text,
    key        text,
    etag       text,
    sha256     text,
    status     text        NOT NULL CHECK (status IN ('loaded', 'failed')),
    rows       bigint      NOT NULL DEFAULT 0,
    bad_rows   bigint      NOT NULL DEFAULT 0,
    bad_lines  jsonb       NOT NULL DEFAULT '[]',
    error      text,
    attempts   integer     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    loaded_at  timestamptz,
    CONSTRAINT etl_files_version UNIQUE (name, version)
);

CREATE INDEX etl_files_status ON etl_files (status, updated_at);

-- Distinct impression ids per ad and hour (views and clicks alike).
CREATE TABLE ad_impressions (
    ad_id         bigint      NOT NULL,
    hour          timestamptz NOT NULL,
    impression_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (ad_id, hour, impression_id)
) PARTITION BY RANGE (hour);

-- Each click once.
CREATE TABLE ad_clicks (
    ad_id         bigint      NOT NULL,
    hour          timestamptz NOT NULL,
    impression_id text COLLATE "C" NOT NULL,
    user_id       text COLLATE "C" NOT NULL,
    ts            timestamptz NOT NULL,
    PRIMARY KEY (ad_id, hour, impression_id, user_id, ts)
) PARTITION BY RANGE (hour);

-- Distinct IPs (sessions) per ad and hour.
CREATE TABLE ad_sessions (
    ad_id bigint      NOT NULL,
    hour  timestamptz NOT NULL,
    ip    text COLLATE "C" NOT NULL,
    PRIMARY KEY (ad_id, hour, ip)
) PARTITION BY RANGE (hour);

-- Distinct users per ad and hour (the design doc's `users` table).
CREATE TABLE users (
    ad_id   bigint      NOT NULL,
    hour    timestamptz NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (ad_id, hour, user_id)
) PARTITION BY RANGE (hour);

-- The dashboard's hourly numbers, moved only by newly inserted facts.
CREATE TABLE ad_metrics (
    ad_id             bigint      NOT NULL,
    hour              timestamptz NOT NULL,
    total_impressions bigint      NOT NULL DEFAULT 0,
    total_clicks      bigint      NOT NULL DEFAULT 0,
    total_sessions    bigint      NOT NULL DEFAULT 0,
    total_users       bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (ad_id, hour)
);

-- Top-ads queries scan a time range across ads.
CREATE INDEX ad_metrics_hour ON ad_metrics (hour);

-- Creates the day partitions of every fact table for `days` (days since 1970-01-01,
-- UTC) that do not exist yet, in the schema of the fact tables. Safe to run
-- concurrently: a partition another session created first is skipped.
CREATE FUNCTION etl_ensure_partitions(days integer[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    schema  text := (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.oid = 'ad_impressions'::regclass);
    day     integer;
    parent  text;
    name    text;
    first   timestamptz;
    created integer := 0;
BEGIN
    FOREACH day IN ARRAY days LOOP
        first := timestamptz '1970-01-01 00:00:00+00' + day * interval '1 day';
        FOREACH parent IN ARRAY ARRAY['ad_impressions', 'ad_clicks', 'ad_sessions', 'users'] LOOP
            name := parent || '_p' || to_char(first AT TIME ZONE 'UTC', 'YYYYMMDD');
            IF to_regclass(format('%I.%I', schema, name)) IS NULL THEN
                BEGIN
                    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                                   schema, name, schema, parent, first, first + interval '1 day');
                    created := created + 1;
                EXCEPTION WHEN duplicate_table OR unique_violation THEN
                    NULL; -- created meanwhile by a concurrent load
                END;
            END IF;
        END LOOP;
    END LOOP;
    RETURN created;
END $$;
