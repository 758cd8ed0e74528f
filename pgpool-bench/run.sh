#!/usr/bin/env bash
# Builds pgpool-bench and runs the short suite: stub-driver pool overhead (1/8/32 threads, MaxSize 8/32),
# real PostgreSQL select by id and borrow latency (8/32 threads, MaxSize 8, plus no pool), the day/night
# trace, and inside embedded Payara pgpool.rar against Payara's own JDBC pool (select by id over HTTP, peak
# backends, the day/night trace). Writes results/latest.json, results/latest.md, results/ratios.png and
# results/trace.png. About 9.5 minutes on a 2-core machine. Options (environment):
#   BENCH_PARTS=stub,pg,trace,payara   which parts to run (payara alone: about 1.5 minutes); add vthreads for the
#                                      virtual-thread part (JDK 21+, about 4 minutes; results/virtual-threads.md)
#   BENCH_VT_ROUNDS=5   interleaved rounds of the vthreads part
#   BENCH_JAVA=java   the java that runs the suite (vthreads: e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#   BENCH_WARMUP=1 BENCH_ITERATIONS=2   JMH 1-s warm-up and measurement iterations per configuration
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres   the PostgreSQL server (trust authentication)
#   SKIP_BUILD=1   use the jar already in target/
#   BENCH_OUT=results   where the results go (relative to pgpool-bench/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  # The benchmarks need the current pgpool-api and pgpool-core in the local repository, the Payara part pgpool.rar.
  # maven.test.skip: not even compile the tests, which may be mid-change in a shared checkout.
  mvn -q install -pl pgpool-api,pgpool-core,pgpool-rar -Dmaven.test.skip=true
  mvn -q -Pbench package -pl pgpool-bench
fi
# Which pgpool-core the numbers are for (the repository HEAD): other people commit to it while the benchmarks run.
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$root" status --porcelain -- pgpool-api pgpool-core pgpool-rar 2>/dev/null)" ]]; then
  commit="$commit+uncommitted changes in pgpool-api/pgpool-core/pgpool-rar"
fi
cd "$here"
out="${BENCH_OUT:-results}"
# A full run into results/ also writes its summary into the top-level README.
readme=""
if [[ "$out" == results && "${BENCH_PARTS:-stub,pg,trace,payara}" == stub,pg,trace,payara ]]; then
  readme="-Dbench.readme=$root/README.md"
fi
mkdir -p "$out"
# The virtual-thread part writes its own line of the README summary, whenever it runs into results/.
if [[ "$out" == results && ",${BENCH_PARTS:-}," == *,vthreads,* ]]; then
  readme="$readme -Dbench.readme.vthreads=$root/README.md"
fi
# nice: other people build and test on this machine; the JMH forks inherit the priority.
exec nice -n 10 "${BENCH_JAVA:-java}" -Xmx512m \
  -Dbench.parts="${BENCH_PARTS:-stub,pg,trace,payara}" \
  -Dbench.warmup="${BENCH_WARMUP:-1}" -Dbench.iterations="${BENCH_ITERATIONS:-2}" \
  -Dbench.pg.host="${PGHOST:-127.0.0.1}" -Dbench.pg.port="${PGPORT:-5432}" -Dbench.pg.user="${PGUSER:-postgres}" \
  -Dbench.out="$out" -Dbench.commit="$commit" -Dbench.vthreads.rounds="${BENCH_VT_ROUNDS:-5}" $readme \
  -cp target/benchmarks.jar io.github.pgpool.bench.RunAll
