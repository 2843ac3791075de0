//! A small Prometheus HTTP API client that turns every failure into a sentence.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

/// Why a request to Prometheus failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromError {
    /// Nothing listens, DNS fails, the connection drops.
    #[error("cannot reach Prometheus at {url}: {reason}")]
    Unreachable {
        /// Base URL.
        url: String,
        /// The transport's explanation.
        reason: String,
    },
    /// No answer in time.
    #[error("Prometheus at {url} did not answer within {timeout:?}")]
    Timeout {
        /// Base URL.
        url: String,
        /// The limit.
        timeout: Duration,
    },
    /// An HTTP error status that is not Prometheus' own error JSON.
    #[error("Prometheus at {url} answered HTTP {status}: {body}")]
    Status {
        /// Base URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// Prometheus refused the query (`status: "error"`), e.g. a parse error.
    #[error("Prometheus rejected the query ({kind}): {message}")]
    Rejected {
        /// `errorType`, such as `bad_data`.
        kind: String,
        /// `error`.
        message: String,
    },
    /// Something answered, but not with the Prometheus API's JSON.
    #[error("{url} does not answer like Prometheus ({what}): {body}")]
    NotPrometheus {
        /// Base URL.
        url: String,
        /// What was wrong with the answer.
        what: String,
        /// The start of the body.
        body: String,
    },
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// One series of a query result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Series {
    /// Its labels, `__name__` included when present.
    pub metric: std::collections::BTreeMap<String, String>,
}

/// A blocking client for one Prometheus.
pub struct Client {
    base: String,
    http: reqwest::blocking::Client,
    timeout: Duration,
}

fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(empty body)".into();
    }
    match one_line.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

impl Client {
    /// A client with a per-request timeout.
    pub fn new(base: &str, timeout: Duration) -> Result<Self, PromError> {
        let base = base.trim_end_matches('/').to_string();
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("dashboard-validate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PromError::Unreachable {
                url: base.clone(),
                reason: e.to_string(),
            })?;
        Ok(Client {
            base,
            http,
            timeout,
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// GET (or POST, for long queries) an API path; returns `data`.
    pub fn get(&self, path: &str, params: &[(&str, String)]) -> Result<Value, PromError> {
        let url = format!("{}{path}", self.base);
        // Long queries go in a form body, as Grafana sends them, so the URL stays short.
        let req = if params.iter().map(|(_, v)| v.len()).sum::<usize>() > 1500 {
            self.http.post(&url).form(params)
        } else {
            self.http.get(&url).query(params)
        };
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                PromError::Timeout {
                    url: self.base.clone(),
                    timeout: self.timeout,
                }
            } else {
                PromError::Unreachable {
                    url: self.base.clone(),
                    reason: root_cause(&e),
                }
            }
        };
        let resp = req.send().map_err(transport)?;
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = resp.text().map_err(transport)?;
        match serde_json::from_str::<Envelope>(&body) {
            Ok(env) if env.status == "success" => {
                env.data.ok_or_else(|| PromError::NotPrometheus {
                    url: self.base.clone(),
                    what: "no `data` in a success answer".into(),
                    body: excerpt(&body),
                })
            }
            Ok(env) if env.status == "error" => Err(PromError::Rejected {
                kind: env.error_type.unwrap_or_else(|| "error".into()),
                message: env.error.unwrap_or_default(),
            }),
            _ if !status.is_success() => Err(PromError::Status {
                url: self.base.clone(),
                status: status.as_u16(),
                body: excerpt(&body),
            }),
            _ => Err(PromError::NotPrometheus {
                url: self.base.clone(),
                what: if content_type.is_empty() {
                    "not the API's JSON".into()
                } else {
                    format!("content-type {content_type}, not the API's JSON")
                },
                body: excerpt(&body),
            }),
        }
    }

