#!/usr/bin/env bash
# Proves that Payara Server's admin console shows pgpool's config properties with their ra.xml defaults:
# full Payara Server from Maven Central, a fresh domain on loopback ports 348xx, pgpool.rar deployed, headless
# Chromium (Debian's /usr/bin/chromium) driven by playwright-core through "New Connector Connection Pool".
# Needs: pgpool-rar/target/pgpool.rar built; apt packages chromium; node + npm. Leaves no server running.
# Screenshot: pgpool-it/target/console/payara-admin-console-pgpool-properties.png
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work="$root/pgpool-it/target/console"
payara_version=${PAYARA_VERSION:-6.2025.10}
portbase=${CONSOLE_PORTBASE:-34800}
admin_port=$((portbase + 48))
domain=pgpoolconsole
rar="$root/pgpool-rar/target/pgpool.rar"

[ -f "$rar" ] || { echo "missing $rar: build it first (mvn -B -o -q -DskipTests install -pl pgpool-api,pgpool-core,pgpool-rar)"; exit 2; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "missing chromium: apt-get install -y chromium"; exit 2; }
mkdir -p "$work"

zip="$HOME/.m2/repository/fish/payara/distributions/payara/$payara_version/payara-$payara_version.zip"
[ -f "$zip" ] || mvn -B -q dependency:get -Dartifact="fish.payara.distributions:payara:$payara_version:zip" -Dtransitive=false
if [ ! -x "$work/payara6/bin/asadmin" ]; then (cd "$work" && unzip -q "$zip"); fi
asadmin="$work/payara6/bin/asadmin"

if [ ! -d "$work/node/node_modules/playwright-core" ]; then
  mkdir -p "$work/node"
  (cd "$work/node" && echo '{"private":true,"type":"module"}' > package.json && npm install --silent --no-audit --no-fund playwright-core@1.65.1)
fi
cp "$here/check-admin-console.mjs" "$work/node/"

"$asadmin" delete-domain "$domain" >/dev/null 2>&1 || true
"$asadmin" create-domain --nopassword --portbase "$portbase" "$domain" >/dev/null
stop() { "$asadmin" stop-domain --kill=true "$domain" >/dev/null 2>&1 || "$asadmin" stop-domain "$domain" || true; }
trap stop EXIT
"$asadmin" start-domain "$domain"
"$asadmin" --port "$admin_port" deploy --name pgpool "$rar"
timeout 240 node "$work/node/check-admin-console.mjs" "http://127.0.0.1:$admin_port/" \
  "$work/payara-admin-console-pgpool-properties.png"
