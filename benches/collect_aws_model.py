"""The request-count model of `estate collect aws` (src/collect/aws/live.rs),
checked against benches/collect_aws.sh's measurements, and the L estimate.

Usage:
  collect_aws_model.py check DIR      predicted (moto page sizes) vs counted, per run of DIR/runs.jsonl
  collect_aws_model.py estimate [DIR] requests per operation for an L estate (AWS page sizes), and
                                      wall time from moto's measured cost (DIR/stats-*-c1.json) and
                                      from AWS's documented throttling limits

The model, per account x region task (live.rs region_services, every call in sequence):
  ec2:DescribeInstances    ceil(I / 1000) on AWS (MaxResults 1000 since the measured runs; before, 1 unpaginated);
                           moto, as measured before that change: 100 reservations a page
  ec2:DescribeVolumes      ceil(V / 500) on AWS (MaxResults 500; before, 1); moto as measured: 1
  rds:DescribeDBInstances  ceil(D / 100)  (MaxRecords default 100)        minimum 1, as for every list below
  rds:DescribeDBClusters   ceil(C / 100)
  lambda:ListFunctions     ceil(F / 50) on AWS (50 a page at most); 1 on moto (no paging)
  elbv2:DescribeLoadBalancers, ecs:ListClusters, eks:ListClusters   1 each when there are none
  cloudwatch:GetMetricData ceil((I + D) / 500) calls, each paged by 100,800 datapoints on AWS:
                           ceil(k * days / 100,800) pages for a call of k metrics (2 for 500 x 365 days); 0 if I + D = 0
so an empty account x region costs 8 requests. Per account (live.rs global_services / buckets, in sequence):
  s3:ListBuckets 1 (unpaginated), then per bucket GetBucketLocation + GetPublicAccessBlock + GetBucketEncryption
  (3; ListBuckets without parameters carries no BucketRegion), then GetMetricData per bucket region:
  ceil(2 B_r / 500) calls, paged as above.
Once: sts:GetCallerIdentity 1, organizations:ListAccounts ceil(A / 20), sts:AssumeRole A - 1,
ec2:DescribeRegions A when --regions is not given.
"""
import json
import math
import sys


def split(total, parts):
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def pages(n, size):
    return max(1, math.ceil(n / size))


def gmd(metrics, server, days=365):
    """GetMetricData requests for `metrics` metrics of `days` daily points."""
    calls = 0
    for start in range(0, metrics, 500):
        k = min(500, metrics - start)
        calls += 1 if server == "moto" else max(1, math.ceil(k * days / 100_800))
    return calls


def model(cells, buckets, accounts, server, all_regions=0, days=365):
    """cells: [{instances, reservations, volumes, rds, lambda}] per account x region;
    buckets: {account index: {region: n}}; all_regions: other (empty) regions per account."""
    ops = {}

    def add(k, n):
        ops[k] = ops.get(k, 0) + n

    add("sts:GetCallerIdentity", 1)
    add("organizations:ListAccounts", pages(accounts, 20))
    add("sts:AssumeRole", accounts - 1)
    if all_regions:
        add("ec2:DescribeRegions", accounts)
    empty = {"instances": 0, "reservations": 0, "volumes": 0, "rds": 0, "lambda": 0}
    for c in cells + [empty] * (all_regions * accounts):
        add("ec2:DescribeInstances", pages(c["reservations"], 100) if server == "moto" else pages(c["instances"], 1000))
        add("ec2:DescribeVolumes", 1 if server == "moto" else pages(c["volumes"], 500))
        add("rds:DescribeDBInstances", pages(c["rds"], 100))
        add("rds:DescribeDBClusters", 1)
        add("lambda:ListFunctions", 1 if server == "moto" else pages(c["lambda"], 50))
        add("elasticloadbalancing:DescribeLoadBalancers", 1)
        add("ecs:ListClusters", 1)
        add("eks:ListClusters", 1)
        if c["instances"] + c["rds"]:
            add("monitoring:GetMetricData", gmd(c["instances"] + c["rds"], server, days))
    for per_region in buckets.values():
        add("s3:ListBuckets", 1)
        for n in per_region.values():
            add("s3:GetBucketLocation", n)
            add("s3:GetPublicAccessBlock", n)
            add("s3:GetBucketEncryption", n)
            if n:
                add("monitoring:GetMetricData", gmd(2 * n, server, days))
    return ops


