//! HTTP service: traffic, errors and latency (the RED method) of a FastAPI service.
//!
//! Metrics are prometheus-fastapi-instrumentator's defaults (`metrics.default()`,
//! `src/prometheus_fastapi_instrumentator/metrics.py`):
//!
//! - `http_requests_total{method, status, handler}`: a counter. `status` is grouped
//!   (`2xx`, `4xx`, `5xx`) unless `should_group_status_codes=False`; the queries match
//!   `5..`, which takes both forms.
//! - `http_request_duration_highr_seconds_bucket`: a histogram with many buckets and no
//!   labels of its own, for quantiles over the whole service.
//! - `http_request_duration_seconds_bucket{method, handler}`: few buckets (0.1, 0.5, 1),
//!   for per-handler shares under a latency target.
//! - `http_response_size_bytes_{sum,count}{handler}`: a summary of response sizes.
//!
//! `job` and `instance` come from Prometheus' scrape configuration, `up` from Prometheus.

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::thresholds;
use dashboard_dsl::model::Thresholds;
use dashboard_dsl::panel;
use dashboard_dsl::variable::{DatasourceVar, QueryVar, Sort};
use dashboard_dsl::{Dashboard, PanelKey, Row, Unit, Variables};

use crate::{any_is_bad, no_level};

/// The uid other dashboards link to.
pub const UID: &str = "http-service";

/// The dashboard's variables, in the order Grafana resolves them.
#[derive(Variables)]
pub struct Vars {
    /// The Prometheus that scrapes the service.
    #[variable(label = "Prometheus", default = "prometheus")]
    pub prometheus: DatasourceVar<Prometheus>,
    /// The scrape job of the service.
    #[variable(
        label = "Job",
        datasource = prometheus,
        query = "label_values(http_requests_total, job)",
        sort = Sort::AlphabeticalAsc
    )]
    pub job: QueryVar,
    /// Instances (replicas) of the job.
    #[variable(
        label = "Instance",
        datasource = prometheus,
        query = "label_values(http_requests_total{job=~\"$job\"}, instance)",
        multi,
        include_all,
        all_value = ".*",
        sort = Sort::NaturalAsc
    )]
    pub instance: QueryVar,
    /// Route templates (`/users/{id}`), as the instrumentator names handlers.
    #[variable(
        label = "Handler",
        datasource = prometheus,
        query = "label_values(http_requests_total{job=~\"$job\"}, handler)",
        multi,
        include_all,
        all_value = ".*",
        sort = Sort::AlphabeticalAsc
    )]
    pub handler: QueryVar,
}

/// Panel keys: panel ids derive from them, so they must never be reused.
#[derive(PanelKey, Clone, Copy)]
pub enum Key {
    RequestRate,
    ErrorRatio,
    LatencyP99,
    InstancesDown,
    RequestsByHandler,
    RequestsByStatus,
    ErrorRatioByHandler,
    ClientErrorsByHandler,
    LatencyQuantiles,
    WithinTarget,
    ResponseBytes,
    ResponseSize,
}

/// Share of requests answered with a 5xx: 1% orange, 5% red.
pub fn error_ratio_thresholds() -> Thresholds {
    thresholds("green", &[(0.01, "orange"), (0.05, "red")])
}

/// Latency in seconds: 500 ms orange, 1 s red.
pub fn latency_thresholds() -> Thresholds {
    thresholds("green", &[(0.5, "orange"), (1.0, "red")])
}

/// Builds the dashboard: four headline stats, then a row per question.
pub fn dashboard() -> Dashboard {
    let v = Vars::new();
    let d = crate::service_dashboard(
        UID,
        "HTTP service",
        "Traffic, errors and latency of a FastAPI service instrumented with prometheus-fastapi-instrumentator.",
        &["http", "service"],
        (crate::runtime::UID, "Service runtime"),
    )
    .variables(&v);
    headline(d, &v)
        .row(traffic(&v))
        .row(errors(&v))
        .row(latency(&v))
        .row(payload(&v))
}

