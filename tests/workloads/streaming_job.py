"""A Spark Structured Streaming workload: what the streaming dashboard and alerts read.

Queries, all on the built-in `rate` source (no Kafka here), each with its own checkpoint:

- `events-per-window`: event time (the rate source's `timestamp`), a 10 s watermark and a
  5 s tumbling-window count per key: a stateful query whose `eventTime-watermark` and
  `states-*` gauges move. Its name has a `-`, which Spark's PrometheusServlet turns into `_`.
- `slow_sink`: a foreachBatch that sleeps SECONDS_PER_ROW per input row, more than the
  rate gives it, so every batch is longer than the one before: it falls behind on purpose
  (processing rate below input rate, batches longer than the 2 s trigger).
- an unnamed query: Spark names its metrics source after the query id. It is stopped
  after RUN_SECONDS while the others go on, so a scrape shows its series gone.
- `fails-at-batch-3`: a foreachBatch that raises in batch 3, so the query terminates with
  an exception (a QueryTerminatedEvent with `exception`) while the application runs.
- `collide-a.b` and `collide_a_b`: two names that differ only in characters the
  PrometheusServlet makes `_`, so both sources render the same metric names.

The metrics configuration comes from spark-defaults.conf (the contract, through
SPARK_CONF_DIR); the script sets only what makes it small enough for 2 cores.

Usage: python streaming_job.py [run_seconds] [linger_seconds]
Prints `PROBE ...` lines: the harness reads `PROBE spark <version> app_id=... ui=...`, the
recorder (tests/fixtures/streaming/record.sh) the phase lines.
"""
import os
import sys
import tempfile
import time

from pyspark.sql import SparkSession, functions as F

RUN_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 60
LINGER_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 20
MASTER = os.environ.get("SPARK_MASTER", "local-cluster[2,1,1024]")

# slow_sink gets ROWS_PER_SECOND rows a second and needs SECONDS_PER_ROW for each: 1.2 s of
# work per second of input, so the backlog (and each batch) grows by a fifth every batch.
ROWS_PER_SECOND = 10
SECONDS_PER_ROW = 0.12


def rate(spark, rows_per_second):
    return (spark.readStream.format("rate")
            .option("rowsPerSecond", rows_per_second)
            .option("numPartitions", 2)
            .load())


def start(writer, name, checkpoints, trigger):
    if name is not None:
        writer = writer.queryName(name)
    path = os.path.join(checkpoints, name or "unnamed")
    q = writer.option("checkpointLocation", path).trigger(processingTime=trigger).start()
    print(f"PROBE query started name={q.name} id={q.id} runId={q.runId}", flush=True)
    return q


def slow_batch(df, batch_id):
    rows = df.count()
    time.sleep(rows * SECONDS_PER_ROW)


def failing_batch(df, batch_id):
    df.count()
    if batch_id == 3:
        raise RuntimeError("streaming_job.py: fails-at-batch-3 fails on purpose in batch 3")


def main():
    t0 = time.time()
    spark = (SparkSession.builder.master(MASTER).appName("spark-streaming-probe")
             # 4 state store partitions instead of 200: a batch is 4 tasks, not 200.
             .config("spark.sql.shuffle.partitions", "4")
             .getOrCreate())
    sc = spark.sparkContext
    t_ready = time.time()
    print(f"PROBE spark {spark.version} app_id={sc.applicationId} "
          f"session_start_s={t_ready - t0:.2f} ui={sc.uiWebUrl}", flush=True)
    checkpoints = tempfile.mkdtemp(prefix="streaming-checkpoints-")

    windowed = (rate(spark, 20)
                .withWatermark("timestamp", "10 seconds")
                .groupBy(F.window("timestamp", "5 seconds"), (F.col("value") % 4).alias("key"))
                .agg(F.count("*").alias("rows"), F.sum("value").alias("total")))
    queries = {
        "events-per-window": start(
            windowed.writeStream.outputMode("update").format("noop"),
            "events-per-window", checkpoints, "2 seconds"),
        "slow_sink": start(
            rate(spark, ROWS_PER_SECOND).writeStream.foreachBatch(slow_batch),
            "slow_sink", checkpoints, "2 seconds"),
        "fails-at-batch-3": start(
            rate(spark, 5).writeStream.foreachBatch(failing_batch),
            "fails-at-batch-3", checkpoints, "2 seconds"),
        "collide-a.b": start(
            rate(spark, 1).writeStream.format("noop"), "collide-a.b", checkpoints, "5 seconds"),
        "collide_a_b": start(
            rate(spark, 1).writeStream.format("noop"), "collide_a_b", checkpoints, "5 seconds"),
    }
    unnamed = start(rate(spark, 5).writeStream.format("noop"), None, checkpoints, "5 seconds")

    while time.time() - t_ready < RUN_SECONDS:
        time.sleep(1)
    failed = queries["fails-at-batch-3"]
    failed_with = failed.exception() if not failed.isActive else None
    print(f"PROBE fails-at-batch-3 active={failed.isActive} "
          f"exception={'yes' if failed_with else 'no'}", flush=True)

    print(f"PROBE stopping unnamed id={unnamed.id} t={time.time() - t_ready:.1f}s", flush=True)
    unnamed.stop()
    print(f"PROBE stopped unnamed id={unnamed.id}, lingering {LINGER_SECONDS}s", flush=True)
    time.sleep(LINGER_SECONDS)

    for name, q in queries.items():
        if q.isActive:
            progress = q.lastProgress or {}
            print(f"PROBE last progress name={name} batchId={progress.get('batchId')} "
                  f"batchDuration={progress.get('batchDuration')}", flush=True)
            q.stop()
    print("PROBE streaming done", flush=True)
    spark.stop()
    print("PROBE stopped", flush=True)


if __name__ == "__main__":
    main()