def bench_shape(seed):
    """The per-cell counts seed_moto_scale.py made (the same splits)."""
    total, regions = seed["requested"], seed["regions"]
    accounts = len(seed["accounts"])
    ncells = accounts * len(regions)
    mix = {"instances": 0.38, "volumes": 0.04, "rds": 0.04, "s3": 0.08, "lambda": 0.08}
    want = {k: round(v * total) for k, v in mix.items()}
    per = {k: split(want[k], ncells) for k in ("instances", "volumes", "rds", "lambda")}
    cells = [{"instances": per["instances"][i],
              "reservations": math.ceil(per["instances"][i] / seed["per_reservation"]),
              "volumes": per["instances"][i] + per["volumes"][i], "rds": per["rds"][i],
              "lambda": per["lambda"][i]} for i in range(ncells)]
    buckets = {}
    for a, n in enumerate(split(want["s3"], accounts)):
        buckets[a] = {r: len(range(j, n, len(regions))) for j, r in enumerate(regions)}
    return cells, buckets, accounts


def counted(path):
    out = {}
    for s in json.load(open(path))["requests"]:
        k = f"{s['service']}:{s['operation']}"
        out[k] = out.get(k, 0) + s["count"]
    return out


def check(d):
    runs = [json.loads(line) for line in open(f"{d}/runs.jsonl")]
    ok = True
    for r in runs:
        seed = json.load(open(f"{d}/seed-{r['size']}.json"))
        cells, buckets, accounts = bench_shape(seed)
        extra = r["regions"] - len(seed["regions"]) if r["all_regions"] else 0
        want = model(cells, buckets, accounts, "moto", extra)
        got = counted(f"{d}/stats-{r['label']}.json")
        diff = {k: (want.get(k, 0), got.get(k, 0)) for k in set(want) | set(got) if want.get(k, 0) != got.get(k, 0)}
        print(f"{r['label']}: predicted {sum(want.values())}, counted {sum(got.values())}"
              + (f"  DIFFERENT {diff}" if diff else "  (every operation equal)"))
        ok &= not diff
    return ok


# An L estate: 1,000,000 resources, 50 accounts x 4 regions, 80 % EC2 + EBS (each instance its
# root volume), 200k S3 / RDS / Lambda in the bench's proportions (S3 8 %, Lambda 8 %, RDS 4 %).
L = {"accounts": 50, "regions": 4, "instances": 400_000, "volumes": 400_000,
     "s3": 80_000, "lambda": 80_000, "rds": 40_000}

# AWS's documented limits, per account and region (see the note for sources).
LIMITS = {  # operation: (burst, refill per second)
    "ec2": (100, 20),          # each non-mutating Describe* API its own bucket
    "rds": (300, 12),          # all RDS API calls of an account and region
    "lambda": (15, 15),        # control-plane API, 15 requests/s
    "monitoring": (50, 50),    # GetMetricData 50 TPS, and 396,000 datapoints/s (start > 3 h ago)
}
DPS = 396_000


