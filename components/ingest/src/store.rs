//! Writing impressions: the whole batch is one multi-row `INSERT .. SELECT FROM unnest(..)`
//! that skips stored dedup keys and, in the same statement, records the posts and authors
//! of the rows it stored in the counter outbox, so the counters count only new
//! impressions, and count them even if Redis fails after the commit.

use spin_sdk::pg::{Connection, DbValue, ParameterValue};
use tally_common::problem::Problem;

use crate::event::Impression;

/// The batch insert. Parameters (arrays, one element per impression): `$1` viewer ids,
/// `$2` post ids, `$3` author ids, `$4` `created_at` in microseconds since the epoch,
/// `$5` stream kinds, `$6` stream ids, `$7` artist invite ids. Returns one row: the
/// `post_id`s and `author_id`s of the rows stored now, as two arrays (`NULL` when none),
/// and the id of the counter-outbox row holding them (`NULL` when none), so the reply is
/// one row however large the batch.
pub const INSERT_SQL: &str = "WITH stored AS (INSERT INTO impressions \
    (viewer_id, post_id, author_id, created_at, stream_kind, stream_id, artist_invite_id) \
    SELECT v, p, a, timestamptz 'epoch' + t * interval '1 microsecond', k, s, i \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) \
    AS u(v, p, a, t, k, s, i) \
    ON CONFLICT DO NOTHING \
    RETURNING post_id, author_id), \
    new AS (SELECT array_agg(post_id) AS posts, array_agg(author_id) AS authors FROM stored), \
    outbox AS (INSERT INTO counter_outbox (post_ids, author_ids) \
    SELECT posts, authors FROM new WHERE posts IS NOT NULL RETURNING id) \
    SELECT posts, authors, (SELECT id FROM outbox) FROM new";

/// The columns of `impressions` as arrays, in [`INSERT_SQL`]'s order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Columns {
    /// `$1`
    pub viewer_ids: Vec<Option<String>>,
    /// `$2`
    pub post_ids: Vec<Option<String>>,
    /// `$3`
    pub author_ids: Vec<Option<String>>,
    /// `$4`
    pub created_at: Vec<Option<i64>>,
    /// `$5`
    pub stream_kinds: Vec<Option<String>>,
    /// `$6`
    pub stream_ids: Vec<Option<String>>,
    /// `$7`
    pub artist_invite_ids: Vec<Option<String>>,
}

impl Columns {
    /// Splits impressions into columns.
    pub fn of(impressions: &[Impression]) -> Columns {
        Columns::from_vec(impressions.to_vec())
    }

    /// Splits impressions into columns, moving their strings.
    pub fn from_vec(impressions: Vec<Impression>) -> Columns {
        let n = impressions.len();
        let mut c = Columns {
            viewer_ids: Vec::with_capacity(n),
            post_ids: Vec::with_capacity(n),
            author_ids: Vec::with_capacity(n),
            created_at: Vec::with_capacity(n),
            stream_kinds: Vec::with_capacity(n),
            stream_ids: Vec::with_capacity(n),
            artist_invite_ids: Vec::with_capacity(n),
        };
        for i in impressions {
            c.viewer_ids.push(i.viewer_id);
            c.post_ids.push(Some(i.post_id));
            c.author_ids.push(Some(i.author_id));
            c.created_at.push(Some(i.created_at));
            c.stream_kinds.push(i.stream_kind);
            c.stream_ids.push(i.stream_id);
            c.artist_invite_ids.push(i.artist_invite_id);
        }
        c
    }

    /// The statement parameters.
    pub fn params(self) -> Vec<ParameterValue> {
        vec![
            ParameterValue::ArrayStr(self.viewer_ids),
            ParameterValue::ArrayStr(self.post_ids),
            ParameterValue::ArrayStr(self.author_ids),
            ParameterValue::ArrayInt64(self.created_at),
            ParameterValue::ArrayStr(self.stream_kinds),
            ParameterValue::ArrayStr(self.stream_ids),
            ParameterValue::ArrayStr(self.artist_invite_ids),
        ]
    }
}

/// Opens a connection to the warehouse.
pub async fn connect(url: &str) -> Result<Connection, Problem> {
    Ok(Connection::open(url).await?)
}

/// The impressions a batch stored now, as the counters need them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct NewRows {
    /// `(post_id, author_id)` of each newly stored impression.
    pub pairs: Vec<(String, String)>,
    /// The counter-outbox row recording them (`None` when nothing was new).
    pub outbox_id: Option<i64>,
}

/// Stores `impressions` (one statement, one round trip, committed when it returns) and
/// returns those that were new with their counter-outbox row.
pub async fn insert(conn: &Connection, impressions: Vec<Impression>) -> Result<NewRows, Problem> {
    if impressions.is_empty() {
        return Ok(NewRows::default());
    }
    let rows = conn
        .query(INSERT_SQL, Columns::from_vec(impressions).params())
        .await?
        .collect()
        .await?;
    let Some(row) = rows.first() else {
        return Ok(NewRows::default());
    };
    let (posts, authors) = (strings(&row[0]), strings(&row[1]));
    Ok(NewRows {
        pairs: posts.into_iter().zip(authors).collect(),
        outbox_id: int(&row[2]),
    })
}

/// A `text[]` column value (`NULL` elements and a `NULL` array dropped).
pub fn strings(v: &DbValue) -> Vec<String> {
    match v {
        DbValue::ArrayStr(items) => items.iter().flatten().cloned().collect(),
        _ => Vec::new(),
    }
}

/// A text column value.
pub fn text(v: &DbValue) -> Option<String> {
    match v {
        DbValue::Str(s) => Some(s.clone()),
        _ => None,
    }
}

/// An integer column value (any width; `NULL` is `None`).
pub fn int(v: &DbValue) -> Option<i64> {
    match v {
        DbValue::Int64(n) => Some(*n),
        DbValue::Int32(n) => Some((*n).into()),
        DbValue::Int16(n) => Some((*n).into()),
        DbValue::Decimal(s) => s.parse().ok(),
        _ => None,
    }
}

/// Runs `statements` (each with its parameters) in one transaction; rolls back on the
/// first failure.
pub async fn transaction(
    conn: &Connection,
    statements: Vec<(String, Vec<ParameterValue>)>,
) -> Result<Vec<u64>, Problem> {
    conn.execute("BEGIN", vec![]).await?;
    let mut counts = Vec::with_capacity(statements.len());
    for (sql, params) in statements {
        match conn.execute(sql, params).await {
            Ok(n) => counts.push(n),
            Err(e) => {
                let _ = conn.execute("ROLLBACK", vec![]).await;
                return Err(e.into());
            }
        }
    }
    conn.execute("COMMIT", vec![]).await?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_keep_the_order_of_the_batch() {
        let i = |post: &str, viewer: Option<&str>| Impression {
            viewer_id: viewer.map(str::to_string),
            post_id: post.into(),
            author_id: "a".into(),
            created_at: 5,
            stream_kind: None,
            stream_id: None,
            artist_invite_id: Some("7".into()),
        };
        let c = Columns::of(&[i("1", Some("v")), i("2", None)]);
        assert_eq!(c.post_ids, [Some("1".into()), Some("2".into())]);
        assert_eq!(c.viewer_ids, [Some("v".into()), None]);
        assert_eq!(c.created_at, [Some(5), Some(5)]);
        assert_eq!(c.params().len(), 7);
    }
}
