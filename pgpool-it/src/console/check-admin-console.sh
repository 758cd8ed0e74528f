#!/usr/bin/env bash
# Proves that Payara Server's admin console shows pgpool's config properties with their ra.xml defaults:
# full Payara Server from Maven Central, a fresh domain on loopback ports 318xx, pgpool.rar deployed, headless
# Chromium (Debian's /usr/bin/chromium) driven by playwright-core through "New Connector Connection Pool".
#
# Part of `mvn verify` (pgpool-it/pom.xml, exec-maven-plugin), in three steps:
#   --preflight  (phase initialize)       chromium, node and npm present? Fails in seconds, before the long tests.
#   --deferred   (phase integration-test) runs the check, records its exit code, always exits 0 so that the
#                                         failsafe verdicts of Payara and WildFly are not hidden by it.
#   --verdict    (phase verify)           fails the build if the recorded check failed or did not run to the end.
# Without an option it runs the check and exits with its result (for use by hand; it then downloads Payara itself).
# Skip on purpose with -Dit.console.skip (also skipped by -DskipTests, -DskipITs, -Dmaven.test.skip).
#
# Environment (set by the pom; defaults for use by hand):
#   CONSOLE_WORK     work directory                      pgpool-it/target/console
#   PAYARA_HOME      unpacked Payara Server (payara6/)   $CONSOLE_WORK/payara6, unpacked here if missing
#   PGPOOL_RAR       the adapter under test              pgpool-rar/target/pgpool.rar
#   CONSOLE_PORTBASE asadmin --portbase                  31800 (admin 31848, http 31880, Hazelcast 31859, ...):
#                    below Linux's ephemeral range (32768-60999), where outgoing connections (benchmarks open
#                    thousands) take ports at random and made start-up fail with "Address already in use"; and clear
#                    of the other tests (Payara embedded 23xxx-28xxx, WildFly 25712-30993, demo 26xxx).
#   CONSOLE_TIMEOUT  seconds for the whole check         180 (stopping the domain afterwards has its own 60 s)
#   CHROMIUM         browser binary                      /usr/bin/chromium
#   CI               when "true", a missing prerequisite is reported as a CI machine defect (.ci/run installs it)
# Output: $CONSOLE_WORK/payara-admin-console-pgpool-properties.png (every run), check.log, server.log, result.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${CONSOLE_WORK:-$root/pgpool-it/target/console}
payara_version=${PAYARA_VERSION:-6.2025.10}
payara_home=${PAYARA_HOME:-$work/payara6}
rar=${PGPOOL_RAR:-$root/pgpool-rar/target/pgpool.rar}
portbase=${CONSOLE_PORTBASE:-31800}
admin_port=$((portbase + 48))
limit=${CONSOLE_TIMEOUT:-180}
chromium=${CHROMIUM:-/usr/bin/chromium}
domain=pgpoolconsole
shot="$work/payara-admin-console-pgpool-properties.png"
result="$work/result"
mode=${1:-}

say() { printf '[admin-console] %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

preflight() {
  local missing=()
  [ -x "$chromium" ] || missing+=("$chromium (apt package chromium)")
  command -v node >/dev/null || missing+=("node (apt package nodejs, 18 or newer)")
  command -v npm >/dev/null || missing+=("npm (apt package npm)")
  [ ${#missing[@]} -eq 0 ] && return 0
  say "FAILED: the admin console check needs: ${missing[*]}" >&2
  if [ "${CI:-}" = true ]; then
    say "CI=true: this machine was not prepared; .ci/run installs these with apt-get before mvn -B verify" >&2
  else
    say "install them:  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium nodejs npm" >&2
    say "or skip this check on purpose:  mvn verify -Dit.console.skip=true" >&2
  fi
  exit 2
}

case "$mode" in
  --preflight) preflight; say "prerequisites present: $("$chromium" --version 2>/dev/null), node $(node --version)"; exit 0 ;;
  --verdict)
    [ -f "$result" ] || fail "no result in $result: the check did not run to its end (see $work/check.log)"
    code=$(cat "$result")
    [ "$code" = 0 ] || fail "the check exited with $code; log: $work/check.log, server log: $work/server.log, screenshot: $shot"
    say "passed; screenshot $shot"; exit 0 ;;
  --deferred)
    # Run the real check in a child, keep its log, record its exit code; the verdict step reports it.
    mkdir -p "$work"; rm -f "$result"
    set +e
    say "running the check (up to ${limit}s); log: $work/check.log"
    bash "$0" > "$work/check.log" 2>&1
    code=$?
    set -e
    echo "$code" > "$result"
    if [ "$code" = 0 ]; then
      grep -E '^(step 2|all .* properties)|done at|finished with' "$work/check.log" || true
      say "check passed (verdict at phase verify)"
    else
      tail -n 30 "$work/check.log" >&2
      say "check FAILED with exit code $code; the build fails at phase verify (log: $work/check.log)" >&2
    fi
    exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--preflight|--deferred|--verdict]" >&2; exit 64 ;;
esac

