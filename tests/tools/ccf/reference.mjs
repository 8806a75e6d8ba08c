// Reference oracle for Estate's `ccf` factor set.
//
// Runs Cloud Carbon Footprint's OWN published estimator code (npm packages
// @cloud-carbon-footprint/{core,common,aws,azure}, Apache-2.0; versions pinned in
// ./package.json) on Estate-style usage rows and prints, per row, the kWh and
// kgCO2e of compute, memory, storage, network and embodied emissions, plus the
// intermediate quantities CCF used (vCPU-hours, min/max watts, PUE, GB-hours,
// replication factors, grid factor) so a port can be checked step by step.
//
// Usage:  node reference.mjs INPUT.json  > output.json
//         (install first:  npm ci --prefix tests/tools/ccf)
//
// INPUT.json is an array of
//   { "provider": "aws" | "azure", "region": "eu-west-2" | "uksouth" | ...,
//     "instance_type": "m5.large" | "Standard_D4s_v5" | "D4s v5" | null,
//     "hours": 720, "storage_hours": 8760 (default: hours), "utilisation": 0.35 | null,
//     "storage": [ { "class": "ssd" | "hdd", "size_gb": 100, "service": "ebs" } ],
//     "network_gb": 12.5 }
// `storage[].service` is an alias listed in STORAGE_SERVICES below (it picks the
// CCF service name + usage type whose replication-factor rule CCF applies), or
// give `ccf_service` and `ccf_usage_type` explicitly.
//
// Nothing here re-implements a CCF formula: estimates come from CCF's
// ComputeEstimator, MemoryEstimator, StorageEstimator, NetworkingEstimator and
// EmbodiedEmissionsEstimator, driven exactly as CCF's billing-data pipelines drive
// them (AWS: CostAndUsageReportsRow + AWSComputeEstimatesBuilder +
// AWSMemoryEstimatesBuilder + CostAndUsageReports.getEmbodiedEmissions; Azure:
// ConsumptionDetailRow + ConsumptionManagement's compute/memory/embodied methods).
// The only choices made here are documented in carbon-factors/README.md
// ("reference.mjs"): how an Estate row becomes a CCF billing row, and that a
// measured utilisation replaces CCF's 50 % default (CCF's billing path never has
// one; its CloudWatch path uses the measured value with un-scaled vCPUs).
//
// CCF reports co2e in metric tonnes; this script prints kgCO2e (x1000) and keeps
// CCF's tonnes in *_t fields only where noted.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Quiet the dependencies before loading them: CCF's winston logger writes to
// stdout and to ./logs/*.log; aws-sdk v2 prints a maintenance banner.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";
process.noDeprecation = true;
delete process.env.ELECTRICITY_MAPS_TOKEN; // static factors only

const require = createRequire(import.meta.url);
const PKG = "@cloud-carbon-footprint";

const common = require(`${PKG}/common`);
let currentWarnings = null;
const stderrLogger = Object.fromEntries(
  ["debug", "info", "warn", "error"].map((level) => [
    level,
    (msg) => {
      if (level === "warn" || level === "error") {
        if (currentWarnings) currentWarnings.push(`ccf: ${msg}`);
        process.stderr.write(`[ccf ${level}] ${msg}\n`);
      }
    },
  ]),
);
Object.defineProperty(common.Logger.prototype, "logger", {
  get: () => stderrLogger,
  configurable: true,
});

const core = require(`${PKG}/core`);
const aws = require(`${PKG}/aws`);
const azure = require(`${PKG}/azure`);
const awsLib = (m) => require(`${PKG}/aws/dist/lib/${m}.js`);
const azureLib = (m) => require(`${PKG}/azure/dist/lib/${m}.js`);