def estimate(d=None):
    a, r = L["accounts"], L["regions"]
    ncells = a * r
    cells = [{"instances": L["instances"] // ncells, "reservations": L["instances"] // ncells,
              "volumes": L["volumes"] // ncells, "rds": L["rds"] // ncells,
              "lambda": L["lambda"] // ncells} for _ in range(ncells)]
    per_account = L["s3"] // a
    buckets = {i: {f"r{j}": n for j, n in enumerate(split(per_account, r))} for i in range(a)}
    aws = model(cells, buckets, a, "aws")
    print(f"L estate: {a} accounts x {r} regions; per account x region {cells[0]['instances']} instances, "
          f"{cells[0]['volumes']} volumes, {cells[0]['rds']} RDS, {cells[0]['lambda']} Lambda; "
          f"{per_account} buckets per account")
    print("\n| operation | requests (AWS page sizes) |\n|---|---:|")
    for k in sorted(aws):
        print(f"| {k} | {aws[k]:,} |")
    total = sum(aws.values())
    print(f"| **total** | **{total:,}** |")
    s3 = sum(v for k, v in aws.items() if k.startswith("s3:"))
    print(f"\nS3 is {s3:,} of them ({100 * s3 / total:.0f} %); per account the S3 task makes "
          f"{1 + 3 * per_account:,} requests in sequence.")
    # Throttling: each account x region has its own buckets; the requests one task makes of each.
    c = cells[0]
    per_cell = {"ec2": pages(c["instances"], 1000) + pages(c["volumes"], 500), "rds": pages(c["rds"], 100) + 1, "lambda": pages(c["lambda"], 50),
                "monitoring": gmd(c["instances"] + c["rds"], "aws")}
    print("\n| limit (per account x region) | requests per region task | seconds the limit imposes |\n|---|---:|---:|")
    for k, (burst, rate) in LIMITS.items():
        n = per_cell[k]
        print(f"| {k}: burst {burst}, {rate}/s | {n} | {max(0.0, (n - burst) / rate):.1f} |")
    dp = (c["instances"] + c["rds"]) * 365
    print(f"| cloudwatch datapoints: {DPS:,}/s | {dp:,} (estimated: metrics x 365 days) | {dp / DPS:.1f} |")
    # (b) AWS: no limit above binds, so each task is its requests one after another at a
    # per-request latency (an assumption: not measured here), floored by the datapoint quota.
    n_region = sum(v for k, v in model([c], {}, 1, "aws").items()
                   if k not in ("sts:GetCallerIdentity", "organizations:ListAccounts", "sts:AssumeRole"))
    n_s3 = 1 + 3 * per_account + sum(gmd(2 * n, "aws") for n in buckets[0].values())
    print(f"\n(b) AWS, latency-bound: a region task makes {n_region} requests (floor {dp / DPS:.1f} s from the "
          f"datapoint quota), an account's S3 task {n_s3:,}, all in sequence; {a - 1} AssumeRole first, in sequence.")
    print("| latency/request | region task s | S3 task s | sum of tasks s | wall --concurrency 8 | 32 | 64 |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for ms in (30, 50, 100):
        lat = ms / 1000
        t_region = max(n_region * lat, dp / DPS + (n_region - per_cell["monitoring"]) * lat)
        t_s3 = n_s3 * lat
        work = ncells * t_region + a * t_s3
        walls = []
        for conc in (8, 32, 64):
            lo = max(work / conc, t_s3) + (a - 1) * lat
            walls.append(f"{lo / 60:.0f}-{(work / conc + t_s3 + (a - 1) * lat) / 60:.0f} min")
        print(f"| {ms} ms | {t_region:.1f} | {t_s3:.0f} | {work:,.0f} | " + " | ".join(walls) + " |")
    if d:
        import glob
        c1 = sorted(glob.glob(f"{d}/stats-*-c1.json"))
        if c1:
            # (a) moto: its cost per item listed (per request for the rest), uncontended (--concurrency 1).
            label = c1[-1].rsplit("/", 1)[-1][len("stats-"):-len(".json")]
            size = int(label.split("-")[0][1:])
            seed = json.load(open(f"{d}/seed-{size}.json"))
            cells_b, buckets_b, _ = bench_shape(seed)
            items = {"ec2:DescribeInstances": sum(x["instances"] for x in cells_b),
                     "ec2:DescribeVolumes": sum(x["volumes"] for x in cells_b),
                     "rds:DescribeDBInstances": sum(x["rds"] for x in cells_b),
                     "lambda:ListFunctions": sum(x["lambda"] for x in cells_b),
                     "monitoring:GetMetricData": sum(x["instances"] + x["rds"] for x in cells_b)
                     + 2 * sum(sum(b.values()) for b in buckets_b.values())}
            l_items = {"ec2:DescribeInstances": L["instances"], "ec2:DescribeVolumes": L["volumes"],
                       "rds:DescribeDBInstances": L["rds"], "lambda:ListFunctions": L["lambda"],
                       "monitoring:GetMetricData": L["instances"] + L["rds"] + 2 * L["s3"]}
            cost = {}
            for st in json.load(open(c1[-1]))["requests"]:
                k = f"{st['service']}:{st['operation']}"
                n, t = cost.get(k, (0, 0.0))
                cost[k] = (n + st["count"], t + st["seconds"])
            print(f"\n(a) moto's cost, from {label} (uncontended), applied to L:")
            print("| operation | moto ms | per | L seconds |\n|---|---:|---|---:|")
            total_s = 0.0
            for k in sorted(aws):
                n, t = cost.get(k, (1, 0.0025))
                if k in items:
                    ms, per, sec = 1000 * t / items[k], "item", t / items[k] * l_items[k]
                else:
                    ms, per, sec = 1000 * t / n, "request", t / n * aws[k]
                total_s += sec
                print(f"| {k} | {ms:.2f} | {per} | {sec:,.0f} |")
            print(f"| **total (moto serves one request at a time)** | | | **{total_s:,.0f} s = {total_s / 60:.0f} min** |")

if __name__ == "__main__":
    if sys.argv[1:2] == ["check"]:
        sys.exit(0 if check(sys.argv[2]) else 1)
    elif sys.argv[1:2] == ["estimate"]:
        estimate(sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        sys.exit(__doc__)
