-- Daily reporting views over the hourly rollups (the original's `views:refresh` era),
-- each with a unique index so `REFRESH MATERIALIZED VIEW CONCURRENTLY` works.
CREATE MATERIALIZED VIEW impressions_by_day AS
    SELECT (starting_at AT TIME ZONE 'UTC')::date            AS day,
           sum(logged_in_views)::bigint                      AS logged_in_views,
           sum(logged_out_views)::bigint                     AS logged_out_views,
           sum(logged_in_views + logged_out_views)::bigint   AS views
      FROM hourly_impressions
     GROUP BY 1;
CREATE UNIQUE INDEX impressions_by_day_key ON impressions_by_day (day);

CREATE MATERIALIZED VIEW impressions_by_stream_by_day AS
    SELECT (starting_at AT TIME ZONE 'UTC')::date            AS day,
           stream_kind,
           coalesce(stream_id, '')                           AS stream_id,
           sum(logged_in_views)::bigint                      AS logged_in_views,
           sum(logged_out_views)::bigint                     AS logged_out_views,
           sum(logged_in_views + logged_out_views)::bigint   AS views
      FROM hourly_impressions
     GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX impressions_by_stream_by_day_key
    ON impressions_by_stream_by_day (day, stream_kind, stream_id);

CREATE MATERIALIZED VIEW impressions_by_logged_in_by_day AS
    SELECT (starting_at AT TIME ZONE 'UTC')::date AS day, true AS logged_in,
           sum(logged_in_views)::bigint AS views
      FROM hourly_impressions
     GROUP BY 1
    UNION ALL
    SELECT (starting_at AT TIME ZONE 'UTC')::date AS day, false AS logged_in,
           sum(logged_out_views)::bigint AS views
      FROM hourly_impressions
     GROUP BY 1;
CREATE UNIQUE INDEX impressions_by_logged_in_by_day_key
    ON impressions_by_logged_in_by_day (day, logged_in);