const CostAndUsageReportsRow = awsLib("CostAndUsageReportsRow").default;
const CostAndUsageReports = awsLib("CostAndUsageReports").default;
const AWSComputeEstimatesBuilder = awsLib("AWSComputeEstimatesBuilder").default;
const AWSMemoryEstimatesBuilder = awsLib("AWSMemoryEstimatesBuilder").default;
const AWS_TYPES = awsLib("AWSInstanceTypes");
const { AWS_REPLICATION_FACTORS_FOR_SERVICES } = awsLib("ReplicationFactors");
const ConsumptionDetailRow = azureLib("ConsumptionDetailRow").default;
const ConsumptionManagementService = azureLib("ConsumptionManagement").default;
const { AZURE_REPLICATION_FACTORS_FOR_SERVICES } = azureLib("ReplicationFactors");

const {
  ComputeEstimator,
  MemoryEstimator,
  StorageEstimator,
  NetworkingEstimator,
  EmbodiedEmissionsEstimator,
  UnknownEstimator,
} = core;
const { convertGigabyteHoursToTerabyteHours } = common;

const KG_PER_T = 1000;

function pkgVersion(name) {
  return require(`${PKG}/${name}/package.json`).version;
}
export const CCF_VERSIONS = Object.fromEntries(
  ["core", "common", "aws", "azure"].map((n) => [`${PKG}/${n}`, pkgVersion(n)]),
);

// ---------------------------------------------------------------------------
// Provider set-up, exactly as CCF's App wires its estimators.

function makeProvider(C, kind) {
  const estimators = {
    compute: new ComputeEstimator(),
    ssd: new StorageEstimator(C.SSDCOEFFICIENT),
    hdd: new StorageEstimator(C.HDDCOEFFICIENT),
    network: new NetworkingEstimator(C.NETWORKING_COEFFICIENT),
    memory: new MemoryEstimator(C.MEMORY_COEFFICIENT),
    unknown: new UnknownEstimator(C.ESTIMATE_UNKNOWN_USAGE_BY),
    embodied: new EmbodiedEmissionsEstimator(C.SERVER_EXPECTED_LIFESPAN),
  };
  const args = [
    estimators.compute,
    estimators.ssd,
    estimators.hdd,
    estimators.network,
    estimators.memory,
    estimators.unknown,
    estimators.embodied,
  ];
  const pipeline =
    kind === "aws"
      ? new CostAndUsageReports(...args)
      : new ConsumptionManagementService(...args);
  return { C, estimators, pipeline };
}

const AWS = makeProvider(aws.AWS_CLOUD_CONSTANTS, "aws");
const AZURE = makeProvider(azure.AZURE_CLOUD_CONSTANTS, "azure");
AWS.emissionsFactors = aws.AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH;
AZURE.emissionsFactors = azure.AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH;

