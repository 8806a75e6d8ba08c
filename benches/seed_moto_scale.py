"""Seed a moto server with an AWS estate of a given size, for benches/collect_aws.sh.

Usage: seed_moto_scale.py ENDPOINT --total N [--accounts 3]
           [--regions eu-west-2,eu-west-1,us-east-1] [--per-reservation 10] [--workers 3]

Prints one JSON object: what was created, per kind, and the seconds each took.

The shape, of N resources in all (the mix of an EC2-heavy estate, 80 % EC2 and
EBS, 20 % RDS, S3 and Lambda, the ratio the L estimate assumes):

  38 % EC2 instances, tagged (Name, app, env, owner), a mix of types, every
       fifth one stopped; launched `--per-reservation` at a time (one
       RunInstances call each, so one reservation each: DescribeInstances
       pages count reservations in moto). moto gives each its root EBS
       volume, attached: another 38 %.
   4 % EBS volumes created alone, unattached (half tagged).
   4 % RDS instances (postgres and mysql, tagged).
   8 % S3 buckets, their home regions spread over the regions.
   8 % Lambda functions.

An AWS Organization (in the management account, as tests/tools/seed_moto.py
makes it) with ACCOUNTS-1 member accounts; each member is seeded through the
OrganizationAccountAccessRole moto creates. Resources are spread evenly
over accounts × regions (buckets over accounts). Everything goes through the
AWS API with boto3, as the tests seed; only ENDPOINT (127.0.0.1) is called.
"""
import argparse
import concurrent.futures as cf
import io
import json
import time
import zipfile

import boto3
import botocore.config

p = argparse.ArgumentParser()
p.add_argument("endpoint")
p.add_argument("--total", type=int, required=True)
p.add_argument("--accounts", type=int, default=3)
p.add_argument("--regions", default="eu-west-2,eu-west-1,us-east-1")
p.add_argument("--per-reservation", type=int, default=10)
p.add_argument("--workers", type=int, default=3)
args = p.parse_args()
regions = args.regions.split(",")
CFG = botocore.config.Config(retries={"max_attempts": 2}, max_pool_connections=4)

MIX = {"instances": 0.38, "volumes": 0.04, "rds": 0.04, "s3": 0.08, "lambda": 0.08}
TYPES = ["m5.large", "m5.xlarge", "t3.medium", "t3.large", "c5.xlarge", "r5.large", "m6g.large", "c6g.2xlarge"]
APPS = ["crm", "billing", "data-warehouse", "web", "search", "etl", "payments", "identity"]
ENVS = ["prod", "staging", "dev"]


def client(creds, service, region):
    return boto3.session.Session().client(
        service, region_name=region, endpoint_url=args.endpoint, config=CFG,
        aws_access_key_id=creds[0], aws_secret_access_key=creds[1], aws_session_token=creds[2])


