//! Validation of `[[trigger.http]]`, `[[trigger.redis]]` and `[[trigger.cron]]`.

use std::str::FromStr;

use toml::Spanned;

use super::convert::Cx;
use super::raw::{RawManifest, RawPrivate, StrOr};
use super::{CronTrigger, HttpExecutor, HttpTrigger, ManifestError, RedisTrigger, Route};
use crate::routes::{RouteError, Router, check_route};

impl Cx<'_> {
    /// `[[trigger.http]]`: component, route syntax, executor, no duplicate routes.
    pub(super) fn http_triggers(
        &self,
        raw: &RawManifest,
    ) -> Result<Vec<HttpTrigger>, ManifestError> {
        let mut out = Vec::new();
        for (i, t) in raw.trigger.http.iter().enumerate() {
            let what = format!("[[trigger.http]] #{}", i + 1);
            let t = t.get_ref();
            let component = self.component_ref(&t.component, &what)?;
            let route = match t.route.get_ref() {
                StrOr::Str(r) => {
                    check_route(r).map_err(|e| self.err(&t.route, format!("{what}: {e}")))?;
                    Route::Path(r.clone())
                }
                StrOr::Table(RawPrivate { private: true }) => Route::Private,
                _ => {
                    let m =
                        format!("{what}: `route` must be a path string or `{{ private = true }}`");
                    return Err(self.err(&t.route, m));
                }
            };
            let executor = match &t.executor {
                None => None,
                Some(e) => match e.get_ref().kind.as_str() {
                    "spin" | "http" => Some(HttpExecutor::Spin),
                    other => {
                        let m = format!(
                            "{what}: executor type {other:?} is not supported: only \
                             `{{ type = \"spin\" }}` (Wagi components cannot run on this host)"
                        );
                        return Err(self.err(e, m));
                    }
                },
            };
            let id = t.id.clone();
            out.push(HttpTrigger {
                id,
                route,
                component,
                executor,
            });
        }
        self.no_duplicate_routes(raw, &out)?;
        Ok(out)
    }

    /// Reports the first trigger whose route repeats an earlier one, at its `route` line.
    fn no_duplicate_routes(
        &self,
        raw: &RawManifest,
        triggers: &[HttpTrigger],
    ) -> Result<(), ManifestError> {
        let public: Vec<(usize, String, String)> = triggers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                t.route
                    .path()
                    .map(|p| (i, p.to_string(), t.component.clone()))
            })
            .collect();
        for end in 1..=public.len() {
            let routes = public[..end].iter().map(|(_, r, c)| (r.clone(), c.clone()));
            if let Err(e @ RouteError::Duplicate { .. }) = Router::new(routes) {
                let index = public[end - 1].0;
                let route = &raw.trigger.http[index].get_ref().route;
                return Err(self.err(route, format!("[[trigger.http]] #{}: {e}", index + 1)));
            }
        }
        Ok(())
    }

    /// `[[trigger.redis]]`: component, templates, and an address (own or the default).
    pub(super) fn redis_triggers(
        &self,
        raw: &RawManifest,
        default_address: Option<&Spanned<String>>,
    ) -> Result<Vec<RedisTrigger>, ManifestError> {
        let mut out = Vec::new();
        for (i, t) in raw.trigger.redis.iter().enumerate() {
            let r = t.get_ref();
            let channel = r.channel.get_ref();
            let what = format!("[[trigger.redis]] #{} (channel {channel:?})", i + 1);
            let component = self.component_ref(&r.component, &what)?;
            self.templates(&r.channel, &format!("{what} channel"))?;
            let Some(address) = r.address.as_ref().or(default_address) else {
                let m = format!(
                    "{what}: no `address`, and no [application.trigger.redis] address to fall back on"
                );
                return Err(self.err(t, m));
            };
            self.templates(address, &format!("{what} address"))?;
            out.push(RedisTrigger {
                id: r.id.clone(),
                address: Some(address.get_ref().clone()),
                channel: channel.clone(),
                component,
            });
        }
        Ok(out)
    }

    /// `[[trigger.cron]]`: component and a parseable expression.
    pub(super) fn cron_triggers(
        &self,
        raw: &RawManifest,
    ) -> Result<Vec<CronTrigger>, ManifestError> {
        let mut out = Vec::new();
        for (i, t) in raw.trigger.cron.iter().enumerate() {
            let t = t.get_ref();
            let what = format!("[[trigger.cron]] #{}", i + 1);
            let component = self.component_ref(&t.component, &what)?;
            let expr = t.cron_expression.get_ref();
            let schedule = parse_cron(expr).map_err(|reason| {
                let m = format!(
                    "{what} (component `{component}`): invalid cron_expression {expr:?}: {reason}"
                );
                self.err(&t.cron_expression, m)
            })?;
            out.push(CronTrigger {
                id: t.id.clone(),
                cron_expression: expr.clone(),
                component,
                schedule,
            });
        }
        Ok(out)
    }
}

/// Parses a six- or seven-field, seconds-first expression; the error is one line.
fn parse_cron(expr: &str) -> Result<cron::Schedule, String> {
    let fields = expr.split_whitespace().count();
    if !expr.trim_start().starts_with('@') && !(6..=7).contains(&fields) {
        let hint = if fields == 5 {
            " (a five-field crontab line needs a leading seconds field, e.g. \"0 */5 * * * *\")"
        } else {
            ""
        };
        return Err(format!(
            "expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]), \
             found {fields}{hint}"
        ));
    }
    cron::Schedule::from_str(expr).map_err(|e| {
        let text = e.to_string();
        let detail = text.lines().skip(2).collect::<Vec<_>>().join(" ");
        let column = text.lines().nth(1).and_then(|l| l.find('^')).unwrap_or(0) + 1;
        match detail.trim() {
            "" => format!("cannot parse it at character {column}"),
            d => d.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::parse_cron;

    #[test]
    fn cron_expressions_are_six_or_seven_fields_seconds_first() {
        assert!(parse_cron("0 */5 * * * *").is_ok());
        assert!(parse_cron("0 0 3 * * Mon 2030").is_ok());
        assert!(parse_cron("@hourly").is_ok());
        let five = parse_cron("*/5 * * * *").unwrap_err();
        assert!(
            five.contains("found 5") && five.contains("leading seconds"),
            "{five}"
        );
        let bad = parse_cron("0 0 25 * * *").unwrap_err();
        assert!(bad.contains("Hours") && !bad.contains('\n'), "{bad}");
        let junk = parse_cron("0 0 0 1 1 1 1 1").unwrap_err();
        assert!(junk.contains("found 8"), "{junk}");
    }
}