// Storage service aliases -> the CCF service name and a representative billing
// usage type, so CCF's own replication-factor rule for that service applies.
export const STORAGE_SERVICES = {
  aws: {
    ebs: { ssd: ["AmazonEC2", "EBS:VolumeUsage.gp3"], hdd: ["AmazonEC2", "EBS:VolumeUsage.st1"] },
    "ebs-snapshot": ["AmazonEC2", "EBS:SnapshotUsage"],
    s3: ["AmazonS3", "TimedStorage-ByteHrs"],
    "s3-one-zone": ["AmazonS3", "TimedStorage-ZIA-ByteHrs"],
    "s3-reduced-redundancy": ["AmazonS3", "TimedStorage-RRS-ByteHrs"],
    efs: ["AmazonEFS", "TimedStorage-ByteHrs"],
    "efs-one-zone": ["AmazonEFS", "TimedStorage-ZIA-ByteHrs"],
    rds: ["AmazonRDS", "RDS:GP2-Storage"],
    "rds-multi-az": ["AmazonRDS", "RDS:Multi-AZ-GP2-Storage"],
    "rds-aurora": ["AmazonRDS", "Aurora:StorageUsage"],
    "rds-backup": ["AmazonRDS", "RDS:ChargedBackupUsage"],
    docdb: ["AmazonDocDB", "StorageUsage"],
    "docdb-backup": ["AmazonDocDB", "BackupUsage"],
    dynamodb: ["AmazonDynamoDB", "TimedStorage-ByteHrs"],
    ecr: ["AmazonECR", "TimedStorage-ByteHrs"],
    "elasticache-backup": ["AmazonElastiCache", "BackupUsage"],
    simpledb: ["AmazonSimpleDB", "TimedStorage-ByteHrs"],
    none: ["(none)", ""],
  },
  azure: {
    "managed-disk": ["Storage", "P10 LRS Disk"],
    disks: ["Storage", "Disks"],
    "blob-lrs": ["Storage", "Hot LRS Data Stored"],
    "blob-zrs": ["Storage", "Hot ZRS Data Stored"],
    "blob-grs": ["Storage", "Hot GRS Data Stored"],
    "blob-gzrs": ["Storage", "Hot GZRS Data Stored"],
    "sql-database": ["SQL Database", "Data Stored"],
    "cosmos-db": ["Azure Cosmos DB", "Data Stored"],
    mysql: ["Azure Database for MySQL", "Storage Data Stored"],
    "redis-cache": ["Redis Cache", "Data Stored"],
    none: ["(none)", ""],
  },
};

function storageServiceFor(provider, s) {
  if (s.ccf_service) return [s.ccf_service, s.ccf_usage_type ?? ""];
  const alias = s.service ?? "none";
  const entry = STORAGE_SERVICES[provider][alias];
  if (!entry) {
    throw new Error(
      `unknown ${provider} storage service alias '${alias}'; use one of ` +
        `${Object.keys(STORAGE_SERVICES[provider]).join(", ")} or give ccf_service/ccf_usage_type`,
    );
  }
  return Array.isArray(entry) ? entry : entry[s.class];
}

// Estate names Azure VMs by their ARM size (Standard_D4s_v5); CCF's tables are
// keyed by the Consumption API meter name (D4s v5). Mechanical mapping only.
export function azureMeterName(instanceType) {
  if (!instanceType) return instanceType;
  if (!/^(Standard|Basic)_/i.test(instanceType)) return instanceType;
  return instanceType.replace(/^(Standard|Basic)_/i, "").replace(/_/g, " ");
}

const t2kg = (t) => (t == null || Number.isNaN(t) ? null : t * KG_PER_T);
const est = (fp) =>
  fp ? { kwh: nan2null(fp.kilowattHours), kgco2e: t2kg(fp.co2e) } : { kwh: 0, kgco2e: 0 };
const nan2null = (x) => (x == null || Number.isNaN(x) ? null : x);
const ZERO = () => ({ kwh: 0, kgco2e: 0 });

function sum(parts) {
  return parts.reduce(
    (a, p) => ({ kwh: a.kwh + (p.kwh ?? 0), kgco2e: a.kgco2e + (p.kgco2e ?? 0) }),
    ZERO(),
  );
}

function validate(row, i) {
  const where = `row ${i}`;
  if (!row || typeof row !== "object") throw new Error(`${where}: not an object`);
  if (!["aws", "azure"].includes(row.provider))
    throw new Error(`${where}: provider must be "aws" or "azure" (GCP is not published on npm)`);
  if (typeof row.region !== "string") throw new Error(`${where}: region must be a string`);
  if (row.hours != null && !(typeof row.hours === "number" && row.hours >= 0))
    throw new Error(`${where}: hours must be a number >= 0`);
  if (row.utilisation != null && !(row.utilisation >= 0 && row.utilisation <= 1))
    throw new Error(`${where}: utilisation must be null or within 0..1`);
  for (const s of row.storage ?? []) {
    if (!["ssd", "hdd"].includes(s.class)) throw new Error(`${where}: storage class must be ssd or hdd`);
    if (!(typeof s.size_gb === "number" && s.size_gb >= 0))
      throw new Error(`${where}: storage size_gb must be a number >= 0`);
  }
  if (row.network_gb != null && !(typeof row.network_gb === "number" && row.network_gb >= 0))
    throw new Error(`${where}: network_gb must be a number >= 0`);
}