def split(total, parts):
    """total over parts, as even as integers allow."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


management = ("testing", "testing", None)
started = time.perf_counter()
org = client(management, "organizations", "us-east-1")
org.create_organization(FeatureSet="ALL")
me = client(management, "sts", "us-east-1").get_caller_identity()["Account"]
accounts = [(me, management)]
for i in range(args.accounts - 1):
    member = org.create_account(Email=f"member{i}@example.org", AccountName=f"member{i}")[
        "CreateAccountStatus"]["AccountId"]
    c = client(management, "sts", "us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="seed")["Credentials"]
    accounts.append((member, (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])))
roles = {}
for account, creds in accounts:
    roles[account] = client(creds, "iam", "us-east-1").create_role(
        RoleName="lambda-exec", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return event\n")
ZIP = buf.getvalue()

cells = [(a, r) for a in accounts for r in regions]
want = {k: round(v * args.total) for k, v in MIX.items()}
per_cell = {k: split(want[k], len(cells)) for k in ("instances", "volumes", "rds", "lambda")}
per_account_buckets = split(want["s3"], len(accounts))
seconds = {k: 0.0 for k in MIX}
created = {k: 0 for k in MIX}
created["root_volumes"] = 0
created["stopped"] = 0


def seed_cell(i):
    (account, creds), region = cells[i]
    t = {}
    done = {}
    ec2 = client(creds, "ec2", region)
    # One of moto's stock AMIs (DescribeImages, listing them all, takes 1.5 s).
    image = "ami-12c6146b"
    s = time.perf_counter()
    n, ids, k = per_cell["instances"][i], [], 0
    while k < n:
        count = min(args.per_reservation, n - k)
        app, env = APPS[k % len(APPS)], ENVS[k % len(ENVS)]
        r = ec2.run_instances(
            ImageId=image, InstanceType=TYPES[(k // args.per_reservation) % len(TYPES)],
            MinCount=count, MaxCount=count, Placement={"AvailabilityZone": region + "a"},
            TagSpecifications=[{"ResourceType": "instance", "Tags": [
                {"Key": "Name", "Value": f"{app}-{env}-{k}"}, {"Key": "app", "Value": app},
                {"Key": "env", "Value": env}, {"Key": "owner", "Value": f"team-{k % 5}"}]}])
        ids += [x["InstanceId"] for x in r["Instances"]]
        k += count
    stop = ids[::5]
    for j in range(0, len(stop), 500):
        ec2.stop_instances(InstanceIds=stop[j:j + 500])
    t["instances"], done["instances"], done["root_volumes"], done["stopped"] = (
        time.perf_counter() - s, len(ids), len(ids), len(stop))
    s = time.perf_counter()
    for j in range(per_cell["volumes"][i]):
        extra = {"TagSpecifications": [{"ResourceType": "volume", "Tags": [
            {"Key": "Name", "Value": f"old-backup-{j}"}]}]} if j % 2 else {}
        ec2.create_volume(AvailabilityZone=region + "a", Size=50 + j % 450,
                          VolumeType="gp2" if j % 3 else "gp3", Encrypted=bool(j % 2), **extra)
    t["volumes"], done["volumes"] = time.perf_counter() - s, per_cell["volumes"][i]
    s = time.perf_counter()
    rds = client(creds, "rds", region)
    for j in range(per_cell["rds"][i]):
        engine = "postgres" if j % 2 else "mysql"
        rds.create_db_instance(DBInstanceIdentifier=f"db-{j}", DBInstanceClass="db.m5.large", Engine=engine,
                               AllocatedStorage=20 + j % 200, StorageType="gp3", MultiAZ=j % 4 == 0,
                               MasterUsername="estate", MasterUserPassword="not-a-secret-1",
                               Tags=[{"Key": "app", "Value": APPS[j % len(APPS)]}])
    t["rds"], done["rds"] = time.perf_counter() - s, per_cell["rds"][i]
    s = time.perf_counter()
    lam = client(creds, "lambda", region)
    for j in range(per_cell["lambda"][i]):
        lam.create_function(FunctionName=f"fn-{j}", Runtime="python3.12", Role=roles[account],
                            Handler="index.handler", Code={"ZipFile": ZIP}, MemorySize=128 * (1 + j % 8),
                            Architectures=["arm64" if j % 2 else "x86_64"])
    t["lambda"], done["lambda"] = time.perf_counter() - s, per_cell["lambda"][i]
    return t, done


def seed_buckets(a):
    account, creds = accounts[a]
    s = time.perf_counter()
    clients = {r: client(creds, "s3", r) for r in regions}
    for j in range(per_account_buckets[a]):
        region = regions[j % len(regions)]
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        clients[region].create_bucket(Bucket=f"b-{account}-{j}", **extra)
    return {"s3": time.perf_counter() - s}, {"s3": per_account_buckets[a]}


with cf.ThreadPoolExecutor(args.workers) as pool:
    jobs = [pool.submit(seed_cell, i) for i in range(len(cells))]
    jobs += [pool.submit(seed_buckets, a) for a in range(len(accounts))]
    for j in jobs:
        t, done = j.result()
        for k, v in t.items():
            seconds[k] += v
        for k, v in done.items():
            created[k] += v

total = sum(created[k] for k in ("instances", "root_volumes", "volumes", "rds", "s3", "lambda"))
print(json.dumps({
    "requested": args.total, "resources": total, "created": created,
    "accounts": [a for a, _ in accounts], "regions": regions,
    "per_reservation": args.per_reservation,
    "thread_seconds": {k: round(v, 2) for k, v in seconds.items()},
    "wall_seconds": round(time.perf_counter() - started, 2),
}))
