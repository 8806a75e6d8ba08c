"""Seed a moto server with a realistic small AWS estate, through the AWS API.

Usage: seed_moto.py ENDPOINT  — prints the ids it created as JSON.

An Organization with two member accounts; in the management account, EC2
instances in two regions (tagged, one stopped), EBS volumes (one attached,
one not), an RDS database, two S3 buckets, a Lambda function, and a year of
daily CloudWatch CPU datapoints for each instance and the database.
"""
import datetime as dt
import io
import json
import sys
import zipfile

import boto3

endpoint = sys.argv[1]


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

cw = client("cloudwatch")
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
print(json.dumps(out))
