#!/usr/bin/env bash
# `estate collect aws` at scale, against moto's server on 127.0.0.1.
#
# Reproduce the numbers in the collector scaling note (2 cores, moto 5.2.5,
# about 25 min in all, 100k alone 5 min seeding + 8 min collecting):
#   mkdir -p /tmp/estate-collect-bench && cp /tmp/estate-target/release/estate /tmp/estate-collect-bench/estate
#   DIR=/tmp/estate-collect-bench/full ESTATE=/tmp/estate-collect-bench/estate SWEEP_SIZE=20000 \
#     benches/collect_aws.sh 1000 5000 20000 50000 100000
#   tests/tools/.venv/bin/python benches/collect_aws_model.py estimate /tmp/estate-collect-bench/full
# (ESTATE: a release binary copied aside; without it the script builds one
# with cargo into $CARGO_TARGET_DIR.) Defaults: sizes 1000 5000 20000.
# The last step prints the L estimate (1M resources, 50 accounts x 4 regions):
# requests per operation from the request model, wall time from moto's
# measured cost per request and from AWS's throttling limits.
#
# For each size N (resources in all), on a fresh moto server:
#   1. seed it through boto3 (benches/seed_moto_scale.py: an Organization of
#      ACCOUNTS accounts, REGIONS, 80 % EC2 + EBS, 20 % RDS/S3/Lambda), timed;
#   2. run `estate collect aws --organization --regions REGIONS
#      --concurrency 8` under /usr/bin/time -v (wall time, peak RSS), with
#      moto's requests counted per service and operation, and the seconds moto
#      spent on them (benches/moto_bench_server.py, /__bench/stats);
#   3. at the first size, once more over every region moto lists (no
#      --regions: the fixed per-region cost);
#   4. at SWEEP_SIZE (default: the second size), again with --concurrency
#      in SWEEP (default "1 8 32");
#   5. checks every count against the request model
#      (benches/collect_aws_model.py check: exact, per operation).
# Prints a table per run and the requests per operation; everything raw is
# in DIR (runs.jsonl, stats-*.json, seed-*.json, time-*.txt). Collected
# files are measured (bytes) and deleted unless KEEP=1.
#
# Env: ESTATE, DIR (/tmp/estate-collect-bench), ACCOUNTS (3),
#      REGIONS (eu-west-2,eu-west-1,us-east-1), PER_RESERVATION (10),
#      SWEEP_SIZE, SWEEP ("1 8 32"), KEEP (0).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 20000)
dir=${DIR:-/tmp/estate-collect-bench}
accounts=${ACCOUNTS:-3}
regions=${REGIONS:-eu-west-2,eu-west-1,us-east-1}
per_reservation=${PER_RESERVATION:-10}
sweep_size=${SWEEP_SIZE:-${sizes[1]:-${sizes[0]}}}
sweep=${SWEEP:-1 8 32}
mkdir -p "$dir"
if [ -z "${ESTATE:-}" ]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/estate-target}"
  cargo build --release --quiet --bin estate
  ESTATE="$CARGO_TARGET_DIR/release/estate"
fi
py=$root/tests/tools/.venv/bin/python
if [ ! -x "$py" ]; then
  python3 -m venv "$root/tests/tools/.venv"
  "$root/tests/tools/.venv/bin/pip" install -q "moto[server]" boto3
fi
: > "$dir/runs.jsonl"

moto_pid=
stop_moto() { if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; moto_pid=; fi; }
trap stop_moto EXIT

start_moto() { # size
  port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url=http://127.0.0.1:$port
  "$py" "$root/benches/moto_bench_server.py" -p "$port" > "$dir/moto-$1.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 100); do
    curl -sf "$url/__bench/stats" > /dev/null && return 0
    sleep 0.2
  done
  echo "moto did not start: $dir/moto-$1.log" >&2
  return 1
}

