//! The proofs of group `spark-streaming`: the driver's streaming gauges, named and labelled
//! as the contract's relabeling names them (`spark_streaming_<gauge>_Value{query}`, see
//! `tests/fixtures/streaming/` for the same series from a real Spark).

use super::outcome::exec;
use super::{series, Case};

/// The labels of a streaming gauge of query `events_per_window` after the contract's
/// relabeling (the target's `application_id`, the namespace and instance, the query).
const QUERY: &str = r#"application_id="app-1", spark_namespace="spark", spark_instance="driver", type="gauges", job="spark-driver", instance="driver:4040", query="events_per_window""#;

const LABELS: [(&str, &str); 2] = [("application_id", "app-1"), ("query", "events_per_window")];

fn gauge(gauge: &str, values: &'static str) -> (String, &'static str) {
    series(&format!("spark_streaming_{gauge}_Value"), QUERY, values)
}

pub(super) fn cases() -> Vec<Case> {
    let one = |g: &str, values| vec![gauge(g, values)];
    let rates = |input, processing| {
        vec![
            gauge("inputRate_total", input),
            gauge("processingRate_total", processing),
        ]
    };
    vec![
        Case {
            alert: "StreamingNoInput",
            name: "input stops at 1m, for 6 minutes",
            series: one("inputRate_total", "5x3 0x40"),
            eval: "7m",
            fires: Some((LABELS.to_vec(), 0.0)),
        },
        Case {
            alert: "StreamingNoInput",
            name: "input every batch",
            series: one("inputRate_total", "5x40"),
            eval: "7m",
            fires: None,
        },
        Case {
            alert: "StreamingNoInput",
            name: "no input for 4 minutes, then rows again",
            series: one("inputRate_total", "5x3 0x15 5x30"),
            eval: "7m",
            fires: None,
        },
        Case {
            alert: "StreamingNoInput",
            name: "the query stops: its series go stale",
            series: one("inputRate_total", "5x3 0x3 stale"),
            eval: "7m",
            fires: None,
        },
        Case {
            alert: "StreamingProcessingBelowInput",
            name: "8 rows/s processed of 10 arriving, for 11 minutes",
            series: rates("10x60", "8x60"),
            eval: "11m",
            fires: Some((LABELS.to_vec(), 8.0)),
        },
        Case {
            alert: "StreamingProcessingBelowInput",
            name: "processing faster than input (idle time between batches)",
            series: rates("10x60", "12x60"),
            eval: "11m",
            fires: None,
        },
        Case {
            alert: "StreamingProcessingBelowInput",
            name: "behind for 5 minutes only, then catching up",
            series: rates("10x60", "8x20 30x40"),
            eval: "11m",
            fires: None,
        },
        Case {
            alert: "StreamingBatchOverTrigger",
            name: "every batch 70 s or more (a new one every 15 s)",
            series: one("latency", "70000+1000x40"),
            eval: "5m",
            fires: Some((LABELS.to_vec(), 70.0)),
        },
        Case {
            alert: "StreamingBatchOverTrigger",
            name: "batches of 50 s, under the trigger",
            series: one("latency", "50000+100x40"),
            eval: "5m",
            fires: None,
        },
        Case {
            alert: "StreamingBatchOverTrigger",
            name: "one long batch is not five",
            series: one("latency", "90000x40"),
            eval: "5m",
            fires: None,
        },
        Case {
            alert: "StreamingWatermarkDelayHigh",
            name: "the watermark stuck at 1m, looked at 22m",
            series: one("eventTime_watermark", "60000x100"),
            eval: "22m",
            fires: Some((LABELS.to_vec(), 1260.0)),
        },
        Case {
            alert: "StreamingWatermarkDelayHigh",
            name: "the watermark keeps up with the clock",
            series: one("eventTime_watermark", "60000+15000x100"),
            eval: "22m",
            fires: None,
        },
        Case {
            alert: "StreamingWatermarkDelayHigh",
            name: "a query without a watermark reports 0",
            series: one("eventTime_watermark", "0x100"),
            eval: "22m",
            fires: None,
        },
        Case {
            alert: "StreamingStateGrowing",
            name: "10 rows more every 15 s for 32 minutes",
            series: one("states_rowsTotal", "1000+10x140"),
            eval: "32m",
            fires: Some((LABELS.to_vec(), 40.0)),
        },
        Case {
            alert: "StreamingStateGrowing",
            name: "growing for 15 minutes, then flat",
            series: one("states_rowsTotal", "1000+10x60 1610x80"),
            eval: "32m",
            fires: None,
        },
        Case {
            alert: "StreamingStateGrowing",
            name: "a stateless query: 0 rows",
            series: one("states_rowsTotal", "0x140"),
            eval: "32m",
            fires: None,
        },
        Case {
            alert: "StreamingQueryEnded",
            name: "the query's series stop at 5m, its driver goes on",
            series: vec![
                gauge("latency", "2000x20 stale"),
                exec("metrics_executor_totalCores", "driver", "0x40"),
            ],
            eval: "7m",
            fires: Some((LABELS.to_vec(), 2000.0)),
        },
        Case {
            alert: "StreamingQueryEnded",
            name: "the application ends with its query",
            series: vec![
                gauge("latency", "2000x20 stale"),
                exec("metrics_executor_totalCores", "driver", "0x20 stale"),
            ],
            eval: "7m",
            fires: None,
        },
        Case {
            alert: "StreamingQueryEnded",
            name: "the query runs on",
            series: vec![
                gauge("latency", "2000x40"),
                exec("metrics_executor_totalCores", "driver", "0x40"),
            ],
            eval: "7m",
            fires: None,
        },
    ]
}
