"""The e2e validate runs' workload: the fixtures' batch workload, with one Structured
Streaming query and one straggler stage beside it, so that one Spark run proves every
dashboard (the streaming one included), the streaming rules' selectors and the skew alert.

The batch part is `spark_job.py` of the fixtures, unchanged (skewed joins, forced spills,
caching, a Python UDF, one failing job), imported from SPARK_FIXTURES_DIR (the harness sets
it). Before it starts, this script starts `validate-events` on the same session: the
built-in `rate` source, a 10 s watermark and a 5 s tumbling-window count, written in update
mode to the `noop` sink every 2 s: a stateful query whose rate, duration, watermark and state
gauges all move. Small (10 rows per second), so the batch work keeps the 2 cores. It stops
when a file `stop-streaming` appears in the working directory, between two of its batches
(stopped mid-batch, its job would count as failed): the test asks for it before it compares
spark-exporter's counters, which must settle once the batch work is done.

The straggler, in a thread of its own as the batch work starts: one stage of eight tasks,
one of which sleeps 10 s and the others 0.2 s (Python worker start-up makes them 0.2 to
0.5 s, still a ratio above 20), which `SparkStageTaskSkewSevere` must report (max/median
above 10, max above 5 s).

A failing job on request: when a file `fail-now` appears, one job whose tasks fail four
times (spark.task.maxFailures), which fails its stage and its job, once. The fixtures'
workload fails a job of its own in its second iteration, but a loaded machine may end the
work before it; the test asks, so `SparkJobFailed` and `SparkStageFailed` are proved on
every run.

Usage: python validate_job.py [run_seconds] [linger_seconds] (those of spark_job.py)
"""
import os
import sys
import tempfile
import threading
import time

from pyspark.sql import functions as F

sys.path.insert(0, os.environ["SPARK_FIXTURES_DIR"])
import spark_job  # noqa: E402


def main():
    # spark_job.main() asks the builder again; getOrCreate returns this session.
    spark = spark_job.build()
    checkpoint = tempfile.mkdtemp(prefix="validate-checkpoint-")
    windowed = (spark.readStream.format("rate")
                .option("rowsPerSecond", 10)
                .option("numPartitions", 1)
                .load()
                .withWatermark("timestamp", "10 seconds")
                .groupBy(F.window("timestamp", "5 seconds"), (F.col("value") % 4).alias("key"))
                .count())
    q = (windowed.writeStream.outputMode("update").format("noop")
         .queryName("validate-events")
         .option("checkpointLocation", checkpoint)
         .trigger(processingTime="2 seconds")
         .start())
    print(f"PROBE query started name={q.name} id={q.id}", flush=True)

    def stop_on_request():
        while not os.path.exists("stop-streaming"):
            time.sleep(0.5)
        # Between two triggers: stopping a query mid-batch cancels the batch's job, which
        # Spark counts as a failed job and stage (and SparkJobFailed would fire).
        while q.status["isTriggerActive"]:
            time.sleep(0.02)
        q.stop()
        print("PROBE streaming stopped", flush=True)

    threading.Thread(target=stop_on_request, daemon=True).start()
    def straggler():
        # Job descriptions are thread-local: this one names only the straggler's job.
        spark.sparkContext.setJobDescription("straggler")
        spark.sparkContext.parallelize(range(8), 8).map(
            lambda i: (time.sleep(10 if i == 0 else 0.2), i)[1]).count()
        print("PROBE straggler done", flush=True)

    threading.Thread(target=straggler, daemon=True).start()

    def fail_on_request():
        while not os.path.exists("fail-now"):
            time.sleep(0.5)
        spark.sparkContext.setJobDescription("failing on request")
        try:
            spark.sparkContext.parallelize(range(4), 2).map(lambda x: 1 // (x - 3)).collect()
        except Exception as e:  # noqa: BLE001
            print("PROBE failed on request:", type(e).__name__, flush=True)

    threading.Thread(target=fail_on_request, daemon=True).start()
    # Runs the batch work, lingers, and stops the session (and with it the query).
    spark_job.main()


if __name__ == "__main__":
    main()