fn headline(d: Dashboard, v: &Vars) -> Dashboard {
    let ds = &v.prometheus;
    let rate = panel::stat(Key::RequestRate, "Requests per second")
        .description("Requests served per second over the selected instances and handlers. A rate has no bad level of its own: compare it with the usual traffic at this hour.")
        .unit(Unit::RequestsPerSecond)
        .thresholds(no_level())
        .query(ds, selected!(v,
            r#"sum(rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        ));
    let errors = panel::stat(Key::ErrorRatio, "Server errors")
        .description("Share of requests answered with a 5xx status. Above 1% (orange) users notice; above 5% (red) the service is failing.")
        .unit(Unit::PercentUnit)
        .decimals(2)
        .thresholds(error_ratio_thresholds())
        .background()
        .query(ds, selected!(v,
            r#"sum(rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler", status=~"5.."}[$__rate_interval]))
 / sum(rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        ));
    let p99 = panel::stat(Key::LatencyP99, "Latency p99")
        .description("99th percentile of request duration over the selected instances, every handler (the fine-grained histogram has no handler label). Above 500 ms orange, above 1 s red.")
        .unit(Unit::Seconds)
        .thresholds(latency_thresholds())
        .background()
        .query(ds, selected!(v,
            r#"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_highr_seconds_bucket{job=~"$job", instance=~"$instance"}[$__rate_interval])))"#
        ));
    let down = panel::stat(Key::InstancesDown, "Instances down")
        .description("Selected instances Prometheus fails to scrape (up == 0). Any is red: that replica serves nothing, or its metrics are lost.")
        .unit(Unit::Short)
        .decimals(0)
        .thresholds(any_is_bad())
        .background()
        .query(ds, selected!(v,
            r#"count(up{job=~"$job", instance=~"$instance"} == 0) or vector(0)"#
        ).instant());
    d.panel(rate).panel(errors).panel(p99).panel(down)
}

fn traffic(v: &Vars) -> Row {
    let by_handler = crate::series(
        Key::RequestsByHandler,
        "Requests per handler",
        "Requests per second per route. A route that grows alone points at one client or one feature; all growing together is traffic.",
        Unit::RequestsPerSecond,
        no_level(),
        &v.prometheus,
        selected!(v,
            r#"sum by (handler) (rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        )
        .legend("{{handler}}"),
    );
    let by_status = panel::timeseries(Key::RequestsByStatus, "Requests per status")
        .description("Requests per second per status (2xx, 3xx, 4xx, 5xx when the instrumentator groups them), stacked: the total is the traffic.")
        .unit(Unit::RequestsPerSecond)
        .min(0.0)
        .thresholds(no_level())
        .stacked()
        .fill_opacity(30)
        .query(&v.prometheus, selected!(v,
            r#"sum by (status) (rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        ).legend("{{status}}"));
    Row::new("Traffic").panel(by_handler).panel(by_status)
}

fn errors(v: &Vars) -> Row {
    let server = crate::series(
        Key::ErrorRatioByHandler,
        "Server errors per handler",
        "Share of each route's requests answered with a 5xx; the dashed lines are the 1% and 5% levels. One route alone failing is usually its own dependency.",
        Unit::PercentUnit,
        error_ratio_thresholds(),
        &v.prometheus,
        selected!(v,
            r#"sum by (handler) (rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler", status=~"5.."}[$__rate_interval]))
 / sum by (handler) (rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        )
        .legend("{{handler}}"),
    )
    .threshold_lines();
    let client = crate::series(
        Key::ClientErrorsByHandler,
        "Client errors per handler",
        "4xx answers per second per route: requests the service refused (bad input, auth, not found). No bad level of their own; a jump after a release of a client is that client.",
        Unit::RequestsPerSecond,
        no_level(),
        &v.prometheus,
        selected!(v,
            r#"sum by (handler) (rate(http_requests_total{job=~"$job", instance=~"$instance", handler=~"$handler", status=~"4.."}[$__rate_interval]))"#,
            handler
        )
        .legend("{{handler}}"),
    );
    Row::new("Errors").panel(server).panel(client)
}

fn latency(v: &Vars) -> Row {
    let ds = &v.prometheus;
    let mut quantiles = panel::timeseries(Key::LatencyQuantiles, "Latency quantiles")
        .description("Median, 90th and 99th percentile of request duration, every handler. A p99 far above the median is a slow minority: look for one handler or one dependency. Above 500 ms orange, above 1 s red.")
        .unit(Unit::Seconds)
        .min(0.0)
        .thresholds(latency_thresholds())
        .threshold_lines();
    // One literal per quantile: promql! checks each at compile time, so they cannot be
    // formatted from a list.
    for (query, legend) in [
        (
            selected!(
                v,
                r#"histogram_quantile(0.5, sum by (le) (rate(http_request_duration_highr_seconds_bucket{job=~"$job", instance=~"$instance"}[$__rate_interval])))"#
            ),
            "p50",
        ),
        (
            selected!(
                v,
                r#"histogram_quantile(0.9, sum by (le) (rate(http_request_duration_highr_seconds_bucket{job=~"$job", instance=~"$instance"}[$__rate_interval])))"#
            ),
            "p90",
        ),
        (
            selected!(
                v,
                r#"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_highr_seconds_bucket{job=~"$job", instance=~"$instance"}[$__rate_interval])))"#
            ),
            "p99",
        ),
    ] {
        quantiles.add_query(ds, query.legend(legend));
    }
    let within = crate::series(
        Key::WithinTarget,
        "Requests within 500 ms per handler",
        "Share of each route's requests served in 500 ms or less (the per-handler histogram's 0.5 bucket): a latency SLI. Below 99% orange, below 95% red.",
        Unit::PercentUnit,
        thresholds("red", &[(0.95, "orange"), (0.99, "green")]),
        &v.prometheus,
        selected!(v,
            r#"sum by (handler) (rate(http_request_duration_seconds_bucket{job=~"$job", instance=~"$instance", handler=~"$handler", le="0.5"}[$__rate_interval]))
 / sum by (handler) (rate(http_request_duration_seconds_count{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        )
        .legend("{{handler}}"),
    )
    .max(1.0);
    Row::new("Latency").panel(quantiles).panel(within)
}

fn payload(v: &Vars) -> Row {
    let bytes = crate::series(
        Key::ResponseBytes,
        "Response bytes per handler",
        "Bytes sent per second per route, from the Content-Length the responses declare (streamed responses count 0). No bad level of its own: compare with the network the service has.",
        Unit::BytesPerSecondSI,
        no_level(),
        &v.prometheus,
        selected!(v,
            r#"sum by (handler) (rate(http_response_size_bytes_sum{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        )
        .legend("{{handler}}"),
    )
    .stacked()
    .fill_opacity(30);
    let size = crate::series(
        Key::ResponseSize,
        "Average response size per handler",
        "Mean declared size of a response per route. A route whose responses keep growing is often a list without pagination.",
        Unit::BytesIEC,
        no_level(),
        &v.prometheus,
        selected!(v,
            r#"sum by (handler) (rate(http_response_size_bytes_sum{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))
 / sum by (handler) (rate(http_response_size_bytes_count{job=~"$job", instance=~"$instance", handler=~"$handler"}[$__rate_interval]))"#,
            handler
        )
        .legend("{{handler}}"),
    );
    Row::new("Payload").panel(bytes).panel(size)
}

#[cfg(test)]
mod tests {
    #[test]
    fn builds_and_passes_the_lint() {
        let built = super::dashboard().build().unwrap();
        assert_eq!(built.panel_count(), 12);
    }
}
