#!/usr/bin/env bash
# Before/after runs for issue 12, interleaved: the same JMH runs against two benchmark jars (the engine under test
# and an older one), alternating new/old/new/old, so that the load other people put on the shared machine falls on
# both. Writes one JMH log and one JSON file per run into OUT, with the load average in the log's first line.
#
#   pgpool-bench/interleaved.sh NEW.jar OLD.jar OUT [ROUNDS [FIRST]]   (FIRST: number of the first round, to add
#   rounds to an earlier OUT)
#
# Build OLD.jar in a git worktree of the older commit with `mvn -o -Pbench package -pl pgpool-bench -am
# -Dmaven.test.skip=true` (never `install`: ~/.m2 is shared), after copying CpuPerOpProfiler.java, WaitSamples.java
# and PgSelectWaitBenchmark.java into its pgpool-bench (they use only Pools, which both have).
# Short runs (2 s iterations, 2 warm-up + 3 measured, 1 fork) because the machine is shared; repeat rather than
# lengthen. JAVA defaults to JDK 17, as in the suite.
set -euo pipefail
new="$1" old="$2" out="$3" rounds="${4:-2}" first="${5:-1}"
java="${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}"
mkdir -p "$out"
jmh=(-f 1 -wi 2 -i 3 -w 2 -r 2 -prof io.github.pgpool.bench.CpuPerOpProfiler)

run() { # name jar jmh-args...
  local name="$1" jar="$2"; shift 2
  # JMH allows one run per machine (/tmp/jmh.lock) and exits at once when another holds it: wait for it then.
  for attempt in $(seq 1 60); do
    { echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg) jar: $jar"
      nice -n 10 "$java" -jar "$jar" "$@" "${jmh[@]}" -rf json -rff "$out/$name.json"; } > "$out/$name.log" 2>&1 \
      && break
    grep -q 'Unable to acquire the JMH lock' "$out/$name.log" || { echo "$name failed: see $out/$name.log"; return 1; }
    sleep 10
  done
  echo "$name done: $(grep -c '^Stub\|^PgSelect' "$out/$name.log" || true) result lines"
}

for r in $(seq "$first" $((first + rounds - 1))); do
  for which in new old; do
    jar="$new"; pools=pgpool,hikari,agroal
    if [[ "$which" == old ]]; then jar="$old"; pools=pgpool; fi
    run "r$r-$which-stub-t32" "$jar" StubPoolBenchmark -t 32 -p pool=$pools -p maxSize=8,32
    run "r$r-$which-pg-t32" "$jar" PgSelectWaitBenchmark -t 32 -p pool=$pools -p maxSize=8
    run "r$r-$which-stub-t8" "$jar" StubPoolBenchmark -t 8 -p pool=$pools -p maxSize=8,32
  done
done
