//! Tracked authors (the original's "aggregated users"): whose hourly views the rollup
//! keeps in `user_hourly_impressions`, 24 rows a day, zeros included.

use serde_json::{Value, json};
use spin_sdk::pg::ParameterValue;
use tally_common::problem::Problem;

use crate::config::Config;
use crate::store;

/// Starts tracking `author_id` (idempotent; updates the username).
pub async fn add(
    config: &Config,
    author_id: &str,
    username: Option<&str>,
) -> Result<Value, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    conn.execute(
        "INSERT INTO tracked_authors (author_id, username) VALUES ($1, $2) \
         ON CONFLICT (author_id) DO UPDATE SET username = excluded.username",
        vec![
            ParameterValue::Str(author_id.to_string()),
            username
                .map(|u| ParameterValue::Str(u.to_string()))
                .unwrap_or(ParameterValue::DbNull),
        ],
    )
    .await?;
    Ok(json!({"author_id": author_id, "username": username, "tracked": true}))
}

/// Stops tracking `author_id` (its rollup rows stay).
pub async fn remove(config: &Config, author_id: &str) -> Result<Value, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    let n = conn
        .execute(
            "DELETE FROM tracked_authors WHERE author_id = $1",
            vec![ParameterValue::Str(author_id.to_string())],
        )
        .await?;
    Ok(json!({"author_id": author_id, "tracked": false, "removed": n == 1}))
}

/// Every tracked author.
pub async fn list(config: &Config) -> Result<Value, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    let rows = conn
        .query(
            "SELECT author_id, username FROM tracked_authors ORDER BY author_id",
            vec![],
        )
        .await?
        .collect()
        .await?;
    let authors: Vec<Value> = rows
        .iter()
        .map(|r| json!({"author_id": store::text(&r[0]), "username": store::text(&r[1])}))
        .collect();
    Ok(json!({ "authors": authors }))
}
