//! Service runtime: the processes behind the service, as the Python client sees them.
//!
//! Metrics are prometheus_client's default collectors:
//!
//! - `ProcessCollector` (`prometheus_client/process_collector.py`, the same names as every
//!   official client's): `process_cpu_seconds_total`, `process_resident_memory_bytes`,
//!   `process_open_fds`, `process_max_fds`, `process_start_time_seconds`.
//! - `GCCollector` (`prometheus_client/gc_collector.py`, CPython only):
//!   `python_gc_collections_total{generation}`,
//!   `python_gc_objects_uncollectable_total{generation}`.
//! - `PlatformCollector`: `python_info{implementation, version}`, one series per process.

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::thresholds;
use dashboard_dsl::model::Thresholds;
use dashboard_dsl::options::{StatOptions, TimeseriesOptions};
use dashboard_dsl::panel::{self, Panel};
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::{DatasourceVar, QueryVar, Sort};
use dashboard_dsl::{Dashboard, PanelKey, Row, Unit, Variables};

use crate::{any_is_bad, no_level};

/// The uid other dashboards link to.
pub const UID: &str = "service-runtime";

/// The dashboard's variables, in the order Grafana resolves them.
#[derive(Variables)]
pub struct Vars {
    /// The Prometheus that scrapes the service.
    #[variable(label = "Prometheus", default = "prometheus")]
    pub prometheus: DatasourceVar<Prometheus>,
    /// Scrape jobs of Python processes.
    #[variable(
        label = "Job",
        datasource = prometheus,
        query = "label_values(python_info, job)",
        sort = Sort::AlphabeticalAsc
    )]
    pub job: QueryVar,
    /// Processes of the job.
    #[variable(
        label = "Instance",
        datasource = prometheus,
        query = "label_values(python_info{job=~\"$job\"}, instance)",
        multi,
        include_all,
        all_value = ".*",
        sort = Sort::NaturalAsc
    )]
    pub instance: QueryVar,
}

/// Panel keys: panel ids derive from them, so they must never be reused.
#[derive(PanelKey, Clone, Copy)]
pub enum Key {
    Processes,
    Restarts,
    Uptime,
    FdUsage,
    Cpu,
    Memory,
    FdUsagePerInstance,
    GcCollections,
    Uncollectable,
}

/// Builds the dashboard: four headline stats, then a row per resource.
pub fn dashboard() -> Dashboard {
    let v = Vars::new();
    let d = crate::service_dashboard(
        UID,
        "Service runtime",
        "CPU, memory, file descriptors, restarts and garbage collection of the Python processes behind a service, from prometheus_client's default collectors.",
        &["python", "service"],
        (crate::http::UID, "HTTP service"),
    )
    .variables(&v);
    headline(d, &v)
        .row(cpu_and_memory(&v))
        .row(Row::new("File descriptors").panel(fd_usage(&v).width(24)))
        .row(garbage_collection(&v))
}

/// A stat of the selected processes as they are now.
fn now_stat(
    key: Key,
    title: &str,
    description: &str,
    levels: Thresholds,
    v: &Vars,
    query: PromQuery,
) -> Panel<StatOptions> {
    panel::stat(key, title)
        .description(description)
        .unit(Unit::Short)
        .decimals(0)
        .thresholds(levels)
        .query(&v.prometheus, query.instant())
}

/// Above 80% of the open-file limit orange, above 90% red.
fn fd_thresholds() -> Thresholds {
    thresholds("green", &[(0.8, "orange"), (0.9, "red")])
}

