"""Seed a moto server with a realistic small AWS estate, through the AWS API.

Usage: seed_moto.py ENDPOINT [--enforce-auth]  — prints the ids it created as JSON.

An Organization with two member accounts; in the management account, EC2
instances in two regions (tagged, one stopped), EBS volumes (one attached,
one not), an RDS database and an Aurora cluster with one instance, two S3
buckets (one encrypted with every public-access block on, with storage
metrics), a Lambda function, an EKS cluster with a node group and its three
instances, an ECS cluster, a load balancer, a year of daily CloudWatch CPU
datapoints for two instances and the database, and a Cost Explorer result.

With --enforce-auth, moto then checks IAM on every request: the collector's
user (its keys printed as `user`) may do anything, the `schools` account's
EstateReadOnly role likewise, and the `pensions` account's EstateReadOnly
role grants nothing — an account Estate cannot read.
"""
import datetime as dt
import io
import json
import sys
import urllib.request
import zipfile

import boto3

endpoint = sys.argv[1]
enforce_auth = "--enforce-auth" in sys.argv[2:]


def client(service, region="eu-west-2"):
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


out = {}
org = client("organizations", "us-east-1")
org.create_organization(FeatureSet="ALL")
out["members"] = [
    org.create_account(Email=f"{n}@example.org", AccountName=n)["CreateAccountStatus"]["AccountId"]
    for n in ("schools", "pensions")
]
out["account"] = client("sts").get_caller_identity()["Account"]

instances = {}
for region, specs in {
    "eu-west-2": [("m5.large", "crm-app-01", "crm"), ("t3.medium", "crm-app-02", "crm"),
                  ("r5.large", "etl-worker", "data-warehouse")],
    "eu-west-1": [("m6g.large", "dr-replica", "crm")],
}.items():
    ec2 = client("ec2", region)
    image = ec2.describe_images()["Images"][0]["ImageId"]
    for itype, name, app in specs:
        r = ec2.run_instances(ImageId=image, InstanceType=itype, MinCount=1, MaxCount=1,
                              TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                  {"Key": "Name", "Value": name}, {"Key": "app", "Value": app}]}])
        instances[name] = (region, r["Instances"][0]["InstanceId"])
ec2 = client("ec2")
ec2.stop_instances(InstanceIds=[instances["etl-worker"][1]])
attached = ec2.create_volume(AvailabilityZone="eu-west-2a", Size=200, VolumeType="gp3", Encrypted=True)
ec2.attach_volume(VolumeId=attached["VolumeId"], InstanceId=instances["crm-app-01"][1], Device="/dev/sdf")
orphan = ec2.create_volume(AvailabilityZone="eu-west-2a", Size=500, VolumeType="gp2",
                           TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "old-backup"}]}])
out["instances"] = instances
out["volumes"] = {"attached": attached["VolumeId"], "orphan": orphan["VolumeId"]}

client("rds").create_db_instance(DBInstanceIdentifier="crm-db", DBInstanceClass="db.m5.large", Engine="postgres",
                                 EngineVersion="15.8", AllocatedStorage=100, StorageType="gp3", MultiAZ=True,
                                 MasterUsername="estate", MasterUserPassword="not-a-secret-1",
                                 Tags=[{"Key": "app", "Value": "crm"}])
s3 = client("s3")
for b in ("crm-documents", "public-site"):
    s3.create_bucket(Bucket=b, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})

iam = client("iam", "us-east-1")
role = iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return event\n")
client("lambda").create_function(FunctionName="crm-webhook", Runtime="python3.12", Role=role, Handler="index.handler",
                                 Code={"ZipFile": buf.getvalue()}, MemorySize=512, Architectures=["arm64"])

# An EKS cluster with a node group, an ECS cluster and an internet-facing load balancer.
vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
subnets = [x["SubnetId"] for x in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
node_role = iam.create_role(RoleName="eks-nodes", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
eks = client("eks")
eks.create_cluster(name="crm-k8s", roleArn=node_role, resourcesVpcConfig={"subnetIds": subnets},
                   tags={"app": "crm"})
eks.create_nodegroup(clusterName="crm-k8s", nodegroupName="general", subnets=subnets, nodeRole=node_role,
                     instanceTypes=["m6g.large"], scalingConfig={"minSize": 1, "maxSize": 6, "desiredSize": 3},
                     tags={"app": "crm"})
client("ecs").create_cluster(clusterName="batch-jobs")
client("elbv2").create_load_balancer(Name="crm-web", Subnets=subnets, Scheme="internet-facing", Type="application")

# Aurora: a cluster and its writer instance.
rds = client("rds")
rds.create_db_cluster(DBClusterIdentifier="crm-aurora", Engine="aurora-postgresql", EngineVersion="15.4",
                      MasterUsername="estate", MasterUserPassword="not-a-secret-2", StorageEncrypted=True,
                      Tags=[{"Key": "app", "Value": "crm"}])
rds.create_db_instance(DBInstanceIdentifier="crm-aurora-1", DBClusterIdentifier="crm-aurora",
                       DBInstanceClass="db.r6g.large", Engine="aurora-postgresql")

# The node group's instances, as EKS tags them.
image = ec2.describe_images()["Images"][0]["ImageId"]
r = ec2.run_instances(ImageId=image, InstanceType="m6g.large", MinCount=3, MaxCount=3,
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [
                          {"Key": "eks:cluster-name", "Value": "crm-k8s"},
                          {"Key": "eks:nodegroup-name", "Value": "general"}]}])
