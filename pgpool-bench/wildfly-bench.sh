#!/usr/bin/env bash
# The WildFly row: SELECT by primary key through pgpool.rar against WildFly 39's own data source pool over pgjdbc,
# both with at most 8 PostgreSQL connections, driven by threads inside the server (wildfly/LoadServlet), 8 and 32
# threads, the two pools alternating. Prints one line per measurement and writes them to OUT (default
# target/wildfly-bench/results.txt).
#
#   flock /tmp/pgpool-server.lock pgpool-bench/wildfly-bench.sh [OUT]
#
# Needs: the build (mvn -o -Pbench package -pl pgpool-bench -am -Dmaven.test.skip=true, from the repository root),
# org.wildfly:wildfly-dist:39.0.1.Final:zip in ~/.m2 (pgpool-it's build fetches it), JDK 25, PostgreSQL with the
# benchmark database (pgpool_bench, made by the JMH benchmarks). The server runs with port offset 23000 (HTTP 31080,
# management 32990) on 127.0.0.1 and a fresh copy of standalone.xml each time, and is stopped at the end.
# Options (environment): ROUNDS=3, WARMUP_MS=1000, MILLIS=3000, THREADS="8 32"; OLD_RAR=path of an older
# pgpool.rar (built in a worktree of an older commit), deployed beside the current one as pgpool-old.rar with the
# same settings and measured in the same rotation (pgpool, pgpool-old, wildfly).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version=39.0.1.Final
jdk="${PGPOOL_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$here/target/wildfly-bench"
home="$here/target/wildfly-$version"
out="${1:-$work/results.txt}"
offset=23000 mgmt=32990 http=31080
rounds="${ROUNDS:-3}" warmup="${WARMUP_MS:-1000}" millis="${MILLIS:-3000}"
pgjdbc="$(tr ':' '\n' < "$here/target/payara/classpath.txt" | grep '/postgresql-[0-9.]*\.jar$')"
# The adapter as pgpool-rar built it (copied there by this module's build), deployed under its usual name.
rar="$work/pgpool.rar"
mkdir -p "$work"
cp "$here/target/payara/pgpool-rar.rar" "$rar"
if [[ ! -d "$home" ]]; then
  unzip -q "$HOME/.m2/repository/org/wildfly/wildfly-dist/$version/wildfly-dist-$version.zip" -d "$here/target"
fi

# pgjdbc as a module of the server, as an administrator installs a JDBC driver for WildFly's own data sources.
module="$home/modules/io/github/pgpool/bench/pgjdbc/main"
mkdir -p "$module"
cp "$pgjdbc" "$module/postgresql.jar"
cat > "$module/module.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<module xmlns="urn:jboss:module:1.9" name="io.github.pgpool.bench.pgjdbc">
  <resources><resource-root path="postgresql.jar"/></resources>
  <dependencies><module name="java.se"/><module name="jakarta.transaction.api"/></dependencies>
</module>
XML

# The test WAR: the servlet and the wait recorder, nothing else (the data sources come from the server).
rm -rf "$work/war" && mkdir -p "$work/war/WEB-INF/classes/io/github/pgpool/bench/wildfly"
cp "$here/target/classes/io/github/pgpool/bench/wildfly/"*.class "$work/war/WEB-INF/classes/io/github/pgpool/bench/wildfly/"
cp "$here/target/classes/io/github/pgpool/bench/WaitSamples.class" "$work/war/WEB-INF/classes/io/github/pgpool/bench/"
rm -f "$work/bench.war" && "$jdk/bin/jar" cf "$work/bench.war" -C "$work/war" .

cfg="$home/standalone/configuration"
cp "$cfg/standalone.xml" "$cfg/standalone-bench.xml"
rm -rf "$home/standalone/data/content" "$home/standalone/tmp"
cli() { JAVA_HOME="$jdk" "$home/bin/jboss-cli.sh" -c --controller="127.0.0.1:$mgmt" "$@"; }

JAVA_HOME="$jdk" setsid "$home/bin/standalone.sh" --server-config=standalone-bench.xml \
  -Djboss.socket.binding.port-offset=$offset -Djboss.bind.address=127.0.0.1 \
  -Djboss.bind.address.management=127.0.0.1 > "$work/server.out" 2>&1 &
server=$!
# Stop the server this script started (its own process group), whatever happens.
trap 'cli --command=:shutdown >/dev/null 2>&1 || kill -- -$server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
deadline=$((SECONDS + 180))
until cli --command=":read-attribute(name=server-state)" 2>/dev/null | grep -q running; do
  if (( SECONDS > deadline )) || ! kill -0 $server 2>/dev/null; then
    echo "WildFly did not start within 180 s; see $work/server.out" >&2; exit 1
  fi
  sleep 1