// ---------------------------------------------------------------------------
// AWS

function awsInstance(row, P, ef, warnings) {
  const C = P.C;
  const hours = row.hours ?? 0;
  const instanceType = row.instance_type;
  // A CUR line for an EC2 instance-hour: usage type "<prefix>-BoxUsage:<type>",
  // unit "Hrs", usage amount = hours, product_vcpu empty (CCF then uses its table).
  const usageType = `BoxUsage:${instanceType}`;
  const cur = new CostAndUsageReportsRow(
    new Date("2024-01-01T00:00:00Z"), "estate", "estate", row.region, "AmazonEC2",
    usageType, "Hrs", null, hours, 0, {},
  );
  const [family, size] = instanceType.split(".");
  const table = AWS_TYPES.EC2_INSTANCE_TYPES[family]?.[size];
  const vcpus = table?.[0] ?? null;
  if (!table) warnings.push(`instance type ${instanceType} is not in CCF's EC2_INSTANCE_TYPES: CCF cannot size it (its billing path yields 0 kWh for compute)`);
  const burstablePct = AWS_TYPES.BURSTABLE_INSTANCE_BASELINE_UTILIZATION[instanceType] ?? null;

  // Compute
  const builder = new AWSComputeEstimatesBuilder(cur, P.estimators.compute, ef);
  const inputs = {
    ccf_service: "AmazonEC2",
    ccf_usage_type: usageType,
    ccf_instance_type: cur.instanceType,
    vcpus,
    microarchitectures: builder.computeProcessors,
    min_watts_per_vcpu: builder.computeConstants.minWatts,
    max_watts_per_vcpu: builder.computeConstants.maxWatts,
    pue: builder.powerUsageEffectiveness,
    compute_replication_factor: cur.replicationFactor,
    burstable_baseline_pct: burstablePct,
    gpus: AWS_TYPES.GPU_INSTANCES_TYPES[instanceType] ?? 0,
  };
  let compute;
  if (row.utilisation == null) {
    compute = est(builder.computeFootprint);
    inputs.vcpu_hours = nan2null(cur.vCpuHours);
    inputs.cpu_utilisation_pct = C.AVG_CPU_UTILIZATION_2020;
    inputs.uses_default_utilisation = true;
    if (burstablePct != null)
      inputs.note_burstable = `vCPU-hours scaled by baseline ${burstablePct}% / ${C.AVG_CPU_UTILIZATION_2020}% (CCF billing path)`;
  } else {
    const vCpuHours = vcpus == null ? NaN : vcpus * hours;
    const fp = P.estimators.compute.estimate(
      [{ cpuUtilizationAverage: row.utilisation * 100, vCpuHours, usesAverageCPUConstant: false }],
      row.region, ef, builder.computeConstants,
    )[0];
    compute = est(fp);
    if (inputs.gpus) {
      // CCF has no measured-GPU path: add its GPU estimate at the 50 % default.
      const cpuOnly = P.estimators.compute.estimate(
        [{ cpuUtilizationAverage: C.AVG_CPU_UTILIZATION_2020, vCpuHours: cur.vCpuHours, usesAverageCPUConstant: true }],
        row.region, ef, builder.computeConstants,
      )[0];
      compute.kwh += builder.computeFootprint.kilowattHours - cpuOnly.kilowattHours;
      compute.kgco2e += t2kg(builder.computeFootprint.co2e - cpuOnly.co2e);
      warnings.push("GPU part estimated at CCF's 50 % default utilisation");
    }
    inputs.vcpu_hours = nan2null(vCpuHours);
    inputs.cpu_utilisation_pct = row.utilisation * 100;
    inputs.uses_default_utilisation = false;
  }
  if (compute.kwh == null) warnings.push("compute kWh is NaN in CCF (unknown vCPU count)");

  // Memory (CCF: only memory above the per-chip baseline; none for burstable types)
  const mem = new AWSMemoryEstimatesBuilder(cur, P.estimators.memory, ef);
  inputs.memory_gb_hours = nan2null(mem.memoryUsage.gigabyteHours);
  const memory = est(mem.memoryFootprint);

  // Embodied
  const emb = P.pipeline.getEmbodiedEmissions(cur, ef);
  const d = P.pipeline.getDataFromInstanceType(cur.instanceType);
  inputs.embodied = {
    scope3_tco2e: d.scopeThreeEmissions ?? null,
    instance_vcpus: d.instancevCpu ?? null,
    largest_vcpus: d.largestInstancevCpu ?? null,
    usage_time_period: d.instancevCpu ? hours / d.instancevCpu : null,
    lifespan_hours: C.SERVER_EXPECTED_LIFESPAN,
  };
  const embodied = { kgco2e: t2kg(emb.co2e) ?? 0, kwh_equivalent: nan2null(emb.kilowattHours) ?? 0 };
  return { compute, memory, embodied, inputs };
}