preflight
[ -f "$rar" ] || fail "missing $rar: build it first (mvn -B -DskipTests package -pl pgpool-rar -am)"
mkdir -p "$work"
rm -f "$shot"
start=$SECONDS
# Every step gets what is left of the time limit, so the whole check is bounded.  bounded STEP COMMAND...
bounded() {
  local step=$1; shift
  local left=$((limit - (SECONDS - start)))
  [ "$left" -gt 0 ] || fail "time limit of ${limit}s reached before $step"
  local code=0
  timeout --kill-after=10 "$left" "$@" || code=$?
  case $code in
    0) say "$step done at $((SECONDS - start)) s" >&2 ;;
    124|137) fail "time limit of ${limit}s reached during $step: $*" ;;
    *) fail "$step: exit code $code from: $*" ;;
  esac
}

if [ ! -x "$payara_home/bin/asadmin" ]; then
  if [ -n "${PAYARA_HOME:-}" ]; then fail "no $payara_home/bin/asadmin (the pom unpacks it at pre-integration-test; try mvn clean)"; fi
  zip="$HOME/.m2/repository/fish/payara/distributions/payara/$payara_version/payara-$payara_version.zip"
  [ -f "$zip" ] || mvn -B -q dependency:get -Dartifact="fish.payara.distributions:payara:$payara_version:zip" -Dtransitive=false
  (cd "$work" && unzip -q "$zip")
fi
asadmin="$payara_home/bin/asadmin"

# playwright-core, exact version and checksum from package-lock.json, installed under target/ (never committed).
node_dir="$work/node"
if ! cmp -s "$here/package-lock.json" "$node_dir/package-lock.json" || [ ! -d "$node_dir/node_modules/playwright-core" ]; then
  rm -rf "$node_dir"; mkdir -p "$node_dir"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  say "npm ci (playwright-core) in $node_dir"
  (cd "$node_dir" && bounded "npm ci" npm ci --no-audit --no-fund --loglevel=error)
fi
cp "$here/check-admin-console.mjs" "$node_dir/"

domain_dir="$payara_home/glassfish/domains/$domain"
# A domain left behind by a killed run: stop it, then start from a fresh one.
if [ -d "$domain_dir" ]; then
  timeout 60 "$asadmin" stop-domain --kill=true "$domain" >/dev/null 2>&1 || true
  timeout 60 "$asadmin" delete-domain "$domain" >/dev/null
fi
# create-domain checks that every port of the port base is free, so a clash fails here, loudly.
bounded create-domain "$asadmin" create-domain --nopassword --portbase "$portbase" "$domain" >/dev/null
# Loopback only (create-domain binds 0.0.0.0), and no Hazelcast data grid (it would listen and look for members).
sed -i -e 's/address="0\.0\.0\.0"/address="127.0.0.1"/g' \
  -e 's/<network-listener port=/<network-listener address="127.0.0.1" port=/' \
  -e 's/<hazelcast-config-specific-configuration/& enabled="false"/' \
  "$domain_dir/config/domain.xml"
stop() {
  local code=$?
  cp "$domain_dir/logs/server.log" "$work/server.log" 2>/dev/null || true
  if [ "$code" != 0 ] && grep -q SEVERE "$work/server.log" 2>/dev/null; then
    say "server.log, first errors:" >&2
    grep -A2 -m3 SEVERE "$work/server.log" | cut -c1-200 >&2 || true
  fi
  timeout 60 "$asadmin" stop-domain --kill=true "$domain" >/dev/null 2>&1 || true
  local left_over
  left_over=$(pgrep -f "domains/$domain" | tr '\n' ' ' || true)
  [ -z "$left_over" ] || say "domain $domain still running after stop-domain: processes $left_over" >&2
  say "finished with exit code $code after $((SECONDS - start)) s"
}
trap stop EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
bounded start-domain "$asadmin" start-domain "$domain"
bounded deploy "$asadmin" --port "$admin_port" deploy --name pgpool "$rar"
# The README's rule for asadmin's --property: ':' separates properties and '=' a key from its value, so a value that
# holds them escapes each with a backslash (single quotes keep the shell from eating it). The stored value must come
# back without the escapes.
escape_pool=pgpool-escape-check
bounded escape-create "$asadmin" --port "$admin_port" create-connector-connection-pool --raname pgpool \
  --connectiondefinition javax.sql.DataSource --transactionsupport XATransaction \
  --property 'ServerName=127.0.0.1:DatabaseName=postgres:DriverProperties=ApplicationName\=pgpool\:console' \
  "$escape_pool" >/dev/null
stored=$(timeout 60 "$asadmin" --port "$admin_port" get "resources.connector-connection-pool.$escape_pool.property.DriverProperties")
grep -qx "resources.connector-connection-pool.$escape_pool.property.DriverProperties=ApplicationName=pgpool:console" \
  <<<"$stored" || fail "asadmin --property with escaped ':' and '=' stored something else: $stored"
say "asadmin --property escapes: stored DriverProperties=ApplicationName=pgpool:console"
# The pool stays: the domain is deleted by the next run, and the wizard below makes a pool of its own.
# The browser script gets the time that is left minus 15 s for its screenshot, so it reports before timeout kills it.
left=$((limit - (SECONDS - start) - 15))
[ "$left" -gt 10 ] || fail "time limit of ${limit}s reached before the browser started"
CONSOLE_DEADLINE_MS=$((left * 1000)) CHROMIUM="$chromium" \
  bounded browser node "$node_dir/check-admin-console.mjs" "http://127.0.0.1:$admin_port/" "$shot"
[ -s "$shot" ] || fail "no screenshot at $shot"
