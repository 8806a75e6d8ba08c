"""Run Estate's warehouse query (sql/focus-aggregate.sql) in a real engine
over a FOCUS CSV export, as a warehouse would, and write its result the way
that engine exports one.

Usage: warehouse.py ENGINE SQL FOCUS.csv OUT.(csv|parquet)
  ENGINE  duckdb | spark   (Spark runs in local mode on 127.0.0.1, no UI)

The export is loaded as a table named `focus` with every column as text (as
a CSV lands in a warehouse before any typing); the query's CASTs do the rest.
"""

import glob
import os
import shutil
import sys
import tempfile


def duckdb_run(sql, src, out):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    quoted = src.replace("'", "''")
    con.execute(
        f"CREATE VIEW focus AS SELECT * FROM read_csv('{quoted}', header = true, all_varchar = true)"
    )
    fmt = "PARQUET" if out.endswith(".parquet") else "CSV, HEADER"
    # The query ends in a comment-free line; a newline keeps `)` out of any comment.
    target = out.replace("'", "''")
    con.execute(f"COPY (\n{sql}\n) TO '{target}' (FORMAT {fmt})")


def spark_run(sql, src, out):
    # Spark's driver and its block manager listen on the loopback only.
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("estate-focus-aggregate")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        focus = (
            spark.read.option("header", True)
            .option("escape", '"')
            .option("multiLine", True)
            .csv(src)
        )
        focus.createOrReplaceTempView("focus")
        result = spark.sql(sql).coalesce(1)
        staging = tempfile.mkdtemp(prefix="spark-out-", dir=os.path.dirname(out) or ".")
        target = os.path.join(staging, "result")
        if out.endswith(".parquet"):
            result.write.parquet(target)
            parts = glob.glob(os.path.join(target, "part-*.parquet"))
        else:
            result.write.option("header", True).option("escape", '"').csv(target)
            parts = glob.glob(os.path.join(target, "part-*.csv"))
        if len(parts) != 1:
            raise SystemExit(f"expected one part file from Spark, found {parts}")
        shutil.move(parts[0], out)
        shutil.rmtree(staging)
    finally:
        spark.stop()


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("duckdb", "spark"):
        raise SystemExit(__doc__)
    engine, sql_path, src, out = sys.argv[1:]
    sql = open(sql_path, encoding="utf-8").read()
    {"duckdb": duckdb_run, "spark": spark_run}[engine](sql, src, out)


if __name__ == "__main__":
    main()