fn headline(d: Dashboard, v: &Vars) -> Dashboard {
    let processes = now_stat(
        Key::Processes,
        "Processes",
        "Python processes of the job reporting now. Fewer than the replicas you run means some are down or not scraped.",
        no_level(),
        v,
        selected!(v, r#"count(python_info{job=~"$job", instance=~"$instance"})"#),
    );
    let restarts = now_stat(
        Key::Restarts,
        "Restarts",
        "Process restarts over the dashboard's time range (changes of the start time), summed over the selected instances. Any is red: a crash, an OOM kill or a deploy.",
        any_is_bad(),
        v,
        selected!(v,
            r#"sum(changes(process_start_time_seconds{job=~"$job", instance=~"$instance"}[$__range]))"#
        ),
    )
    .background();
    let uptime = panel::stat(Key::Uptime, "Youngest process")
        .description("Time since the most recent start among the selected processes. Under 10 minutes (orange) something restarted just now.")
        .unit(Unit::Seconds)
        .thresholds(thresholds("orange", &[(600.0, "green")]))
        .query(&v.prometheus, selected!(v,
            r#"time() - max(process_start_time_seconds{job=~"$job", instance=~"$instance"})"#
        ).instant());
    let fd_max = panel::stat(Key::FdUsage, "File descriptors used (max)")
        .description("The highest share of the open-file limit any selected process uses. Above 80% orange, above 90% red: at 100% new connections fail with EMFILE.")
        .unit(Unit::PercentUnit)
        .thresholds(fd_thresholds())
        .query(&v.prometheus, selected!(v,
            r#"max(process_open_fds{job=~"$job", instance=~"$instance"} / process_max_fds{job=~"$job", instance=~"$instance"})"#
        ));
    d.panel(processes)
        .panel(restarts)
        .panel(uptime)
        .panel(fd_max)
}

fn cpu_and_memory(v: &Vars) -> Row {
    let cpu = crate::series(
        Key::Cpu,
        "CPU per process",
        "CPU seconds per second (cores busy) per process, user and system. One CPython process runs Python code on one core at a time (the GIL): near 1 (orange at 0.8, red at 0.95) it is saturated, add workers or replicas.",
        Unit::Short,
        thresholds("green", &[(0.8, "orange"), (0.95, "red")]),
        &v.prometheus,
        selected!(v,
            r#"sum by (instance) (rate(process_cpu_seconds_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))"#
        )
        .legend("{{instance}}"),
    )
    .threshold_lines();
    let memory = crate::series(
        Key::Memory,
        "Resident memory per process",
        "Resident set size per process. No bad level of its own: compare with the container's memory limit; a line that only grows is a leak.",
        Unit::BytesIEC,
        no_level(),
        &v.prometheus,
        selected!(v,
            r#"sum by (instance) (process_resident_memory_bytes{job=~"$job", instance=~"$instance"})"#
        )
        .legend("{{instance}}"),
    );
    Row::new("CPU and memory").panel(cpu).panel(memory)
}

fn fd_usage(v: &Vars) -> Panel<TimeseriesOptions> {
    crate::series(
        Key::FdUsagePerInstance,
        "File descriptors used per process",
        "Open file descriptors (sockets, files) as a share of the process's limit. Above 80% orange, above 90% red; a steady climb is a connection leak.",
        Unit::PercentUnit,
        fd_thresholds(),
        &v.prometheus,
        selected!(v,
            r#"max by (instance) (process_open_fds{job=~"$job", instance=~"$instance"} / process_max_fds{job=~"$job", instance=~"$instance"})"#
        )
        .legend("{{instance}}"),
    )
    .max(1.0)
}

fn garbage_collection(v: &Vars) -> Row {
    let gc = panel::timeseries(Key::GcCollections, "GC collections per generation")
        .description("CPython garbage collections per second per generation, over the selected processes. Generation 2 (full) collections are the expensive ones: many of them mean many long-lived objects being created.")
        .unit(Unit::OpsPerSecond)
        .min(0.0)
        .thresholds(no_level())
        .query(&v.prometheus, selected!(v,
            r#"sum by (generation) (rate(python_gc_collections_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))"#
        ).legend("generation {{generation}}"));
    let uncollectable = crate::series(
        Key::Uncollectable,
        "Uncollectable objects found",
        "Objects the collector found but could not free, per process, over each interval. Any is red: they stay in memory for the life of the process.",
        Unit::Short,
        any_is_bad(),
        &v.prometheus,
        selected!(v,
            r#"sum by (instance) (increase(python_gc_objects_uncollectable_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))"#
        )
        .legend("{{instance}}"),
    );
    Row::new("Garbage collection")
        .panel(gc)
        .panel(uncollectable)
}

#[cfg(test)]
mod tests {
    #[test]
    fn builds_and_passes_the_lint() {
        let built = super::dashboard().build().unwrap();
        assert_eq!(built.panel_count(), 9);
    }
}
