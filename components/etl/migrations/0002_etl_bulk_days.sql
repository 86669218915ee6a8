-- etl: the bulk path for the day partitions a file creates (components/etl/README.md,
-- "One file, one transaction"). A day none of whose fact partitions exists yet is built
-- inside the load's transaction: the file's distinct facts of that day go into fresh
-- tables without indexes, each primary key is then built once (a sorted build instead of
-- an index insertion per row), and the tables are attached as the day's partitions. All
-- of it is rolled back with the load. Days that already exist keep the ON CONFLICT path.

-- The partition of `parent` for `day` (days since 1970-01-01, UTC): its name and bounds,
-- as `etl_ensure_partitions` names them.
CREATE FUNCTION etl_partition_name(parent text, day integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT parent || '_p' || to_char(date '1970-01-01' + day, 'YYYYMMDD')
$$;

-- The UTC days `days` as one multirange (empty for none).
CREATE FUNCTION etl_days_range(days integer[]) RETURNS tstzmultirange
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(range_agg(tstzrange(timestamptz '1970-01-01 00:00:00+00' + d * interval '1 day',
                                        timestamptz '1970-01-01 00:00:00+00' + (d + 1) * interval '1 day')),
                    '{}')
    FROM unnest(days) d
$$;

-- Locks `days` for the calling transaction (an advisory lock per day and schema, taken in
-- day order) and returns those of them on which no fact table has a partition yet: the
-- days this load creates. A concurrent load of one of those days waits here until this
-- one ends, then finds the day created (or, after a rollback, creates it itself).
CREATE FUNCTION etl_lock_days(days integer[]) RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
    schema oid := (SELECT relnamespace FROM pg_class WHERE oid = 'ad_impressions'::regclass);
    day    integer;
    fresh  integer[] := '{}';
BEGIN
    FOR day IN SELECT DISTINCT d FROM unnest(days) d ORDER BY d LOOP
        PERFORM pg_advisory_xact_lock(hashtext('etl_day:' || schema::text), day);
        -- A statement after the lock: its snapshot sees what the lock's holder committed.
        IF NOT EXISTS (SELECT 1 FROM pg_class
                       WHERE relnamespace = schema
                         AND relname IN (etl_partition_name('ad_impressions', day),
                                         etl_partition_name('ad_clicks', day),
                                         etl_partition_name('ad_sessions', day),
                                         etl_partition_name('users', day))) THEN
            fresh := fresh || day;
        END IF;
    END LOOP;
    RETURN fresh;
END $$;

-- Builds the partitions of `days` (locked by `etl_lock_days` and new) from the load's
-- staging table `etl_staging`, inside the load's transaction. Per fact table: a scratch
-- parent of this backend, partitioned like the fact table, without indexes; the distinct
-- facts of those days go in sorted by key; `ad_metrics` gets their counts per ad and hour
-- (every fact of a new day is new); the primary keys are built, one sorted build per
-- partition; each partition then moves from the scratch parent to its fact table, which
-- takes a SHARE UPDATE EXCLUSIVE lock there (queries and inserts into other partitions go
-- on). `whole`: every staged row falls on one of `days` (no need to filter staging).
-- Returns the facts inserted and the `ad_metrics` rows written.
CREATE FUNCTION etl_bulk_facts(days integer[], whole boolean,
    OUT impressions bigint, OUT clicks bigint, OUT sessions bigint, OUT users bigint,
    OUT hours bigint)
LANGUAGE plpgsql AS $$
DECLARE
    schema  text := (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.oid = 'ad_impressions'::regclass);
    parents text[] := ARRAY['ad_impressions', 'ad_clicks', 'ad_sessions', 'users'];
    -- Each table's primary key, and the staging columns of its facts (in that order).
    keys    text[] := ARRAY['ad_id, hour, impression_id', 'ad_id, hour, impression_id, user_id, ts',
                            'ad_id, hour, ip', 'ad_id, hour, user_id'];
    facts   text[] := ARRAY['ad_id, hour, impression_id', 'ad_id, hour, impression_id, user_id, click_ts',
                            'ad_id, hour, ip', 'ad_id, hour, user_id'];
    scratch text[];
    day     integer;
    first   timestamptz;
    bounds  text;
    part    text;
    filter  text := CASE WHEN whole THEN '' ELSE 'AND hour <@ (SELECT etl_days_range($1))' END;
    stored  boolean;
    i       integer;
BEGIN
    FOR i IN 1 .. 4 LOOP
        scratch[i] := format('etl_new_%s_%s', pg_backend_pid(), parents[i]);
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I) PARTITION BY RANGE (hour)',
                       schema, scratch[i], schema, parents[i]);
        FOREACH day IN ARRAY days LOOP
            first := timestamptz '1970-01-01 00:00:00+00' + day * interval '1 day';
            bounds := format('FROM (%L) TO (%L)', first, first + interval '1 day');
            -- The CHECK, checked as rows go in, lets the attach skip its scan.
            EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I '
                           '(CONSTRAINT etl_day CHECK (hour >= %L AND hour < %L)) FOR VALUES %s',
                           schema, etl_partition_name(parents[i], day), schema, scratch[i],
                           first, first + interval '1 day', bounds);
        END LOOP;
        -- DISTINCT ON: always a sort, never a hash of ~1M groups (then a sort anyway).
        EXECUTE format('INSERT INTO %I.%I SELECT DISTINCT ON (%s) %s FROM etl_staging WHERE %s %s ORDER BY %s',
                       schema, scratch[i], facts[i], facts[i],
                       CASE WHEN i = 2 THEN 'click_ts IS NOT NULL' ELSE 'true' END, filter, facts[i])
        USING days;
    END LOOP;
    -- `ad_metrics` holds no hour of a new day, unless facts of the day were dropped
    -- (retention): then the counts are added to it, else plainly inserted (cheaper).
    EXECUTE format('SELECT EXISTS (SELECT FROM unnest($1) d WHERE EXISTS (SELECT FROM %I.ad_metrics '
                   'WHERE hour >= timestamptz ''1970-01-01 00:00:00+00'' + d * interval ''1 day'' '
                   'AND hour < timestamptz ''1970-01-01 00:00:00+00'' + (d + 1) * interval ''1 day''))',
                   schema)
    INTO stored
    USING days;
    EXECUTE format($sql$
        WITH
        delta AS (SELECT ad_id, hour, count(*) FILTER (WHERE t = 1) AS i,
                count(*) FILTER (WHERE t = 2) AS c, count(*) FILTER (WHERE t = 3) AS s,
                count(*) FILTER (WHERE t = 4) AS u
            FROM (SELECT ad_id, hour, 1 AS t FROM %1$I.%2$I
                UNION ALL SELECT ad_id, hour, 2 FROM %1$I.%3$I
                UNION ALL SELECT ad_id, hour, 3 FROM %1$I.%4$I
                UNION ALL SELECT ad_id, hour, 4 FROM %1$I.%5$I) d
            GROUP BY ad_id, hour),
        up AS (INSERT INTO %1$I.ad_metrics AS m
                (ad_id, hour, total_impressions, total_clicks, total_sessions, total_users)
            SELECT ad_id, hour, i, c, s, u FROM delta ORDER BY ad_id, hour %6$s
            RETURNING 1)
        SELECT coalesce(sum(i), 0), coalesce(sum(c), 0), coalesce(sum(s), 0), coalesce(sum(u), 0),
            (SELECT count(*) FROM up)
        FROM delta
        $sql$, schema, scratch[1], scratch[2], scratch[3], scratch[4], CASE WHEN stored THEN
            'ON CONFLICT (ad_id, hour) DO UPDATE SET
                total_impressions = m.total_impressions + EXCLUDED.total_impressions,
                total_clicks = m.total_clicks + EXCLUDED.total_clicks,
                total_sessions = m.total_sessions + EXCLUDED.total_sessions,
                total_users = m.total_users + EXCLUDED.total_users' ELSE '' END)
    INTO impressions, clicks, sessions, users, hours;
    FOR i IN 1 .. 4 LOOP
        EXECUTE format('ALTER TABLE %I.%I ADD PRIMARY KEY (%s)', schema, scratch[i], keys[i]);
    END LOOP;
    -- Last, so the fact tables' locks are held only from here to the commit.
    FOR i IN 1 .. 4 LOOP
        FOREACH day IN ARRAY days LOOP
            first := timestamptz '1970-01-01 00:00:00+00' + day * interval '1 day';
            bounds := format('FROM (%L) TO (%L)', first, first + interval '1 day');
            part := etl_partition_name(parents[i], day);
            EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I', schema, scratch[i], schema, part);
            EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES %s',
                           schema, parents[i], schema, part, bounds);
            EXECUTE format('ALTER TABLE %I.%I DROP CONSTRAINT etl_day', schema, part);
        END LOOP;
        EXECUTE format('DROP TABLE %I.%I', schema, scratch[i]);
    END LOOP;
END $$;
