//! The report: one row per dashboard, panel and query.

use serde::Serialize;

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Works and returns data.
    Pass,
    /// Not checked: not a Prometheus query.
    Skip,
    /// Works but returned nothing, with `--allow-empty`.
    Warn,
    /// Broken.
    Fail,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Skip => "SKIP",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One checked query (or variable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Dashboard uid, or for a rule [`RULE_GROUP`] and the group's name (a uid has no
    /// space, so the two cannot be confused).
    pub dashboard: String,
    /// Panel title and id, or `variable $name`.
    pub panel: String,
    /// refId, or the variable's name.
    pub query: String,
    /// Outcome.
    pub status: Status,
    /// One line: why.
    pub reason: String,
    /// The query as sent, variables expanded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
}

/// How the rows of alert and recording rules name their group in [`Row::dashboard`].
pub const RULE_GROUP: &str = "rule group ";

/// Everything validate found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The Prometheus checked against.
    pub prometheus: String,
    /// Rows in dashboard, panel, query order.
    pub rows: Vec<Row>,
}

#[derive(Serialize)]
struct Summary {
    pass: usize,
    warn: usize,
    fail: usize,
    skip: usize,
}

impl Report {
    /// True when no row failed.
    pub fn passed(&self) -> bool {
        self.rows.iter().all(|r| r.status != Status::Fail)
    }

    fn count(&self, s: Status) -> usize {
        self.rows.iter().filter(|r| r.status == s).count()
    }

    fn summary(&self) -> Summary {
        Summary {
            pass: self.count(Status::Pass),
            warn: self.count(Status::Warn),
            fail: self.count(Status::Fail),
            skip: self.count(Status::Skip),
        }
    }

    /// Machine-readable, for CI.
    ///
    /// ```
    /// let r = dashboard_validate::Report { prometheus: "http://p".into(), rows: vec![] };
    /// let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    /// assert_eq!(v["summary"]["fail"], 0);
    /// ```
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            ok: bool,
            prometheus: &'a str,
            summary: Summary,
            rows: &'a [Row],
        }
        let mut s = serde_json::to_string_pretty(&Out {
            ok: self.passed(),
            prometheus: &self.prometheus,
            summary: self.summary(),
            rows: &self.rows,
        })
        .expect("plain strings serialise");
        s.push('\n');
        s
    }

    /// A table per dashboard: status, panel, query, reason; then a summary line.
    ///
    /// ```
    /// use dashboard_validate::{Report, Row, Status};
    /// let r = Report { prometheus: "http://p".into(), rows: vec![Row {
    ///     dashboard: "d".into(), panel: "GC (id 1)".into(), query: "A".into(),
    ///     status: Status::Fail, reason: "metric `x` does not exist".into(), expr: None }] };
    /// assert!(r.to_table().contains("FAIL  GC (id 1)"));
    /// ```
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let panel_w = self
            .rows
            .iter()
            .map(|r| r.panel.chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 48);
        let query_w = self
            .rows
            .iter()
            .map(|r| r.query.chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 20);
        let mut current: Option<&str> = None;
        for r in &self.rows {
            if current != Some(r.dashboard.as_str()) {
                if current.is_some() {
                    out.push('\n');
                }
                if r.dashboard.starts_with(RULE_GROUP) {
                    out.push_str(&format!("{}\n", r.dashboard));
                } else {
                    out.push_str(&format!("dashboard {}\n", r.dashboard));
                }
                current = Some(&r.dashboard);
            }
            out.push_str(&format!(
                "  {}  {:<panel_w$}  {:<query_w$}  {}\n",
                r.status.label(),
                truncate(&r.panel, panel_w),
                truncate(&r.query, query_w),
                r.reason
            ));
        }
        let s = self.summary();
        out.push_str(&format!(
            "\n{} passed, {} failed, {} warnings, {} skipped (Prometheus {})\n",
            s.pass, s.fail, s.warn, s.skip, self.prometheus
        ));
        out
    }
}

fn truncate(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        let cut: String = s.chars().take(w.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
