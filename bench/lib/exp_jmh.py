"""The JMH metadata micro-benchmarks (MetadataBench)."""
import json
import os

import benchlib as b

ID = "jmh"
TITLE = "7. Metadata operations (JMH)"


def run(quick):
    out = os.path.join(b.RESULTS, "jmh.raw.json")
    opts = ["-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s"] if quick else \
        ["-f", "2", "-wi", "3", "-w", "2s", "-i", "5", "-r", "2s"]
    cmd = [b.java()] + b.JAVA_OPTS + ["-jar", b.BENCH_JAR, "MetadataBench"] + opts + ["-rf", "json", "-rff", out]
    b.run(cmd, capture=True)
    with open(out) as f:
        results = json.load(f)
    os.unlink(out)
    rows = []
    for r in results:
        m = r["primaryMetric"]
        rows.append([r["benchmark"].rsplit(".", 1)[1], r["params"].get("mappings", ""), b.fmt(m["score"], 2),
                     b.fmt(m["scoreError"], 2) if m["scoreError"] == m["scoreError"] else "n/a", m["scoreUnit"]])
    return {
        "id": ID, "title": TITLE, "quick": quick, "params": {"jmh": " ".join(opts)},
        "commands": ["java -jar thinly-bench/target/benchmarks.jar MetadataBench " + " ".join(opts)],
        "tables": [{"columns": ["benchmark", "mappings", "score", "error (99.9 %)", "unit"], "rows": rows}],
        "plots": [], "targets": [],
        "notes": ["PoolMetadata on a file-backed device with a 64 MiB block cache: lookup of a random mapped "
                  "block, insert of a new mapping (with a commit every 10,000), 100 inserts then a commit, and "
                  "create_snap then commit. Commits include their fdatasyncs."],
    }