// ---------------------------------------------------------------------------
// Azure

function azureDetailRow(row, meterName, unit, category, quantity) {
  return new ConsumptionDetailRow({
    kind: "legacy",
    id: "estate",
    name: "",
    type: "",
    tags: {},
    date: new Date("2024-01-01T00:00:00Z"),
    quantity,
    cost: 0,
    subscriptionName: "estate",
    resourceLocation: row.region,
    meterDetails: { meterName, unitOfMeasure: unit, meterCategory: category },
  });
}

function azureInstance(row, P, warnings) {
  const C = P.C;
  const cm = P.pipeline;
  const hours = row.hours ?? 0;
  const meterName = azureMeterName(row.instance_type);
  const detail = azureDetailRow(row, meterName, "1 Hour", "Virtual Machines", hours);
  const ef = P.emissionsFactors;
  if (detail.region === "Unknown") warnings.push(`region ${row.region} unknown to CCF: 'Unknown' grid factor used`);
  if (!detail.seriesName)
    warnings.push(`meter name '${meterName}' not in CCF's VIRTUAL_MACHINE_TYPE_SERIES_MAPPING (vCPUs from fallback tables or 1; no memory)`);
  const pue = C.getPUE(detail.region);
  const processors = cm.getComputeProcessorsFromUsageType(detail.usageType);
  const replication = cm.getReplicationFactor(detail);
  const inputs = {
    ccf_service: "Virtual Machines",
    ccf_usage_type: detail.usageType,
    ccf_region: detail.region,
    ccf_series: detail.seriesName || null,
    vcpus: detail.getVCpus(),
    microarchitectures: processors,
    min_watts_per_vcpu: C.getMinWatts(processors),
    max_watts_per_vcpu: C.getMaxWatts(processors),
    pue,
    compute_replication_factor: replication ?? 1, // CCF: undefined -> estimator default 1
    gpus: cm.isGpuUsage(detail.usageType) ? require(`${PKG}/azure/dist/lib/VirtualMachineTypes.js`).GPU_VIRTUAL_MACHINE_TYPES[detail.usageType] : 0,
    vcpu_hours: detail.vCpuHours,
  };
  let compute;
  if (row.utilisation == null) {
    compute = est(cm.getComputeFootprintEstimate(detail, pue, ef));
    inputs.cpu_utilisation_pct = C.AVG_CPU_UTILIZATION_2020;
    inputs.uses_default_utilisation = true;
  } else {
    const constants = {
      minWatts: inputs.min_watts_per_vcpu,
      maxWatts: inputs.max_watts_per_vcpu,
      powerUsageEffectiveness: pue,
      replicationFactor: replication,
    };
    let fp = P.estimators.compute.estimate(
      [{ cpuUtilizationAverage: row.utilisation * 100, vCpuHours: detail.vCpuHours, usesAverageCPUConstant: false }],
      detail.region, ef, constants,
    )[0];
    if (inputs.gpus) {
      fp = cm.appendGpuComputeEstimate(detail, pue, ef, fp);
      warnings.push("GPU part estimated at CCF's 50 % default utilisation");
    }
    compute = est(fp);
    inputs.cpu_utilisation_pct = row.utilisation * 100;
    inputs.uses_default_utilisation = false;
  }
  inputs.memory_gb_hours = cm.getUsageAmountInGigabyteHours(detail);
  const memory = est(cm.getMemoryFootprintEstimate(detail, pue, ef, true));
  const emb = cm.getEmbodiedEmissions(detail, ef);
  const d = cm.getDataFromSeriesNameAndUsageType(detail.seriesName, detail.usageType);
  inputs.embodied = {
    scope3_tco2e: d.scopeThreeEmissions ?? null,
    instance_vcpus: d.instancevCpu ?? null,
    largest_vcpus: d.largestInstancevCpu ?? null,
    usage_time_period: d.instancevCpu ? hours / d.instancevCpu : null,
    lifespan_hours: C.SERVER_EXPECTED_LIFESPAN,
  };
  const embodied = { kgco2e: t2kg(emb.co2e) ?? 0, kwh_equivalent: nan2null(emb.kilowattHours) ?? 0 };
  return { compute, memory, embodied, inputs, region: detail.region };
}

