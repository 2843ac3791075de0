"""A healthy Spark workload but for one straggler stage.

First one stage whose slowest task takes 10 s and the others 0.2 s: a straggler, which
`SparkStageTaskSkewSevere` must report (max/median above 10, max above 5 s). Then healthy
work: even keys, no failure, no spill, tasks of a reasonable size, which no other rule may
report above `info`; until a file `fail-now` appears in the working directory, when one
job fails (its stage too), once. The counterpart of the fixtures' spark_job.py, which fails a job and
forces spills on purpose. The metrics configuration comes from the harness'
spark-defaults.conf (the contract).

Usage: python healthy_job.py [run_seconds] [linger_seconds]
"""
import os
import sys
import time

from pyspark.sql import SparkSession, functions as F

RUN_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 30
LINGER_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10
# The harness sets it (local-cluster: separate executor JVMs, as on Kubernetes).
MASTER = os.environ.get("SPARK_MASTER", "local[2]")


def main():
    t0 = time.time()
    spark = SparkSession.builder.master(MASTER).appName("spark-straggler-probe").getOrCreate()
    sc = spark.sparkContext
    t_ready = time.time()
    print(f"PROBE spark {spark.version} app_id={sc.applicationId} "
          f"session_start_s={t_ready - t0:.2f} ui={sc.uiWebUrl}", flush=True)

    # The straggler: eight tasks, one of which sleeps 10 s (Python worker start-up makes the
    # others 0.2-0.5 s, still a ratio above 20).
    sc.setJobDescription("straggler")
    sc.parallelize(range(8), 8).map(lambda i: (time.sleep(10 if i == 0 else 0.2), i)[1]).count()
    print(f"PROBE straggler done t={time.time() - t_ready:.1f}s", flush=True)
    sc.setJobDescription(None)

    # Keys spread evenly over 200 values; partitions sized so that every task does work.
    facts = (spark.range(400_000, numPartitions=4)
             .withColumn("k", (F.col("id") % 200).cast("int"))
             .withColumn("v", F.col("id") * 0.5))
    dims = spark.range(200, numPartitions=1).withColumnRenamed("id", "k")
    it = 0
    failed = False
    while time.time() - t_ready < RUN_SECONDS:
        it += 1
        if not failed and os.path.exists("fail-now"):
            # Asked for by the test once the silence is checked: one job whose tasks fail
            # four times (spark.task.maxFailures), which fails its stage and its job.
            failed = True
            sc.setJobDescription("failing on request")
            try:
                sc.parallelize(range(4), 2).map(lambda x: 1 // (x - 3)).collect()
            except Exception as e:  # noqa: BLE001
                print("PROBE expected failure:", type(e).__name__, flush=True)
            sc.setJobDescription(None)
        facts.join(dims, "k").groupBy("k").agg(F.sum("v")).collect()
        facts.groupBy((F.col("k") % 10).alias("g")).count().collect()
        print(f"PROBE iter {it} done t={time.time() - t_ready:.1f}s", flush=True)
        # Work in bursts, as a scheduled job does, and a 2-core machine can afford.
        time.sleep(2)

    print(f"PROBE workload done after {time.time() - t_ready:.1f}s, lingering "
          f"{LINGER_SECONDS}s for scrapes", flush=True)
    time.sleep(LINGER_SECONDS)
    spark.stop()
    print("PROBE stopped", flush=True)


if __name__ == "__main__":
    main()
