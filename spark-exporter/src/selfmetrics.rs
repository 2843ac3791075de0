//! Metrics about the exporter itself: `spark_exporter_*`.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::exposition::Exposition;
use crate::graphite::Kind;

/// Upper bounds of the scrape-duration histogram, in seconds.
const SCRAPE_BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// Counters shared by the listener, the poller and the HTTP server.
#[derive(Debug, Default)]
pub struct SelfMetrics {
    /// Lines read from Graphite connections (complete or not).
    pub lines_received: AtomicU64,
    /// Lines in the Graphite plaintext format.
    pub lines_parsed: AtomicU64,
    /// Lines that are not (bad number, too long, …): skipped.
    pub lines_malformed: AtomicU64,
    /// Parsed lines of paths the exporter does not export (other sources and processes).
    pub lines_ignored: AtomicU64,
    /// Parsed lines of new series beyond the series cap.
    pub lines_dropped: AtomicU64,
    /// Graphite connections accepted.
    pub connections_accepted: AtomicU64,
    /// Graphite connections refused because `max_connections` were open.
    pub connections_rejected: AtomicU64,
    /// Graphite connections open now.
    pub connections_open: AtomicU64,
    /// Graphite datagrams taken over UDP.
    pub datagrams_received: AtomicU64,
    /// Series removed because no line updated them for the TTL.
    pub series_expired: AtomicU64,
    /// `/metrics` requests answered.
    pub scrapes: AtomicU64,
    scrape_buckets: [AtomicU64; SCRAPE_BUCKETS.len()],
    scrape_sum_nanos: AtomicU64,
    /// HTTP requests refused because too many were in flight.
    pub http_rejected: AtomicU64,
}

impl SelfMetrics {
    /// Records one scrape's duration.
    pub fn observe_scrape(&self, d: Duration) {
        self.scrapes.fetch_add(1, Relaxed);
        self.scrape_sum_nanos
            .fetch_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX), Relaxed);
        let secs = d.as_secs_f64();
        for (bound, bucket) in SCRAPE_BUCKETS.iter().zip(&self.scrape_buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
    }

    /// Writes the Graphite and HTTP self metrics; `series`, `max_series` and `conflicts`
    /// come from the store.
    pub fn render(&self, out: &mut Exposition, series: usize, max_series: usize, conflicts: u64) {
        let counter = |out: &mut Exposition, name: &str, help: &str, v: &AtomicU64| {
            out.family(name, help, Kind::Counter);
            out.sample(name, &[], v.load(Relaxed) as f64);
        };
        counter(
            out,
            "spark_exporter_graphite_lines_received_total",
            "Lines read from Graphite connections and datagrams.",
            &self.lines_received,
        );
        counter(
            out,
            "spark_exporter_graphite_lines_parsed_total",
            "Lines in the Graphite plaintext format (path value [timestamp]).",
            &self.lines_parsed,
        );
        counter(out, "spark_exporter_graphite_lines_malformed_total", "Lines skipped because they are not Graphite plaintext (bad number, missing value, too long).", &self.lines_malformed);
        counter(out, "spark_exporter_graphite_lines_ignored_total", "Parsed lines of paths not exported: sources other than executor and JVMCPU, other Spark processes.", &self.lines_ignored);
        counter(
            out,
            "spark_exporter_graphite_lines_dropped_total",
            "Parsed lines of new series refused because the series cap (--max-series) was reached.",
            &self.lines_dropped,
        );
        counter(out, "spark_exporter_graphite_conflicting_lines_total", "Lines for an executor already reported from another address within a minute: two running applications share a metrics namespace.", &AtomicU64::new(conflicts));
        counter(
            out,
            "spark_exporter_graphite_connections_accepted_total",
            "Graphite connections accepted.",
            &self.connections_accepted,
        );
        counter(
            out,
            "spark_exporter_graphite_connections_rejected_total",
            "Graphite connections closed at once because --max-connections were open.",
            &self.connections_rejected,
        );
        counter(
            out,
            "spark_exporter_graphite_udp_datagrams_received_total",
            "Graphite datagrams taken over UDP (a GraphiteSink with protocol=udp sends one a line).",
            &self.datagrams_received,
        );
        out.family(
            "spark_exporter_graphite_connections_open",
            "Graphite connections open now.",
            Kind::Gauge,
        );
        out.sample(
            "spark_exporter_graphite_connections_open",
            &[],
            self.connections_open.load(Relaxed) as f64,
        );
        out.family(
            "spark_exporter_graphite_series",
            "Graphite series held now.",
            Kind::Gauge,
        );
        out.sample("spark_exporter_graphite_series", &[], series as f64);
        out.family(
            "spark_exporter_graphite_series_limit",
            "The series cap (--max-series).",
            Kind::Gauge,
        );
        out.sample(
            "spark_exporter_graphite_series_limit",
            &[],
            max_series as f64,
        );
        counter(
            out,
            "spark_exporter_graphite_series_expired_total",
            "Series removed because no line updated them for --series-ttl.",
            &self.series_expired,
        );
        counter(
            out,
            "spark_exporter_http_rejected_total",
            "HTTP requests answered 503 because too many were in flight.",
            &self.http_rejected,
        );

        let name = "spark_exporter_scrape_duration_seconds";
        out.family(
            name,
            "Time to render /metrics (scrapes before this one).",
            Kind::Histogram,
        );
        let bucket = format!("{name}_bucket");
        for (bound, count) in SCRAPE_BUCKETS.iter().zip(&self.scrape_buckets) {
            out.sample(
                &bucket,
                &[("le", &bound.to_string())],
                count.load(Relaxed) as f64,
            );
        }
        let total = self.scrapes.load(Relaxed) as f64;
        out.sample(&bucket, &[("le", "+Inf")], total);
        out.sample(
            &format!("{name}_sum"),
            &[],
            self.scrape_sum_nanos.load(Relaxed) as f64 / 1e9,
        );
        out.sample(&format!("{name}_count"), &[], total);
    }
}
