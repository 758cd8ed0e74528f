#!/usr/bin/env bash
# Builds pgpool-bench and runs the short suite: stub-driver pool overhead (1/8/32 threads, MaxSize 8/32),
# real PostgreSQL select by id and borrow latency (8/32 threads, MaxSize 8, plus no pool), and the day/night
# trace. Writes results/latest.json, results/latest.md, results/ratios.png and results/trace.png.
# About 8 minutes on a 2-core machine. Options (environment):
#   BENCH_PARTS=stub,pg,trace   which parts to run
#   BENCH_WARMUP=1 BENCH_ITERATIONS=2   JMH 1-s warm-up and measurement iterations per configuration
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres   the PostgreSQL server (trust authentication)
#   SKIP_BUILD=1   use the jar already in target/
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  # The benchmarks need the current pgpool-api and pgpool-core in the local repository.
  mvn -q install -pl pgpool-api,pgpool-core -DskipTests
  mvn -q -Pbench package -pl pgpool-bench
fi
# Which pgpool-core the numbers are for (the repository HEAD): other people commit to it while the benchmarks run.
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$root" status --porcelain -- pgpool-api pgpool-core 2>/dev/null)" ]]; then
  commit="$commit+uncommitted changes in pgpool-api/pgpool-core"
fi
cd "$here"
mkdir -p results
# nice: other people build and test on this machine; the JMH forks inherit the priority.
exec nice -n 10 java -Xmx512m \
  -Dbench.parts="${BENCH_PARTS:-stub,pg,trace}" \
  -Dbench.warmup="${BENCH_WARMUP:-1}" -Dbench.iterations="${BENCH_ITERATIONS:-2}" \
  -Dbench.pg.host="${PGHOST:-127.0.0.1}" -Dbench.pg.port="${PGPORT:-5432}" -Dbench.pg.user="${PGUSER:-postgres}" \
  -Dbench.out=results -Dbench.commit="$commit" \
  -cp target/benchmarks.jar io.github.pgpool.bench.RunAll