// ---------------------------------------------------------------------------
// Storage and network (per provider; CCF's StorageEstimator / NetworkingEstimator)

function storageParts(row, P, region, ef, pue) {
  // A volume exists (and is billed per GB-month) the whole period, whatever
  // the machine's running hours: `storage_hours` when given.
  const hours = row.storage_hours ?? row.hours ?? 0;
  return (row.storage ?? []).map((s) => {
    const [service, usageType] = storageServiceFor(row.provider, s);
    let rf;
    if (row.provider === "aws") {
      const fn = AWS_REPLICATION_FACTORS_FOR_SERVICES[service];
      rf = (fn && fn(usageType, region)) || AWS_REPLICATION_FACTORS_FOR_SERVICES.DEFAULT();
    } else {
      const fn = AZURE_REPLICATION_FACTORS_FOR_SERVICES[service];
      rf = fn && fn(usageType, region); // CCF Azure: undefined -> estimator default 1
    }
    const terabyteHours = convertGigabyteHoursToTerabyteHours(s.size_gb * hours);
    const estimator = s.class === "ssd" ? P.estimators.ssd : P.estimators.hdd;
    const fp = estimator.estimate([{ terabyteHours }], region, ef, {
      powerUsageEffectiveness: pue,
      replicationFactor: rf,
    })[0];
    return {
      class: s.class,
      size_gb: s.size_gb,
      service: s.service ?? null,
      ccf_service: service,
      ccf_usage_type: usageType,
      replication_factor: rf ?? 1,
      coefficient_wh_per_tb_hour: estimator.coefficient,
      terabyte_hours: terabyteHours,
      ...est(fp),
    };
  });
}

function networkPart(row, P, region, ef, pue) {
  const gigabytes = row.network_gb ?? 0;
  const fp = P.estimators.network.estimate([{ gigabytes }], region, ef, {
    powerUsageEffectiveness: pue,
  })[0];
  return { gigabytes, coefficient_kwh_per_gb: P.estimators.network.coefficient, ...est(fp) };
}

// ---------------------------------------------------------------------------

