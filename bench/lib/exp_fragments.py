"""Whole-process benchmarks that live in their own scripts; their output is included as written."""
import os

import benchlib as b

IMPORT_ID = "import"
NBD_ID = "nbd-fio"


def run_import(quick):
    env = dict(os.environ)
    if quick:
        env["QUICK"] = "1"
    script = os.path.join(b.ROOT, "bench", "import-throughput.sh")
    out, secs = b.run(["bash", script], env=env)
    return {"id": IMPORT_ID, "title": "8. Import throughput", "quick": quick,
            "commands": [("QUICK=1 " if quick else "") + "bench/import-throughput.sh"],
            "raw": out.strip(), "tables": [], "plots": [], "targets": [], "notes": []}


def run_nbd_fio(quick):
    """bench/nbd-fio.sh (written separately) writes bench/results/nbd-fio.md; included when present."""
    script = os.path.join(b.ROOT, "bench", "nbd-fio.sh")
    if not os.path.exists(script):
        return None
    env = dict(os.environ)
    if quick:
        env["QUICK"] = "1"
    b.run(["bash", script], env=env)
    with open(os.path.join(b.RESULTS, "nbd-fio.md")) as f:
        fragment = f.read()
    return {"id": NBD_ID, "title": "9. NBD throughput and latency (fio)", "quick": quick,
            "commands": [("QUICK=1 " if quick else "") + "bench/nbd-fio.sh"],
            "fragment": fragment, "tables": [], "plots": [], "targets": [], "notes": []}
