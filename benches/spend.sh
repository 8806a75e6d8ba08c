#!/usr/bin/env bash
# Billing aggregation at scale: a synthetic FOCUS CSV of N rows (default 10M)
# aggregated by `estate spend`, by DuckDB on the same file in the same run,
# and read by `cat > /dev/null` (the I/O floor). DuckDB runs two queries, both
# with exact decimals: `duckdb-eq`, the GROUP BY equivalent to Estate's (the
# same dimensions Estate keeps for its breakdowns — currency, category,
# provider, service, region, resource, account, issuer — and the same period
# filter), and `duckdb-res`, by resource and currency only. Prints time,
# rows/s, MB/s, peak memory and the ratio Estate / tool.
# Usage: benches/spend.sh [ROWS] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
dir=${2:-/tmp/estate-bench}
mkdir -p "$dir"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/estate-target}"
cargo build --release --quiet --bin estate --example synth
file="$dir/focus-$rows.csv"
[ -f "$file" ] || "$CARGO_TARGET_DIR/release/examples/synth" --focus-rows "$rows" --out "$file"
[ -x "$dir/venv/bin/python" ] || { python3 -m venv "$dir/venv" && "$dir/venv/bin/pip" install -q duckdb; }
cat > "$dir/duck.py" <<'PY'
import duckdb, sys
con = duckdb.connect()
src = f"read_csv('{sys.argv[2]}', header=true, all_varchar=true)"
money = "SUM(BilledCost::DECIMAL(38,10)), SUM(EffectiveCost::DECIMAL(38,10)), COUNT(*)"
if sys.argv[1] == "eq":
    q = f"""SELECT BillingCurrency, ChargeCategory, ProviderName, ServiceName, RegionId, ResourceId, SubAccountId, InvoiceIssuerName,
      CASE WHEN coalesce(ResourceId, '') = '' THEN ResourceName END, CASE WHEN coalesce(ResourceId, '') = '' THEN Tags END,
      {money}, MIN(ResourceName), MIN(Tags)
    FROM {src} WHERE ChargePeriodStart >= '2025-01-01' AND ChargePeriodStart < '2026-01-01' GROUP BY ALL"""
else:
    q = f"SELECT ResourceId, BillingCurrency, {money} FROM {src} GROUP BY ALL"
print(len(con.execute(q).fetchall()), "groups")
PY
bytes=$(stat -L -c %s "$file")
cat "$file" > /dev/null   # warm the page cache for every contender alike
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > /dev/null
  read -r secs kb < "$dir/time.txt"
  echo "$name $secs $kb"
}
results=$(
  measure cat cat "$file"
  measure duckdb-eq "$dir/venv/bin/python" "$dir/duck.py" eq "$file"
  measure duckdb-res "$dir/venv/bin/python" "$dir/duck.py" res "$file"
  measure estate "$CARGO_TARGET_DIR/release/estate" --period 2025-01-01..2025-12-31 spend --billing "$file" --format json
)
echo "$results" | awk -v rows="$rows" -v bytes="$bytes" '
  { t[$1] = $2; m[$1] = $3 }
  END {
    printf "%-10s %8s %14s %10s %12s %14s\n", "tool", "seconds", "rows/s", "MB/s", "peak MiB", "estate/tool"
    split("cat duckdb-eq duckdb-res estate", order, " ")
    for (i = 1; i <= 4; i++) { k = order[i]
      printf "%-10s %8.2f %14.0f %10.0f %12.0f %14.2f\n", k, t[k], rows / t[k], bytes / 1e6 / t[k], m[k] / 1024, t["estate"] / t[k] }
  }'
