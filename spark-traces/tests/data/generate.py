import os, sys, shutil, glob
from pyspark.sql import SparkSession, functions as F
codec, rolling, compress = sys.argv[1], sys.argv[2], sys.argv[3]
out = f"/tmp/sparkgen/events-{codec}-{rolling}-{compress}"
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
b = (SparkSession.builder.master("local[2]").appName(f"spark-traces-{codec}")
     .config("spark.eventLog.enabled", "true").config("spark.eventLog.dir", "file://" + out)
     .config("spark.eventLog.compress", compress).config("spark.eventLog.compression.codec", codec)
     .config("spark.eventLog.rolling.enabled", rolling)
     .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "3"))
spark = b.getOrCreate(); sc = spark.sparkContext
sc.setJobDescription("rdd shuffle")
sc.parallelize(range(2000), 4).map(lambda x: (x % 7, 1)).reduceByKey(lambda a, b: a + b, 3).collect()
sc.setJobDescription(None)
spark.range(5000).withColumn("k", F.col("id") % 11).groupBy("k").count().collect()
try:
    sc.parallelize(range(4), 2).map(lambda x: 1 // (x - 3)).collect()
except Exception as e:
    print("expected failure", type(e).__name__)
spark.stop()
print(glob.glob(out + "/**", recursive=True))
