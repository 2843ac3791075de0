//! The test harness itself: its error messages and the replay fast path (no Spark).

mod harness_negative;
mod harness_replay;