out["node_instances"] = [i["InstanceId"] for i in r["Instances"]]

# One bucket locked down and encrypted, the other left open.
s3.put_public_access_block(Bucket="crm-documents", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_encryption(Bucket="crm-documents", ServerSideEncryptionConfiguration={
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})

cw = client("cloudwatch")
day = dt.datetime(2025, 12, 30, 0, tzinfo=dt.timezone.utc)
for bucket, size, objects in (("crm-documents", 250e9, 1_200_000), ("public-site", 2e9, 5_000)):
    cw.put_metric_data(Namespace="AWS/S3", MetricData=[
        {"MetricName": "BucketSizeBytes", "Timestamp": day, "Value": size, "Unit": "Bytes",
         "Dimensions": [{"Name": "BucketName", "Value": bucket}, {"Name": "StorageType", "Value": "StandardStorage"}]},
        {"MetricName": "NumberOfObjects", "Timestamp": day, "Value": objects, "Unit": "Count",
         "Dimensions": [{"Name": "BucketName", "Value": bucket}, {"Name": "StorageType", "Value": "AllStorageTypes"}]},
    ])
start = dt.datetime(2025, 1, 1, 12, tzinfo=dt.timezone.utc)
cpu = {"crm-app-01": 35.0, "crm-app-02": 12.0}
for name, avg in cpu.items():
    data = [{"MetricName": "CPUUtilization", "Dimensions": [{"Name": "InstanceId", "Value": instances[name][1]}],
             "Timestamp": start + dt.timedelta(days=30 * i), "Value": avg + (5 if i % 2 else -5), "Unit": "Percent"}
            for i in range(12)]
    cw.put_metric_data(Namespace="AWS/EC2", MetricData=data)
cw.put_metric_data(Namespace="AWS/RDS", MetricData=[
    {"MetricName": "CPUUtilization", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": "crm-db"}],
     "Timestamp": start + dt.timedelta(days=d), "Value": 22.0, "Unit": "Percent"} for d in range(0, 360, 30)])
# Cost Explorer: what the next GetCostAndUsage returns (moto serves a queue of results).
account = out["account"]
ce = {"results": [{"ResultsByTime": [
    {"TimePeriod": {"Start": f"2025-{m:02d}-01", "End": f"2025-{m + 1:02d}-01" if m < 12 else "2026-01-01"},
     "Total": {}, "Estimated": False,
     "Groups": [
         {"Keys": [account, "Amazon Elastic Compute Cloud - Compute"],
          "Metrics": {"UnblendedCost": {"Amount": "412.3456", "Unit": "USD"},
                      "AmortizedCost": {"Amount": "398.10", "Unit": "USD"}}},
         {"Keys": [out["members"][0], "Amazon Simple Storage Service"],
          "Metrics": {"UnblendedCost": {"Amount": "17.05", "Unit": "USD"},
                      "AmortizedCost": {"Amount": "17.05", "Unit": "USD"}}}]}
    for m in range(1, 13)]}]}
urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/static/ce/cost-and-usage-results",
                                              data=json.dumps(ce).encode(), method="POST"))

if enforce_auth:
    iam = client("iam", "us-east-1")
    everything = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    iam.create_user(UserName="estate")
    iam.put_user_policy(UserName="estate", PolicyName="all", PolicyDocument=everything)
    key = iam.create_access_key(UserName="estate")["AccessKey"]
    out["user"] = {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                 "Principal": {"AWS": f"arn:aws:iam::{account}:root"}}]})
    for member, grants in zip(out["members"], (True, False)):
        creds = client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                          RoleSessionName="seed")["Credentials"]
        miam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
        miam.create_role(RoleName="EstateReadOnly", AssumeRolePolicyDocument=trust)
        if grants:
            miam.put_role_policy(RoleName="EstateReadOnly", PolicyName="all", PolicyDocument=everything)
    # From here on moto checks every request against IAM.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=b"0", method="POST",
                                                  headers={"Content-Type": "text/plain"}))
print(json.dumps(out))