collect() { # label size concurrency all-regions(0|1)
  local label=$1 size=$2 conc=$3 all=$4 out="$dir/out-$1"
  rm -rf "$out"
  curl -sf -X POST "$url/__bench/reset" > /dev/null
  local region_args=(--regions "$regions")
  [ "$all" = 1 ] && region_args=()
  local rc=0
  env -i PATH="$PATH" HOME="$dir" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_REGION=eu-west-2 AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    /usr/bin/time -v -o "$dir/time-$label.txt" \
    "$ESTATE" --period 2025-01-01..2025-12-31 collect aws --endpoint "$url" --out "$out" \
    --organization --concurrency "$conc" --quiet "${region_args[@]}" > "$dir/stdout-$label.txt" 2>&1 || rc=$?
  curl -sf "$url/__bench/stats" > "$dir/stats-$label.json"
  local bytes files
  bytes=$(du -sb "$out" 2>/dev/null | cut -f1 || echo 0)
  files=$(find "$out" -type f 2>/dev/null | wc -l)
  local moto_rss
  moto_rss=$(ps -o rss= -p "$moto_pid" | tr -d ' ')
  "$py" - "$dir" "$label" "$size" "$conc" "$all" "$rc" "$bytes" "$files" "$moto_rss" "$out" <<'PY'
import json, re, sys
d, label, size, conc, all_regions, rc, size_bytes, files, moto_rss, out = sys.argv[1:]
t = open(f"{d}/time-{label}.txt").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
cpu = float(re.search(r"User time \(seconds\): (\S+)", t).group(1)) + float(re.search(r"System time \(seconds\): (\S+)", t).group(1))
stats = json.load(open(f"{d}/stats-{label}.json"))["requests"]
try:
    cov = json.load(open(f"{out}/coverage.json"))
    resources = sum(s["resources"] for s in cov["services"])
    failures = sum(1 for s in cov["services"] if s.get("error")) + sum(1 for a in cov["accounts"] if not a["ok"])
    regions = len({s["region"] for s in cov["services"]} - {"global"})
except OSError:
    resources, failures, regions = 0, -1, 0
print(json.dumps({"label": label, "size": int(size), "concurrency": int(conc), "all_regions": all_regions == "1",
                  "exit": int(rc), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rss_kb": rss,
                  "requests": sum(r["count"] for r in stats), "moto_s": round(sum(r["seconds"] for r in stats), 2),
                  "resources_collected": resources, "failures": failures, "regions": regions,
                  "out_bytes": int(size_bytes), "out_files": int(files), "moto_rss_kb": int(moto_rss or 0)}))
PY
  [ "${KEEP:-0}" = 1 ] || rm -rf "$out"
}

first=${sizes[0]}
for size in "${sizes[@]}"; do
  echo "== $size resources" >&2
  start_moto "$size"
  /usr/bin/time -f "%e %M" -o "$dir/seed-time-$size.txt" \
    "$py" "$root/benches/seed_moto_scale.py" "$url" --total "$size" --accounts "$accounts" \
    --regions "$regions" --per-reservation "$per_reservation" > "$dir/seed-$size.json"
  echo "   seeded in $(cut -d' ' -f1 "$dir/seed-time-$size.txt") s" >&2
  collect "n$size-c8" "$size" 8 0 >> "$dir/runs.jsonl"
  if [ "$size" = "$first" ]; then
    collect "n$size-c8-all" "$size" 8 1 >> "$dir/runs.jsonl"
  fi
  if [ "$size" = "$sweep_size" ]; then
    for c in $sweep; do
      [ "$c" = 8 ] || collect "n$size-c$c" "$size" "$c" 0 >> "$dir/runs.jsonl"
    done
  fi
  stop_moto
done

"$py" - "$dir" <<'PY'
import collections, glob, json, sys
d = sys.argv[1]
runs = [json.loads(l) for l in open(f"{d}/runs.jsonl")]
seeds = {}
for f in glob.glob(f"{d}/seed-*.json"):
    s = json.load(open(f))
    secs = open(f.replace("seed-", "seed-time-").replace(".json", ".txt")).read().split()[0]
    seeds[s["requested"]] = (s["resources"], float(secs))
print("| resources | regions | conc | seed s | requests | wall s | req/s | estate CPU s | peak RSS MiB | moto busy s | written MiB | exit |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in runs:
    print(f"| {r['size']} | {'all (' + str(r['regions']) + ')' if r['all_regions'] else r['regions']} | {r['concurrency']} "
          f"| {seeds.get(r['size'], (0, 0))[1]:.0f} | {r['requests']} | {r['wall_s']:.2f} | {r['requests'] / r['wall_s']:.0f} "
          f"| {r['cpu_s']:.2f} | {r['rss_kb'] / 1024:.0f} | {r['moto_s']:.1f} | {r['out_bytes'] / 2**20:.1f} | {r['exit']} |")
print()
ops = collections.defaultdict(dict)
labels = [r["label"] for r in runs]
for label in labels:
    for s in json.load(open(f"{d}/stats-{label}.json"))["requests"]:
        k = f"{s['service']}:{s['operation']}"
        c, t = ops[k].get(label, (0, 0.0))
        ops[k][label] = (c + s["count"], t + s["seconds"])
# moto's own time per request, uncontended where there is a --concurrency 1 run.
base = next((l for l in labels if l.endswith("-c1")), labels[0])
print("| operation | " + " | ".join(labels) + f" | moto ms/request ({base}) |")
print("|---|" + "---:|" * len(labels) + "---:|")
for k in sorted(ops):
    first = ops[k].get(base) or next((ops[k][l] for l in labels if l in ops[k]), (0, 0))
    print(f"| {k} | " + " | ".join(str(ops[k].get(l, (0, 0))[0]) for l in labels)
          + f" | {1000 * first[1] / max(first[0], 1):.1f} |")
PY
echo
"$py" "$root/benches/collect_aws_model.py" check "$dir"