done

cli --file=/dev/stdin <<CLI
/subsystem=datasources/jdbc-driver=pgjdbc-bench:add(driver-name=pgjdbc-bench, driver-module-name=io.github.pgpool.bench.pgjdbc, driver-class-name=org.postgresql.Driver)
data-source add --name=bench-wildfly --jndi-name=java:/jdbc/bench-wildfly --driver-name=pgjdbc-bench --connection-url=jdbc:postgresql://127.0.0.1:5432/pgpool_bench?ApplicationName=pgpool-bench-wildfly --user-name=postgres --min-pool-size=0 --initial-pool-size=0 --max-pool-size=8 --pool-prefill=false
deploy $rar
/subsystem=resource-adapters/resource-adapter=bench-pgpool:add(archive=pgpool.rar, transaction-support=XATransaction)
/subsystem=resource-adapters/resource-adapter=bench-pgpool/connection-definitions=bench:add(class-name=io.github.pgpool.jca.PgPoolManagedConnectionFactory, jndi-name=java:/jdbc/bench-pgpool, min-pool-size=0, max-pool-size=64, pool-prefill=false, tracking=false, recovery-username=postgres, recovery-password=unused-with-trust-auth)
/subsystem=resource-adapters/resource-adapter=bench-pgpool/connection-definitions=bench/config-properties=ServerName:add(value=127.0.0.1)
/subsystem=resource-adapters/resource-adapter=bench-pgpool/connection-definitions=bench/config-properties=PortNumber:add(value=5432)
/subsystem=resource-adapters/resource-adapter=bench-pgpool/connection-definitions=bench/config-properties=DatabaseName:add(value=pgpool_bench)
/subsystem=resource-adapters/resource-adapter=bench-pgpool/connection-definitions=bench/config-properties=User:add(value=postgres)
/subsystem=resource-adapters/resource-adapter=bench-pgpool/connection-definitions=bench/config-properties=MaxSize:add(value=8)
/subsystem=resource-adapters/resource-adapter=bench-pgpool/connection-definitions=bench/config-properties=DriverProperties:add(value="ApplicationName=pgpool-bench-pgpool-rar")
/subsystem=resource-adapters/resource-adapter=bench-pgpool:activate
CLI
pools="pgpool wildfly"
if [[ -n "${OLD_RAR:-}" ]]; then
  cp "$OLD_RAR" "$work/pgpool-old.rar"
  pools="pgpool pgpool-old wildfly"
  cli --file=/dev/stdin <<CLI
deploy $work/pgpool-old.rar
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old:add(archive=pgpool-old.rar, transaction-support=XATransaction)
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old/connection-definitions=bench:add(class-name=io.github.pgpool.jca.PgPoolManagedConnectionFactory, jndi-name=java:/jdbc/bench-pgpool-old, min-pool-size=0, max-pool-size=64, pool-prefill=false, tracking=false, recovery-username=postgres, recovery-password=unused-with-trust-auth)
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old/connection-definitions=bench/config-properties=ServerName:add(value=127.0.0.1)
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old/connection-definitions=bench/config-properties=PortNumber:add(value=5432)
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old/connection-definitions=bench/config-properties=DatabaseName:add(value=pgpool_bench)
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old/connection-definitions=bench/config-properties=User:add(value=postgres)
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old/connection-definitions=bench/config-properties=MaxSize:add(value=8)
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old/connection-definitions=bench/config-properties=DriverProperties:add(value="ApplicationName=pgpool-bench-pgpool-old-rar")
/subsystem=resource-adapters/resource-adapter=bench-pgpool-old:activate
CLI
fi
cli --command="deploy $work/bench.war"

get() { curl -sf --max-time 120 "http://127.0.0.1:$http/bench/run?$1"; }
{ echo "# $(date -u +%FT%TZ) WildFly $version, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out"
# JIT warm-up of both paths in the server; these numbers are thrown away.
for pool in $pools; do get "pool=$pool&threads=32&warmup=0&millis=4000" > /dev/null; done
for r in $(seq 1 "$rounds"); do
  for t in ${THREADS:-8 32}; do
    for pool in $pools; do
      line="round=$r $(get "pool=$pool&threads=$t&warmup=$warmup&millis=$millis")"
      echo "$line" | tee -a "$out"
    done
  done
done
echo "# end $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
