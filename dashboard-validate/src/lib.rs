//! Validates every query of Grafana dashboards against a live Prometheus.
//!
//! Dashboards rot quietly: a metric is renamed, a label changes, and a panel shows "No
//! data" for months. This crate expands each query's Grafana variables as Grafana would
//! (query variables run against the same Prometheus), sends it, and reports per dashboard,
//! panel and query: Prometheus parse errors, metrics that do not exist, queries with no
//! series, legend/grouping/data-link labels the result does not carry, and variable
//! queries with no values.
//!
//! ```no_run
//! use dashboard_validate::{validate, Options};
//! let dashboards = vec![serde_json::from_str(r#"{"uid": "x", "panels": []}"#).unwrap()];
//! let report = validate(&dashboards, &Options::new("http://127.0.0.1:9090")).unwrap();
//! println!("{}", report.to_table());
//! assert!(report.passed());
//! ```

mod check;
pub mod prom;
mod report;
mod rules;
pub mod vars;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

pub use report::{Report, Row, Status, RULE_GROUP};

/// How to validate.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Base URL of Prometheus, such as `http://127.0.0.1:9090`.
    pub prometheus_url: String,
    /// How far back range queries look.
    pub window: Duration,
    /// Prometheus' scrape interval, for `$__rate_interval`.
    pub scrape_interval: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Empty results are warnings, not failures.
    pub allow_empty: bool,
    /// The end of the window (Unix seconds); now when unset.
    pub at: Option<i64>,
}

impl Options {
    /// Defaults: the last hour, 15 s scrapes, 10 s timeout, 8 requests at once.
    ///
    /// ```
    /// let o = dashboard_validate::Options::new("http://127.0.0.1:9090/");
    /// assert_eq!(o.concurrency, 8);
    /// ```
    pub fn new(prometheus_url: &str) -> Self {
        Options {
            prometheus_url: prometheus_url.to_string(),
            window: Duration::from_secs(3600),
            scrape_interval: Duration::from_secs(15),
            timeout: Duration::from_secs(10),
            concurrency: 8,
            allow_empty: false,
            at: None,
        }
    }
}

/// Validation could not start at all.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// The URL is not usable.
    #[error("invalid --prometheus-url `{url}`: {reason}")]
    BadUrl {
        /// The URL given.
        url: String,
        /// Why.
        reason: String,
    },
}

/// Validates `dashboards` (Grafana dashboard JSON). Every problem, Prometheus being down
/// included, becomes a row of the report naming the dashboard, panel and query; only an
/// unusable URL is an error.
pub fn validate(dashboards: &[Value], opts: &Options) -> Result<Report, ValidateError> {
    let (client, frame) = connect(opts)?;
    Ok(check::run(dashboards, &client, &frame, opts))
}

/// Validates alert and recording rules: every series selector of every expression must
/// match series in the window (a row per rule and selector). Whether a rule fires is not
/// asked, only whether it can: a selector matching nothing means a renamed metric or a
/// label the scrape does not set. Selectors of series the groups record are checked
/// through the recording rule.
///
/// ```no_run
/// use dashboard_model::rules::RuleFile;
/// use dashboard_validate::{validate_rules, Options};
/// let file = RuleFile::from_yaml("groups: [{name: g, rules: [{alert: Down, expr: up == 0}]}]").unwrap();
/// let report = validate_rules(&file.groups, &Options::new("http://127.0.0.1:9090")).unwrap();
/// assert!(report.to_table().contains("rule group g"));
/// ```
pub fn validate_rules(
    groups: &[dashboard_model::rules::RuleGroup],
    opts: &Options,
) -> Result<Report, ValidateError> {
    let (client, frame) = connect(opts)?;
    Ok(rules::run(groups, &client, &frame))
}

/// The client and the window every check shares.
fn connect(opts: &Options) -> Result<(prom::Client, vars::Frame), ValidateError> {
    let url = opts.prometheus_url.trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ValidateError::BadUrl {
            url: opts.prometheus_url.clone(),
            reason: "it must start with http:// or https://".into(),
        });
    }
    let client = prom::Client::new(url, opts.timeout).map_err(|e| ValidateError::BadUrl {
        url: opts.prometheus_url.clone(),
        reason: e.to_string(),
    })?;
    // Rounded up: the newest samples are younger than the current whole second, and
    // evaluating a moment in the future is harmless (Prometheus looks back from it).
    let end = opts.at.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64 + 1)
            .unwrap_or(0)
    });
    let frame = vars::Frame {
        start: end - opts.window.as_secs() as i64,
        end,
        scrape_interval: opts.scrape_interval,
    };
    Ok((client, frame))
}
