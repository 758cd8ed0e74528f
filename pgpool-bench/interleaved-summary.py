#!/usr/bin/env python3
"""Summarises the runs of interleaved.sh (and wildfly-bench.sh) as Markdown: per configuration the range of
scores over the rounds, and the ratios that issue 12 asks for, each as a range over the rounds (a ratio is always
taken between two figures of the same round: new pgpool against the old engine of the old run next to it, and
against HikariCP and Agroal of the same JMH run). Python 3 standard library only.

    pgpool-bench/interleaved-summary.py OUT [WILDFLY_RESULTS...]
"""
import glob
import json
import os
import re
import statistics
import sys


def rng(values, fmt="{:.2f}"):
    values = sorted(v for v in values if v == v)
    if not values:
        return "-"
    if len(values) == 1:
        return fmt.format(values[0])
    return (fmt + " - " + fmt + " (median " + fmt + ")").format(values[0], values[-1], statistics.median(values))


def load(out):
    """(round, version, bench, threads, maxSize, pool) -> {score, cpu, waits}"""
    rows = {}
    for path in sorted(glob.glob(os.path.join(out, "r*-*.json"))):
        m = re.match(r"r(\d+)-(new|old)-", os.path.basename(path))
        rnd, ver = int(m.group(1)), m.group(2)
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        for b in json.loads(text):
            bench = b["benchmark"].rsplit(".", 2)[-2] + "." + b["benchmark"].rsplit(".", 1)[-1]
            key = (rnd, ver, bench, b["threads"], int(b["params"]["maxSize"]), b["params"]["pool"])
            cpu = b.get("secondaryMetrics", {}).get("cpu.ns/op", {}).get("score", float("nan"))
            rows[key] = {"score": b["primaryMetric"]["score"], "cpu": cpu}
        log = path[:-5] + ".log"
        if os.path.exists(log):
            with open(log) as f:
                for line in f:
                    w = re.search(r"WAITS pool=(\S+) threads=(\d+) maxSize=(\d+) n=(\d+) p50=(\S+)us p99=(\S+)us "
                                 r"p99.9=(\S+)us max=(\S+)us", line)
                    if w:
                        for key, row in rows.items():
                            if key[0] == rnd and key[1] == ver and key[2].startswith("PgSelectWait") \
                                    and key[5] == w.group(1) and key[3] == int(w.group(2)):
                                row["waits"] = [float(w.group(i)) for i in range(5, 9)]
    return rows


def main():
    out = sys.argv[1]
    rows = load(out)
    rounds = sorted({k[0] for k in rows})
    configs = sorted({k[2:5] for k in rows})
    print("Rounds: %d. Ranges are min - max over the rounds (median).\n" % len(rounds))
    print("| benchmark | threads | MaxSize | new/old pgpool | new/HikariCP | new/Agroal | new/best peer |"
          " old/best peer |")
    print("|---|---:|---:|---|---|---|---|---|")
    for bench, t, ms in configs:
        r = {"old": [], "hikari": [], "agroal": [], "best": [], "oldbest": []}
        for n in rounds:
            g = lambda ver, pool: rows.get((n, ver, bench, t, ms, pool), {}).get("score", float("nan"))
            new, old, hk, ag = g("new", "pgpool"), g("old", "pgpool"), g("new", "hikari"), g("new", "agroal")
            r["old"].append(new / old)
            r["hikari"].append(new / hk)
            r["agroal"].append(new / ag)
            r["best"].append(new / max(hk, ag))
            r["oldbest"].append(old / max(hk, ag))
        print("| %s | %d | %d | %s |" % (bench, t, ms, " | ".join(
            rng(r[k], "{:.2f}x") for k in ("old", "hikari", "agroal", "best", "oldbest"))))
    print("\n| benchmark | threads | MaxSize | pool | ops/ms | CPU ns/op (process) |")
    print("|---|---:|---:|---|---|---|")
    for bench, t, ms in configs:
        for label, ver, pool in (("pgpool new", "new", "pgpool"), ("pgpool old (9ea9929)", "old", "pgpool"),
                                 ("HikariCP", "new", "hikari"), ("Agroal", "new", "agroal")):
            sc = [rows[(n, ver, bench, t, ms, pool)]["score"] for n in rounds if (n, ver, bench, t, ms, pool) in rows]
            cpu = [rows[(n, ver, bench, t, ms, pool)]["cpu"] for n in rounds if (n, ver, bench, t, ms, pool) in rows]
            print("| %s | %d | %d | %s | %s | %s |" % (bench, t, ms, label, rng(sc, "{:.0f}" if sc and
                  min(sc) > 100 else "{:.1f}"), rng(cpu, "{:.0f}")))
    waits = [(k, v["waits"]) for k, v in sorted(rows.items()) if "waits" in v]
    if waits:
        print("\nBorrow wait (getConnection), microseconds, per run:\n")
        print("| round | pool | threads | MaxSize | p50 | p99 | p99.9 | max |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|")
        for k, w in waits:
            label = {"pgpool": "pgpool " + k[1], "hikari": "HikariCP", "agroal": "Agroal"}[k[5]]
            print("| %d | %s | %d | %d | %s |" % (k[0], label, k[3], k[4], " | ".join("%.1f" % x for x in w)))
    for path in sys.argv[2:]:
        wildfly(path)


def wildfly(path):
    data = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"round=(\d+) pool=(\S+) threads=(\d+) .*opsPerMs=(\S+) failures=(\d+) "
                         r"threadCpuNsPerOp=(\S+) processCpuNsPerOp=(\S+) WAITS .* p50=(\S+)us p99=(\S+)us "
                         r"p99.9=(\S+)us max=(\S+)us", line)
            if m:
                data[(int(m.group(1)), m.group(2), int(m.group(3)))] = [float(m.group(i)) for i in range(4, 12)]
    pools = [p for p in ("pgpool", "pgpool-old", "wildfly") if any(k[1] == p for k in data)]
    print("\nWildFly 39, select by id, in-server threads, 8 PostgreSQL connections (%s):\n" % path)
    print("| threads | ratio | range over rounds |")
    print("|---:|---|---|")
    for t in sorted({k[2] for k in data}):
        rs = sorted({k[0] for k in data if k[2] == t})
        for a, b in (("pgpool", "wildfly"), ("pgpool", "pgpool-old"), ("pgpool-old", "wildfly")):
            if a in pools and b in pools:
                print("| %d | %s/%s | %s |" % (t, a, b, rng([data[(r, a, t)][0] / data[(r, b, t)][0] for r in rs
                                                            if (r, a, t) in data and (r, b, t) in data], "{:.2f}x")))
    print("\n| threads | pool | ops/ms | failures | thread CPU us/op | process CPU us/op | p50 us | p99 us |"
          " p99.9 us | max us |")
    print("|---:|---|---|---:|---|---|---|---|---|---|")
    for t in sorted({k[2] for k in data}):
        for p in pools:
            xs = [v for k, v in sorted(data.items()) if k[1] == p and k[2] == t]
            col = lambda i, f="{:.1f}", d=1: rng([x[i] / d for x in xs], f)
            print("| %d | %s | %s | %d | %s | %s | %s | %s | %s | %s |" % (
                t, p, col(0), sum(x[1] for x in xs), col(2, d=1000), col(3, d=1000), col(4), col(5, "{:.0f}"),
                col(6, "{:.0f}"), col(7, "{:.0f}")))


main()
