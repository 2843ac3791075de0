//! The test harness itself: its error messages, the replay fast path and the alerting
//! chain (Prometheus, Alertmanager, notification stand-ins), all without Spark.

mod harness_alerting;
mod harness_negative;
mod harness_replay;
mod harness_streaming;