export function estimateRow(row, i = 0) {
  validate(row, i);
  const warnings = [];
  currentWarnings = warnings;
  try {
    const P = row.provider === "aws" ? AWS : AZURE;
    const ef = P.emissionsFactors;
    let region = row.region;
    let inst = null;
    if (row.instance_type) {
      inst = row.provider === "aws" ? awsInstance(row, P, ef, warnings) : azureInstance(row, P, warnings);
      if (inst.region) region = inst.region;
    } else if (row.provider === "azure") {
      region = azureDetailRow(row, "", "1 Hour", "Storage", 0).region;
    }
    if (row.provider === "aws" && !(region in ef))
      warnings.push(`region ${region} has no CCF grid factor: 'Unknown' average used`);
    const pue = P.C.getPUE(region);
    const storage = storageParts(row, P, region, ef, pue);
    const network = networkPart(row, P, region, ef, pue);
    const compute = inst ? inst.compute : ZERO();
    const memory = inst ? inst.memory : ZERO();
    const embodied = inst ? inst.embodied : { kgco2e: 0, kwh_equivalent: 0 };
    const storageTotal = sum(storage);
    const operational = sum([compute, memory, storageTotal, network]);
    const efT = ef[region] || ef.Unknown;
    return {
      index: i,
      provider: row.provider,
      region: row.region,
      ccf_region: region,
      instance_type: row.instance_type ?? null,
      hours: row.hours ?? 0,
      utilisation: row.utilisation ?? null,
      pue,
      grid_kgco2e_per_kwh: efT * KG_PER_T,
      inputs: inst ? inst.inputs : null,
      compute,
      memory,
      storage,
      storage_total: storageTotal,
      network,
      embodied,
      total: {
        operational_kwh: operational.kwh,
        operational_kgco2e: operational.kgco2e,
        embodied_kgco2e: embodied.kgco2e,
        kgco2e: operational.kgco2e + embodied.kgco2e,
        // CCF's own row total adds the embodied "kWh" (co2e / grid factor) to energy:
        ccf_style_kwh: operational.kwh + embodied.kwh_equivalent,
      },
      warnings,
    };
  } finally {
    currentWarnings = null;
  }
}

export function estimateAll(rows) {
  if (!Array.isArray(rows)) throw new Error("input must be a JSON array of usage rows");
  return {
    tool: "tests/tools/ccf/reference.mjs",
    ccf_versions: CCF_VERSIONS,
    units: {
      kwh: "kilowatt-hours of electricity, PUE included",
      kgco2e: "kilograms CO2e (CCF works in metric tonnes; multiplied by 1000 here)",
      embodied_kwh_equivalent: "CCF's embodied 'kWh' = embodied co2e / grid factor (not energy)",
      grid_kgco2e_per_kwh: "CCF static grid factor for the region, kg/kWh",
    },
    rows: rows.map((r, i) => estimateRow(r, i)),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  // --bench: time the estimation alone (as benches/run times Estate's) and
  // print the row count, seconds and total kgCO2e instead of every row.
  const bench = process.argv[2] === "--bench";
  const file = process.argv[bench ? 3 : 2];
  if (!file) {
    process.stderr.write("usage: node reference.mjs [--bench] INPUT.json\n");
    process.exit(2);
  }
  try {
    const rows = JSON.parse(readFileSync(file, "utf8"));
    if (bench) {
      const start = performance.now();
      const out = estimateAll(rows);
      const seconds = (performance.now() - start) / 1000;
      const total = out.rows.reduce((t, r) => t + (r.total?.kgco2e ?? 0), 0);
      process.stdout.write(`estimated ${rows.length} rows in ${seconds.toFixed(3)} s; total ${total.toFixed(1)} kgCO2e\n`);
    } else {
      process.stdout.write(JSON.stringify(estimateAll(rows), null, 2) + "\n");
    }
  } catch (e) {
    process.stderr.write(`reference.mjs: ${e.message}\n`);
    process.exit(1);
  }
}
