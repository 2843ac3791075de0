"""The e2e validate runs' workload: the fixtures' batch workload, with one Structured
Streaming query running beside it, so that one Spark run proves every dashboard (the
streaming one included) and the streaming rules' selectors.

The batch part is `spark_job.py` of the fixtures, unchanged (skewed joins, forced spills,
caching, a Python UDF, one failing job), imported from SPARK_FIXTURES_DIR (the harness sets
it). Before it starts, this script starts `validate-events` on the same session: the
built-in `rate` source, a 10 s watermark and a 5 s tumbling-window count, written in update
mode to the `noop` sink every 2 s: a stateful query whose rate, duration, watermark and state
gauges all move. Small (10 rows per second), so the batch work keeps the 2 cores. It stops
when a file `stop-streaming` appears in the working directory, between two of its batches
(stopped mid-batch, its job would count as failed): the test asks for it before it compares
spark-exporter's counters, which must settle once the batch work is done.

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
    # Runs the batch work, lingers, and stops the session (and with it the query).
    spark_job.main()


if __name__ == "__main__":
    main()