    /// Checks that the URL is a Prometheus: `/api/v1/status/buildinfo`.
    pub fn version(&self) -> Result<String, PromError> {
        let data =
            match self.get("/api/v1/status/buildinfo", &[]) {
                Err(PromError::Status {
                    status: 404, body, ..
                }) => return Err(PromError::NotPrometheus {
                    url: self.base.clone(),
                    what: "HTTP 404 for /api/v1/status/buildinfo; is this the Prometheus base URL?"
                        .into(),
                    body,
                }),
                other => other?,
            };
        data.get("version")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| PromError::NotPrometheus {
                url: self.base.clone(),
                what: "buildinfo has no version".into(),
                body: excerpt(&data.to_string()),
            })
    }

    /// The names of the alerting rules Prometheus evaluates (`/api/v1/rules?type=alert`,
    /// Prometheus 2.42's API: `data.groups[].rules[].name`).
    pub fn alerting_rules(&self) -> Result<std::collections::BTreeSet<String>, PromError> {
        let data = self.get("/api/v1/rules", &[("type", "alert".to_string())])?;
        Ok(data["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().into_iter().flatten())
            .filter_map(|r| r["name"].as_str().map(str::to_string))
            .collect())
    }

    /// Series of an instant or range query. Range results are flattened to their label sets.
    pub fn query(
        &self,
        expr: &str,
        range: Option<(i64, i64, u64)>,
        at: i64,
    ) -> Result<Vec<Series>, PromError> {
        let data = match range {
            Some((start, end, step)) => self.get(
                "/api/v1/query_range",
                &[
                    ("query", expr.to_string()),
                    ("start", start.to_string()),
                    ("end", end.to_string()),
                    ("step", step.to_string()),
                ],
            )?,
            None => self.get(
                "/api/v1/query",
                &[("query", expr.to_string()), ("time", at.to_string())],
            )?,
        };
        match data.get("resultType").and_then(Value::as_str) {
            Some("vector" | "matrix") => serde_json::from_value(
                data.get("result").cloned().unwrap_or(Value::Null),
            )
            .map_err(|e| PromError::NotPrometheus {
                url: self.base.clone(),
                what: format!("unexpected result shape: {e}"),
                body: excerpt(&data.to_string()),
            }),
            // A scalar or string result is one unlabelled value.
            Some("scalar" | "string") => Ok(vec![Series {
                metric: Default::default(),
            }]),
            _ => Err(PromError::NotPrometheus {
                url: self.base.clone(),
                what: "no resultType".into(),
                body: excerpt(&data.to_string()),
            }),
        }
    }

    /// Values of a label, optionally only on series matching `selector`, over a window.
    pub fn label_values(
        &self,
        label: &str,
        selector: Option<&str>,
        start: i64,
        end: i64,
    ) -> Result<Vec<String>, PromError> {
        let mut params = vec![("start", start.to_string()), ("end", end.to_string())];
        if let Some(s) = selector {
            params.push(("match[]", s.to_string()));
        }
        let data = self.get(&format!("/api/v1/label/{label}/values"), &params)?;
        strings(self, data)
    }

    /// How many series match `selector` over a window (`/api/v1/series`).
    pub fn series_count(&self, selector: &str, start: i64, end: i64) -> Result<usize, PromError> {
        let data = self.get(
            "/api/v1/series",
            &[
                ("match[]", selector.to_string()),
                ("start", start.to_string()),
                ("end", end.to_string()),
            ],
        )?;
        data.as_array()
            .map(Vec::len)
            .ok_or_else(|| PromError::NotPrometheus {
                url: self.base.clone(),
                what: "series is not a list".into(),
                body: excerpt(&data.to_string()),
            })
    }

    /// Label names, optionally only of series matching `selector`.
    pub fn label_names(
        &self,
        selector: Option<&str>,
        start: i64,
        end: i64,
    ) -> Result<Vec<String>, PromError> {
        let mut params = vec![("start", start.to_string()), ("end", end.to_string())];
        if let Some(s) = selector {
            params.push(("match[]", s.to_string()));
        }
        let data = self.get("/api/v1/labels", &params)?;
        strings(self, data)
    }
}

fn strings(c: &Client, data: Value) -> Result<Vec<String>, PromError> {
    serde_json::from_value(data.clone()).map_err(|e| PromError::NotPrometheus {
        url: c.base.clone(),
        what: format!("expected a list of strings: {e}"),
        body: excerpt(&data.to_string()),
    })
}

/// The innermost error message: reqwest's top level is only "error sending request".
fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
