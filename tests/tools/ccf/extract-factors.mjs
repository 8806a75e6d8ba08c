// Regenerates carbon-factors/ccf/* from Cloud Carbon Footprint's published npm
// packages (installed here by `npm ci --prefix tests/tools/ccf`).
//
// Usage:  node tests/tools/ccf/extract-factors.mjs [OUT_DIR]
//         (default OUT_DIR: carbon-factors/ccf next to this repository's root)
//
// Every AWS/Azure number is read from the loaded packages at run time (the
// derived ccf_* columns are produced by running CCF's own code through
// reference.mjs). GCP is the exception: @cloud-carbon-footprint/gcp is not
// published on the npm registry, so its tables are transcribed below (GCP_*
// literals) from the upstream repository at the commit named in GCP_SOURCE.

import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { estimateRow, CCF_VERSIONS, azureMeterName } from "./reference.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(process.argv[2] ?? join(here, "..", "..", "..", "carbon-factors", "ccf"));
mkdirSync(OUT, { recursive: true });

const require = createRequire(import.meta.url);
const PKG = "@cloud-carbon-footprint";
const pkgDir = (n) => dirname(require.resolve(`${PKG}/${n}/package.json`));
const V = (n) => CCF_VERSIONS[`${PKG}/${n}`];
const core = require(`${PKG}/core`);
const aws = require(`${PKG}/aws`);
const azure = require(`${PKG}/azure`);
const AWS_T = require(`${PKG}/aws/dist/lib/AWSInstanceTypes.js`);
const AWS_R = require(`${PKG}/aws/dist/lib/AWSRegions.js`);
const AWS_CU = require(`${PKG}/aws/dist/lib/CostAndUsageTypes.js`);
const AZ_T = require(`${PKG}/azure/dist/lib/VirtualMachineTypes.js`);
const AZ_R = require(`${PKG}/azure/dist/lib/AzureRegions.js`);
const AZ_CT = require(`${PKG}/azure/dist/lib/ConsumptionTypes.js`);
const A = aws.AWS_CLOUD_CONSTANTS;
const Z = azure.AZURE_CLOUD_CONSTANTS;

const METHODOLOGY_URL = "https://www.cloudcarbonfootprint.org/docs/methodology";
const REPO_URL = "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint";
const LICENCE = "Apache-2.0 (Cloud Carbon Footprint, © Thoughtworks, Inc.; see LICENSE in each npm package)";
const YEAR = 2024; // npm release year of core@0.17.3 / aws@0.15.0 / common@1.15.0 (azure@1.8.0 is the same code line)

const GCP_SOURCE = {
  repository: "cloud-carbon-footprint/cloud-carbon-footprint",
  commit: "0656d55594b69d74ce35ff18019be36140beaa50",
  note:
    "@cloud-carbon-footprint/gcp is not on the npm registry reachable from this project; " +
    "GCP values are transcribed from the upstream repository at this commit (unreleased trunk). " +
    "reference.mjs cannot run GCP.",
};

const src = (pkg, path, what) => ({ package: `${PKG}/${pkg}@${V(pkg)}`, path, what });
const gcpSrc = (path, what) => ({ ...GCP_SOURCE, path, what });

// ---------------------------------------------------------------------------
// Tiny YAML / CSV writers (values are plain numbers, strings, lists, maps)

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const yKey = (k) => (plainKey.test(k) ? k : JSON.stringify(k));
function yScalar(v) {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`non-finite number in YAML: ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return String(v);
  return JSON.stringify(String(v));
}
function yaml(obj, indent = 0) {
  const pad = " ".repeat(indent);
  let out = "";
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Block)) {
      if (Object.keys(v).length === 0) out += `${pad}${yKey(k)}: {}\n`;
      else out += `${pad}${yKey(k)}:\n${yaml(v, indent + 2)}`;
    } else if (v instanceof Block) {
      out += `${pad}${yKey(k)}: |\n${v.text.trimEnd().split("\n").map((l) => (l ? `${pad}  ${l}` : "")).join("\n")}\n`;
    } else if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== "object")) {
        out += `${pad}${yKey(k)}: [${v.map(yScalar).join(", ")}]\n`;
      } else {
        out += `${pad}${yKey(k)}:\n`;
        for (const item of v) {
          const body = yaml(item, indent + 4);
          out += `${pad}  - ${body.slice(indent + 4)}`;
        }
      }
    } else {
      out += `${pad}${yKey(k)}: ${yScalar(v)}\n`;
    }
  }
  return out;
}
class Block {
  constructor(text) {
    this.text = text;
  }
}
const block = (s) => new Block(s);

function provenance(sources, units, extra = {}) {
  return {
    source: sources,
    url: [METHODOLOGY_URL, REPO_URL],
    year: YEAR,
    units,
    licence: LICENCE,
    generated_by: "tests/tools/ccf/extract-factors.mjs (do not edit by hand; rerun it)",
    ...extra,
  };
}

function writeYaml(name, title, body) {
  const text = `# ${title}\n# Cloud Carbon Footprint (CCF) factor set for Estate. Provenance first; units in each key's comment or 'units'.\n${yaml(body)}`;
  writeFileSync(join(OUT, name), text);
  console.error(`wrote ${name}`);
}

function csvCell(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "";
    return String(v);
  }
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function writeCsv(name, columns, rows) {
  const lines = [columns.map((c) => c.name).join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c.name])).join(","));
  writeFileSync(join(OUT, name), lines.join("\n") + "\n");
  console.error(`wrote ${name} (${rows.length} rows)`);
}

// t -> kg by moving the decimal point (no binary rounding noise)
function tToKg(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return null;
  const s = String(x);
  if (/e/i.test(s)) return Number((x * 1000).toPrecision(15));
  const neg = s.startsWith("-");
  const [i, f = ""] = (neg ? s.slice(1) : s).split(".");
  const fp = f.padEnd(3, "0");
  let int = (i + fp.slice(0, 3)).replace(/^0+(?=\d)/, "");
  const frac = fp.slice(3).replace(/0+$/, "");
  return (neg ? "-" : "") + int + (frac ? "." + frac : "");
}
const round = (x, p = 12) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toPrecision(p)));

const isGpuName = (n) => /^(Nvidia|AMD Radeon|Xilinx)/.test(n);

// ---------------------------------------------------------------------------
// pue.yaml

const GCP_PUE = {
  default: 1.1,
  by_region: {
    "us-east1": 1.102, "us-central1": 1.11, "us-central2": 1.12, "us-west1": 1.095,
    "europe-west1": 1.08, "europe-west4": 1.09, "europe-north1": 1.09, "asia-east1": 1.13,
    "asia-southeast1": 1.14, "southamerica-east1": 1.09,
  },
};

writeYaml("pue.yaml", "Power usage effectiveness (PUE) per provider", {
  provenance: provenance(
    [
      src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "AWS_CLOUD_CONSTANTS.PUE_AVG, getPUE"),
      src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "AZURE_CLOUD_CONSTANTS.PUE_AVG, getPUE"),
      gcpSrc("packages/gcp/src/domain/GcpFootprintEstimationConstants.ts", "GCP_CLOUD_CONSTANTS.PUE_AVG, PUE_TRAILING_TWELVE_MONTH, getPUE"),
    ],
    "dimensionless (total facility energy / IT equipment energy)",
  ),
  applies_to: block(
    "CCF multiplies the IT energy of compute, memory, storage and networking by the PUE\n" +
      "(ComputeEstimator, MemoryEstimator, StorageEstimator, NetworkingEstimator all take\n" +
      "constants.powerUsageEffectiveness). Embodied emissions are not multiplied by PUE.",
  ),
  aws: { pue: A.getPUE("eu-west-2"), rule: "one value for every region (getPUE ignores its region argument)" },
  azure: { pue: Z.getPUE("uksouth"), rule: "one value for every region (getPUE ignores its region argument)" },
  gcp: {
    default_pue: GCP_PUE.default,
    by_region: GCP_PUE.by_region,
    rule: "PUE_TRAILING_TWELVE_MONTH[region] if listed, else PUE_AVG (default_pue)",
  },
});
if (A.PUE_AVG !== A.getPUE("eu-west-2") || Z.PUE_AVG !== Z.getPUE("uksouth")) throw new Error("PUE drift");

// ---------------------------------------------------------------------------
// cpu-power.yaml

function wattTable(C) {
  const cpus = {};
  const gpus = {};
  for (const [name, min] of Object.entries(C.MIN_WATTS_BY_COMPUTE_PROCESSOR)) {
    const entry = { min_watts: min, max_watts: C.MAX_WATTS_BY_COMPUTE_PROCESSOR[name] };
    (isGpuName(name) ? gpus : cpus)[name] = entry;
  }
  for (const name of Object.keys(C.MAX_WATTS_BY_COMPUTE_PROCESSOR))
    if (!(name in C.MIN_WATTS_BY_COMPUTE_PROCESSOR)) throw new Error(`max without min: ${name}`);
  return { cpus, gpus };
}
function resolvedLists(C, mapping) {
  const out = {};
  for (const list of [...new Set(Object.values(mapping).map((l) => l.join(";")))].sort()) {
    const l = list.split(";");
    out[list] = { min_watts: round(C.getMinWatts(l)), max_watts: round(C.getMaxWatts(l)), memory_baseline_gb_per_chip: round(C.getMemory(l)) };
  }
  return out;
}
const awsW = wattTable(A);
const azW = wattTable(Z);
const GCP_WATTS = {
  fallback: { min_watts: 0.68, max_watts: 4.11, constant: "MIN_WATTS_MEDIAN / MAX_WATTS_MEDIAN" },
  cpus: {
    "Cascade Lake": { min_watts: 0.64, max_watts: 3.97 },
    Skylake: { min_watts: 0.65, max_watts: 4.26 },
    Broadwell: { min_watts: 0.71, max_watts: 3.69 },
    Haswell: { min_watts: 1, max_watts: 4.74 },
    "Coffee Lake": { min_watts: 1.14, max_watts: 5.42 },
    "Sandy Bridge": { min_watts: 2.17, max_watts: 8.58 },
    "Ivy Bridge": { min_watts: 3.04, max_watts: 8.25 },
    "AMD EPYC 1st Gen": { min_watts: 0.82, max_watts: 2.55 },
    "AMD EPYC 2nd Gen": { min_watts: 0.47, max_watts: 1.69 },
    "AMD EPYC 3rd Gen": { min_watts: 0.45, max_watts: 2.02 },
  },
  gpus: {
    "Nvidia K520": { min_watts: 26, max_watts: 229 },
    "Nvidia A10G": { min_watts: 18, max_watts: 153 },
    "Nvidia T4": { min_watts: 8, max_watts: 71 },
    "Nvidia Tesla M60": { min_watts: 35, max_watts: 306 },
    "Nvidia Tesla K80": { min_watts: 35, max_watts: 306 },
    "Nvidia Tesla V100": { min_watts: 35, max_watts: 306 },
    "Nvidia Tesla A100": { min_watts: 46, max_watts: 407 },
    "Nvidia Tesla P4": { min_watts: 9, max_watts: 76.5 },
    "Nvidia Tesla P100": { min_watts: 36, max_watts: 306 },
    "AMD Radeon Pro V520": { min_watts: 26, max_watts: 229 },
  },
};

writeYaml("cpu-power.yaml", "Min/max power per vCPU (and per GPU) by microarchitecture", {
  provenance: provenance(
    [
      src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "AWS_CLOUD_CONSTANTS.MIN_WATTS_BY_COMPUTE_PROCESSOR, MAX_WATTS_BY_COMPUTE_PROCESSOR, MIN_WATTS_AVG, MAX_WATTS_AVG, getMinWatts, getMaxWatts"),
      src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "AZURE_CLOUD_CONSTANTS (same keys)"),
      src("core", "dist/FootprintEstimate.js", "getWattsByAverageOrMedian, getAverage"),
      gcpSrc("packages/gcp/src/domain/GcpFootprintEstimationConstants.ts", "GCP_CLOUD_CONSTANTS min/max watts (values resolved from packages/core/src/compute/ComputeProcessorTypes.ts at the same commit)"),
    ],
    "watts per vCPU for CPUs (per GPU for GPUs); derived by CCF from SPECpower_ssj2008 results (idle = min, 100 % load = max)",
  ),
  selection_rule: block(
    `An instance maps to a LIST of microarchitectures (aws-instances.csv / azure-instances.csv
column microarchitectures, ';'-separated). min_watts and max_watts are then:
  1. look up each listed microarchitecture in this provider's table below;
  2. if the list contains "Sandy Bridge" or "Ivy Bridge", take the MEDIAN of the looked-up
     values (ramda median: mean of the two middle values for an even count), otherwise
     the arithmetic MEAN;
  3. if a listed name is missing from the table (e.g. "Ice Lake", "AWS Graviton",
     "AMD EPYC 3rd Gen" on AWS, "Unknown"), the mean is undefined (one name) or NaN, both
     falsy, so the provider fallback below is used for the WHOLE list - a partial list is
     never averaged over its known members. (Median path only: JS sorts undefined last, so
     a missing name outside the middle slice is ignored. No list shipped in the AWS/Azure
     mappings mixes known and missing names, so this never arises there.)
An instance with no mapping uses ["Unknown"], i.e. the fallback. Lists that occur in the
AWS/Azure tables and the values they resolve to are in resolved_lists below.
GPUs: a GPU instance adds a second compute estimate with vCPU-hours replaced by
GPU-hours (GPU count x hours) and min/max watts from the GPU model below, same formula.`,
  ),
  aws: { fallback: { min_watts: A.MIN_WATTS_AVG, max_watts: A.MAX_WATTS_AVG, constant: "MIN_WATTS_AVG / MAX_WATTS_AVG" }, microarchitectures: awsW.cpus, gpus: awsW.gpus, resolved_lists: resolvedLists(A, AWS_T.INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING) },
  azure: { fallback: { min_watts: Z.MIN_WATTS_AVG, max_watts: Z.MAX_WATTS_AVG, constant: "MIN_WATTS_AVG / MAX_WATTS_AVG" }, microarchitectures: azW.cpus, gpus: azW.gpus, resolved_lists: resolvedLists(Z, AZ_T.INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING) },
  gcp: { fallback: GCP_WATTS.fallback, microarchitectures: GCP_WATTS.cpus, gpus: GCP_WATTS.gpus },
});
for (const [n, w] of Object.entries(awsW.cpus)) if (A.getMinWatts([n]) !== w.min_watts || A.getMaxWatts([n]) !== w.max_watts) throw new Error(`aws watts ${n}`);
if (A.getMinWatts(["Ice Lake"]) !== A.MIN_WATTS_AVG || A.getMinWatts(["Cascade Lake", "Ice Lake"]) !== A.MIN_WATTS_AVG) throw new Error("fallback rule drift");

// ---------------------------------------------------------------------------
// memory.yaml

writeYaml("memory.yaml", "Memory energy coefficient and CCF's per-chip memory baseline", {
  provenance: provenance(
    [
      src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "MEMORY_COEFFICIENT, MEMORY_BY_COMPUTE_PROCESSOR, MEMORY_AVG, getMemory"),
      src("aws", "dist/lib/AWSMemoryEstimatesBuilder.js", "getGigabytesFromInstanceTypeAndProcessors, checkInstanceTypes"),
      src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "MEMORY_COEFFICIENT, MEMORY_BY_COMPUTE_PROCESSOR, MEMORY_AVG, getMemory"),
      src("azure", "dist/lib/ConsumptionManagement.js", "getGigabyteHoursFromInstanceTypeAndProcessors"),
      src("core", "dist/memory/helpers.js", "getPhysicalChips, calculateGigabyteHours"),
      src("core", "dist/memory/MemoryEstimator.js", "MemoryEstimator"),
      gcpSrc("packages/gcp/src/domain/GcpFootprintEstimationConstants.ts", "MEMORY_COEFFICIENT"),
    ],
    "coefficient: kWh per GB-hour; baseline: GB per physical chip",
  ),
  coefficient_kwh_per_gb_hour: { aws: A.MEMORY_COEFFICIENT, azure: Z.MEMORY_COEFFICIENT, gcp: 0.000392 },
  formula: block(
    `memory_kwh = gb_hours x coefficient_kwh_per_gb_hour x PUE x replication_factor
(replication_factor is the billing row's: 1 for EC2 instance-hours and for Azure
"Virtual Machines"). memory_kgco2e = memory_kwh x grid factor.`,
  ),
  baseline_rule: block(
    `AWS and Azure instances: CCF assumes the CPU power figures (cpu-power.yaml) already include
the memory a typical SPECpower server has per chip, and counts only memory ABOVE that
baseline, shared out over the family:
  largest          = the LAST entry listed for the instance's family (AWS: EC2_INSTANCE_TYPES
                     family; Azure: the VIRTUAL_MACHINE_TYPE_SERIES_MAPPING series) - the last
                     listed, not necessarily the biggest (columns family_largest_* in the CSVs)
  physical_chips   = ceil(largest.vcpus / 96)       (AWS families m5zn and z1d: always 2)
  baseline_gb      = mean of baseline_gb_per_chip over the instance's microarchitecture list;
                     if any is missing from the table -> memory_avg_gb_per_chip (same NaN
                     rule as cpu-power.yaml, but ALWAYS the plain mean, never the median)
  per_chip_gb      = largest.memory_gb / physical_chips
  if per_chip_gb - baseline_gb > 0:
      gb_hours = (per_chip_gb - baseline_gb) / (largest.memory_gb / instance.memory_gb) x hours
  else:
      gb_hours = 0
i.e. the excess memory of one chip's worth of the largest size, scaled by the instance's share
of the largest size's memory. Exclusions (gb_hours = 0):
  - AWS: families not in EC2_INSTANCE_TYPES (nor REDSHIFT_INSTANCE_TYPES), and every
    burstable type listed in BURSTABLE_INSTANCE_BASELINE_UTILIZATION (t2/t3/t3a/t4g),
    because "the largest t instance is not equal to a full machine". t1.micro is not listed
    and IS computed (with its table memory of 613 GB, a CCF data error).
  - Azure: meter names not in VIRTUAL_MACHINE_TYPE_SERIES_MAPPING (incl. the
    constrained-vCPU types) or with no memory value (As-series has none).
  - Azure burstable B-series gets no special treatment (it is usually 0 anyway because its
    per-chip memory is below the Unknown baseline).
GCP bills RAM separately, so CCF uses the billed GB-hours directly (bytes x seconds
/ 2^30 / 3600), with no baseline subtraction and no replication factor.
Column ccf_memory_gb_hours_per_hour in aws-instances.csv / azure-instances.csv is this
gb_hours for hours = 1, computed by CCF's own code.`,
  ),
  baseline_gb_per_chip: { aws: A.MEMORY_BY_COMPUTE_PROCESSOR, azure: Z.MEMORY_BY_COMPUTE_PROCESSOR },
  memory_avg_gb_per_chip: { aws: A.MEMORY_AVG, azure: Z.MEMORY_AVG },
  physical_chip_vcpus: 96,
  aws_families_with_two_chips: ["m5zn", "z1d"],
});

// ---------------------------------------------------------------------------
// storage.yaml

const SSD_DISK_GB = AZ_CT.SSD_MANAGED_DISKS_STORAGE_GB;
const HDD_DISK_GB = AZ_CT.HDD_MANAGED_DISKS_STORAGE_GB;
writeYaml("storage.yaml", "Storage energy coefficients (SSD / HDD)", {
  provenance: provenance(
    [
      src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "SSDCOEFFICIENT, HDDCOEFFICIENT"),
      src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "SSDCOEFFICIENT, HDDCOEFFICIENT"),
      src("core", "dist/storage/StorageEstimator.js", "StorageEstimator.estimateKilowattHours"),
      src("common", "dist/helpers/unitConversion.js", "convertGigabyteHoursToTerabyteHours, convertGigabyteMonthsToTerabyteHours, convertGigaBytesToTerabyteHours"),
      src("aws", "dist/lib/CostAndUsageTypes.js", "SSD_USAGE_TYPES, HDD_USAGE_TYPES, SSD_SERVICES"),
      src("azure", "dist/lib/ConsumptionTypes.js", "SSD_MANAGED_DISKS_STORAGE_GB, HDD_MANAGED_DISKS_STORAGE_GB"),
      gcpSrc("packages/gcp/src/domain/GcpFootprintEstimationConstants.ts", "SSDCOEFFICIENT, HDDCOEFFICIENT"),
    ],
    "watt-hours per terabyte-hour (1 TB = 1000 GB)",
  ),
  ssd_wh_per_tb_hour: { aws: A.SSDCOEFFICIENT, azure: Z.SSDCOEFFICIENT, gcp: 1.2 },
  hdd_wh_per_tb_hour: { aws: A.HDDCOEFFICIENT, azure: Z.HDDCOEFFICIENT, gcp: 0.65 },
  formula: block(
    `terabyte_hours = size_gb x hours / 1000                 (GB-hours -> TB-hours, decimal)
storage_kwh    = terabyte_hours x coefficient_wh_per_tb_hour x PUE x replication_factor / 1000
storage_kgco2e = storage_kwh x grid factor
replication_factor: replication-factors.yaml (per service / redundancy option).
Billing-unit conversions CCF uses (common/helpers/unitConversion): GB-Month ->
TB-hours = GB / 1000 x 24 x days_in_month(timestamp) (30.42 if no timestamp); AWS
*ByteHrs usage amounts -> TB via / 2^40; Azure "GB/Month" daily quantities ->
GB / 1000 x 24; Azure managed disks are sized from the disk tier (P10 = 128 GB etc.).`,
  ),
  classification: block(
    `AWS: SSD if the usage type ends with one of aws_ssd_usage_type_suffixes, or the service is
one of aws_ssd_services (unknown storage assumed SSD) unless the usage type contains
"Backup"; else HDD if it ends with one of aws_hdd_usage_type_suffixes (note plain
"VolumeUsage" = EBS magnetic, and S3 "TimedStorage-ByteHrs" are HDD).
Azure: SSD if the meter name contains a managed SSD disk tier (azure_ssd_managed_disk_gb) or
one of the generic storage usage types (Data Stored, LRS, ZRS, GRS, ...); HDD if it contains
an HDD disk tier (azure_hdd_managed_disk_gb: S4 ...). GCP: SSD if the SKU contains "SSD",
else HDD.`,
  ),
  aws_ssd_usage_type_suffixes: AWS_CU.SSD_USAGE_TYPES,
  aws_hdd_usage_type_suffixes: AWS_CU.HDD_USAGE_TYPES,
  aws_ssd_services: AWS_CU.SSD_SERVICES,
  azure_ssd_managed_disk_gb: SSD_DISK_GB,
  azure_hdd_managed_disk_gb: HDD_DISK_GB,
});

// ---------------------------------------------------------------------------
// network.yaml

writeYaml("network.yaml", "Networking energy coefficient", {
  provenance: provenance(
    [
      src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "NETWORKING_COEFFICIENT"),
      src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "NETWORKING_COEFFICIENT"),
      src("core", "dist/networking/NetworkingEstimator.js", "NetworkingEstimator.estimateKilowattHours"),
      src("aws", "dist/lib/CostAndUsageTypes.js", "NETWORKING_USAGE_TYPES"),
      src("azure", "dist/lib/ConsumptionTypes.js", "NETWORKING_USAGE_TYPES"),
      gcpSrc("packages/gcp/src/domain/GcpFootprintEstimationConstants.ts", "NETWORKING_COEFFICIENT"),
    ],
    "kWh per GB transferred (AWS/Azure GB as billed; GCP bytes / 2^30)",
  ),
  coefficient_kwh_per_gb: { aws: A.NETWORKING_COEFFICIENT, azure: Z.NETWORKING_COEFFICIENT, gcp: 0.001 },
  formula: block(
    `network_kwh = gigabytes x coefficient_kwh_per_gb x PUE        (NO replication factor)
network_kgco2e = network_kwh x grid factor of the row's region.
CCF only counts traffic between cloud regions / out of the data centre as billed (AWS usage
types ending in aws_usage_type_suffixes, except AmazonCloudFront; Azure meter names
containing azure_usage_types but not "To Any"); traffic inside a region is not estimated.`,
  ),
  aws_usage_type_suffixes: AWS_CU.NETWORKING_USAGE_TYPES,
  azure_usage_types: AZ_CT.NETWORKING_USAGE_TYPES,
});

// ---------------------------------------------------------------------------
// replication-factors.yaml

writeYaml("replication-factors.yaml", "Replication factors per service / redundancy option", {
  provenance: provenance(
    [
      src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "AWS_CLOUD_CONSTANTS.REPLICATION_FACTORS"),
      src("aws", "dist/lib/ReplicationFactors.js", "AWS_REPLICATION_FACTORS_FOR_SERVICES"),
      src("aws", "dist/lib/CostAndUsageReportsRow.js", "getReplicationFactor"),
      src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "AZURE_CLOUD_CONSTANTS.REPLICATION_FACTORS"),
      src("azure", "dist/lib/ReplicationFactors.js", "AZURE_REPLICATION_FACTORS_FOR_SERVICES"),
      gcpSrc("packages/gcp/src/domain/GcpFootprintEstimationConstants.ts", "GCP_CLOUD_CONSTANTS.REPLICATION_FACTORS"),
      { ...GCP_SOURCE, commit: "1015f184c9088b2019550e4bd8ee2a1167686d1b", path: "packages/gcp/src/lib/ReplicationFactors.ts", what: "GCP_REPLICATION_FACTORS_FOR_SERVICES (service rules)" },
    ],
    "dimensionless multiplier (number of copies CCF assumes are stored/run)",
  ),
  applies_to: block(
    `Storage: multiplies storage kWh. Compute and memory: the billing row's factor multiplies them
too (it is 1 for EC2 instance-hours and Azure "Virtual Machines"; >1 e.g. for Azure
"SQL Database" vCore rows (3) or "Redis Cache" (2)). Networking: never. Embodied: never.
AWS: a service with no rule, or a rule returning nothing, gets DEFAULT (1). Azure: a
service with no rule yields undefined, which the estimators' default parameter turns into 1.`,
  ),
  aws: {
    constants: A.REPLICATION_FACTORS,
    rules: {
      AmazonS3: "usage type contains TimedStorage-ZIA, EarlyDelete-ZIA or TimedStorage-RRS -> S3_ONE_ZONE_REDUCED_REDUNDANCY; contains TimedStorage or EarlyDelete -> S3; else DEFAULT",
      AmazonEC2: "contains VolumeUsage (EBS volumes) -> EC2_EBS_VOLUME; contains SnapshotUsage -> EC2_EBS_SNAPSHOT; else DEFAULT (instance-hours: 1)",
      AmazonEFS: "contains ZIA -> EFS_ONE_ZONE; else EFS",
      AmazonRDS: "contains BackupUsage -> RDS_BACKUP; contains Aurora -> RDS_AURORA; contains Multi-AZ -> RDS_MULTI_AZ; else DEFAULT",
      AmazonDocDB: "contains BackupUsage -> DOCUMENT_DB_BACKUP; else DOCUMENT_DB_STORAGE",
      AmazonDynamoDB: "DYNAMO_DB",
      AmazonECR: "contains TimedStorage -> ECR_STORAGE; else DEFAULT",
      AmazonElastiCache: "contains BackupUsage -> DOCUMENT_ELASTICACHE_BACKUP; else DEFAULT",
      AmazonSimpleDB: "contains TimedStorage -> SIMPLE_DB; else DEFAULT",
      "(any other service)": "DEFAULT",
    },
    note: "The package's source comments say S3 is 3, but the constant used is S3: 6.",
  },
  azure: {
    constants: Z.REPLICATION_FACTORS,
    rules: {
      Storage: "meter name contains LRS -> STORAGE_LRS; GZRS -> STORAGE_GZRS; ZRS -> STORAGE_ZRS; GRS -> STORAGE_GRS (so RA-GRS too); Disks -> STORAGE_DISKS; else DEFAULT (checked in that order)",
      "Azure Database for MySQL": "DATABASE_MYSQL",
      "Azure Cosmos DB": "contains 'Data Stored' -> COSMOS_DB; else DEFAULT",
      "SQL Database": "contains 'Data Stored' or 'vCore' (word match) -> SQL_DB; else DEFAULT",
      "Redis Cache": "REDIS_CACHE",
      "(any other service, e.g. Virtual Machines)": "undefined -> 1",
    },
  },
  gcp: {
    constants: {
      CLOUD_STORAGE_SINGLE_REGION: 2, CLOUD_STORAGE_DUAL_REGION: 4, CLOUD_STORAGE_MULTI_REGION: 6,
      COMPUTE_ENGINE_REGIONAL_DISKS: 2, CLOUD_FILESTORE: 2, CLOUD_SQL_HIGH_AVAILABILITY: 2,
      CLOUD_MEMORY_STORE_REDIS: 2, CLOUD_SPANNER_SINGLE_REGION: 4, CLOUD_SPANNER_MULTI_REGION: 6,
      KUBERNETES_ENGINE: 3, DEFAULT: 1,
    },
    rules: {
      "Cloud Storage": "SKU contains Dual-region -> CLOUD_STORAGE_DUAL_REGION; Multi-region -> CLOUD_STORAGE_MULTI_REGION; else CLOUD_STORAGE_SINGLE_REGION",
      "Compute Engine": "SKU contains Regional -> COMPUTE_ENGINE_REGIONAL_DISKS; Snapshot/Image -> by location: multi-region 6, dual-region 4, else 2; else undefined -> 1",
      "Cloud Filestore": "CLOUD_FILESTORE",
      "Cloud SQL": "SKU contains 'Regional - Standard storage' or HA -> CLOUD_SQL_HIGH_AVAILABILITY; else undefined -> 1",
      "Cloud Memorystore for Redis": "SKU contains Standard -> CLOUD_MEMORY_STORE_REDIS; else undefined -> 1",
    },
    note: "Rules read at commit 1015f184 (older than the constants' commit, which also defines Spanner and Kubernetes factors).",
  },
});

// ---------------------------------------------------------------------------
// defaults.yaml

writeYaml("defaults.yaml", "Defaults: CPU utilisation, server lifespan, embodied-emissions and burstable rules", {
  provenance: provenance(
    [
      src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "AVG_CPU_UTILIZATION_2020, SERVER_EXPECTED_LIFESPAN"),
      src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "AVG_CPU_UTILIZATION_2020, SERVER_EXPECTED_LIFESPAN"),
      src("core", "dist/embodiedEmissions/EmbodiedEmissionsEstimator.js", "estimateCo2e"),
      src("core", "dist/FootprintEstimate.js", "estimateCo2, estimateKwh"),
      src("aws", "dist/lib/CostAndUsageReports.js", "getEmbodiedEmissions, getDataFromInstanceType"),
      src("aws", "dist/lib/CostAndUsageReportsRow.js", "getVCpuHours, getBurstableInstanceVCPu"),
      src("aws", "dist/lib/AWSInstanceTypes.js", "BURSTABLE_INSTANCE_BASELINE_UTILIZATION"),
      src("azure", "dist/lib/ConsumptionManagement.js", "getEmbodiedEmissions, getDataFromSeriesNameAndUsageType"),
      gcpSrc("packages/gcp/src/lib/BillingExportTable.ts", "getEmbodiedEmissions, getDataFromMachineType"),
    ],
    "utilisation: percent (0-100); lifespan: hours; embodied: metric tonnes CO2e in CCF (x1000 = kg)",
  ),
  default_cpu_utilisation_pct: { aws: A.AVG_CPU_UTILIZATION_2020, azure: Z.AVG_CPU_UTILIZATION_2020, gcp: 50 },
  default_cpu_utilisation_note: block(
    `CCF's billing-data pipelines (AWS CUR, Azure consumption, GCP billing export) ALWAYS use
this constant (AVG_CPU_UTILIZATION_2020); measured utilisation is used only by its
CloudWatch / Cloud Monitoring service classes, which then use un-scaled vCPU-hours.`,
  ),
  server_expected_lifespan_hours: { aws: A.SERVER_EXPECTED_LIFESPAN, azure: Z.SERVER_EXPECTED_LIFESPAN, gcp: 35040 },
  server_expected_lifespan_note: "35040 h = 4 years x 365 days x 24 h",
  embodied_rule: block(
    `EmbodiedEmissionsEstimator (core):
  co2e_t = scope3_tco2e x (usage_time_period / lifespan_hours) x (instance_vcpus / largest_vcpus)
with, per provider:
  scope3_tco2e    = embodied_tco2e column of the instance CSV (whole host of the family, metric
                    tonnes CO2e, from CCF's Teads/Boavizta-based coefficients)
  instance_vcpus  = the instance's vCPUs from that table
  largest_vcpus   = vCPUs of the LAST entry listed for the family/series (family_largest_vcpus),
                    or for Azure constrained-vCPU types the platform vCPUs column
  usage_time_period:
    AWS  : usage_amount / instance_vcpus   (usage_amount = instance-hours)
    Azure: quantity / instance_vcpus       (quantity = instance-hours)
    GCP  : usage_amount / instance_vcpus / 3600   (usage_amount = vCPU-seconds -> instance-hours)
So for AWS and Azure the code computes
    co2e_t = scope3_tco2e x hours / (lifespan_hours x largest_vcpus)
- independent of the instance's own size (hours are divided by instance_vcpus before the vCPU
share multiplies them back). The methodology page's intent, and GCP's result, is
    co2e_t = scope3_tco2e x (hours / lifespan_hours) x (instance_vcpus / largest_vcpus).
The instance CSVs give both per instance-hour: ccf_embodied_kgco2e_per_hour (what CCF's code
returns) and methodology_embodied_kgco2e_per_hour.
No embodied emissions when any of scope3 / instance vCPUs / largest vCPUs is missing or 0.
Not multiplied by PUE, replication factor or utilisation. CCF also reports an embodied
"kWh" = co2e / grid factor (FootprintEstimate.estimateKwh) and adds it to the row's kWh.`,
  ),
  burstable_rule: block(
    `AWS only, billing path (CostAndUsageReportsRow.getVCpuHours): if the usage type contains a key
of aws_burstable_baseline_pct (word-boundary match; also db.t3.* RDS types), then
    vcpu_hours = table_vcpus x (baseline_pct / default_cpu_utilisation_pct) x hours
and compute uses the default 50 % utilisation on those vCPU-hours; burstable types also get
NO memory estimate (memory.yaml). CCF's report vCPU count is ignored for them. Embodied is
computed normally (largest = t*.2xlarge, 8 vCPUs). Azure B-series and GCP shared-core types
get no burstable adjustment in the billing path.`,
  ),
  aws_burstable_baseline_pct: AWS_T.BURSTABLE_INSTANCE_BASELINE_UTILIZATION,
  gcp_shared_core_baseline_pct: { "e2-micro": 25, "e2-small": 50, "e2-medium": 100, "f1-micro": 10, "g1-small": 25 },
  gcp_shared_core_note: "SHARED_CORE_PROCESSORS_BASELINE_UTILIZATION in packages/gcp/src/lib/MachineTypes.ts; not referenced by the billing-export path at the commits read.",
  unknown_region_rule: "estimateCo2: factor = grid_factors[region] || grid_factors['Unknown'] (the provider's listed average).",
});

// ---------------------------------------------------------------------------
// grid-factors.csv

function nercMapping(pkg, file, regionExpr) {
  const text = readFileSync(join(pkgDir(pkg), "src", "domain", file), "utf8");
  const map = {};
  const re = new RegExp(`\\[(${regionExpr})\\]:\\s*US_NERC_REGIONS_EMISSIONS_FACTORS\\.(\\w+)`, "g");
  for (const m of text.matchAll(re)) map[m[1]] = m[2];
  return map;
}
const awsNerc = nercMapping("aws", "AwsFootprintEstimationConstants.ts", "AWS_REGIONS\\.\\w+");
const azNerc = nercMapping("azure", "AzureFootprintEstimationConstants.ts", "AZURE_REGIONS\\.\\w+\\.name");
const evalRegion = (expr) => {
  const parts = expr.split(".");
  let v = parts[0] === "AWS_REGIONS" ? AWS_R.AWS_REGIONS : AZ_R.AZURE_REGIONS;
  for (const p of parts.slice(1)) v = v[p];
  return v;
};
const nercByRegion = {};
for (const [e, n] of Object.entries({ ...awsNerc, ...azNerc })) nercByRegion[evalRegion(e)] = n;
const NERC = core.US_NERC_REGIONS_EMISSIONS_FACTORS;

const awsNames = Object.fromEntries(Object.entries(AWS_R.AWS_MAPPED_REGION_NAMES_TO_CODES).map(([n, c]) => [c, n]));
const azAliases = {};
for (const r of Object.values(AZ_R.AZURE_REGIONS)) azAliases[r.name] = r.options.filter((o) => o !== r.name);

const gridRows = [];
const gridRow = (provider, region, t, basis, variant = "grid", aliases = "") =>
  gridRows.push({ provider, region, variant, kgco2e_per_kwh: tToKg(t), ccf_tco2e_per_kwh: t, basis, aliases });
for (const [region, t] of Object.entries(aws.AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH)) {
  const n = nercByRegion[region];
  if (n && NERC[n] !== t) throw new Error(`NERC mismatch ${region}`);
  gridRow("aws", region, t, n ? `US NERC region ${n} (core US_NERC_REGIONS_EMISSIONS_FACTORS)` : region === "Unknown" ? "CCF: average of the listed regions (fallback)" : "static", "grid", awsNames[region] ?? "");
}
for (const [region, t] of Object.entries(azure.AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH)) {
  const n = nercByRegion[region];
  if (n && NERC[n] !== t) throw new Error(`NERC mismatch ${region}`);
  gridRow("azure", region, t, n ? `US NERC region ${n} (core US_NERC_REGIONS_EMISSIONS_FACTORS)` : region === "Unknown" ? "CCF: average of the listed regions (fallback)" : "static", "grid", (azAliases[region] ?? []).join(";"));
}
const GCP_GRID = {
  "us-central1": 0.000454, "us-central2": 0.000454, "us-east1": 0.00048, "us-east4": 0.000361,
  "us-west1": 0.000078, "us-west2": 0.000253, "us-west3": 0.000533, "us-west4": 0.000455,
  "asia-east1": 0.00054, "asia-east2": 0.000453, "asia-northeast1": 0.000554, "asia-northeast2": 0.000442,
  "asia-northeast3": 0.000457, "asia-south1": 0.000721, "asia-south2": 0.000657, "asia-southeast1": 0.000493,
  "asia-southeast2": 0.000647, "australia-southeast1": 0.000727, "australia-southeast2": 0.000691,
  "europe-central2": 0.000622, "europe-north1": 0.000133, "europe-west1": 0.000212, "europe-west2": 0.000231,
  "europe-west3": 0.000293, "europe-west4": 0.00041, "europe-west6": 0.000087, "northamerica-northeast1": 0.000027,
  "southamerica-east1": 0.000103, asia1: 0.000498, eur4: 0.0002715, nam4: 0.000467,
  asia: 0.0005515555556, europe: 0.000284, us: 0.0003734285714, Unknown: 0.0004116296296,
};
const GCP_GRID_CFE = {
  "us-central1": 0.00003178, "us-central2": 0.00003178, "us-east1": 0.0003504, "us-east4": 0.00015162,
  "us-west1": 0.0000078, "us-west2": 0.00011638, "us-west3": 0.00038376, "us-west4": 0.00036855,
  "asia-east1": 0.0004428, "asia-east2": 0.000453, "asia-northeast1": 0.00048752, "asia-northeast2": 0.000442,
  "asia-northeast3": 0.00031533, "asia-south1": 0.00063448, "asia-south2": 0.000657, "asia-southeast1": 0.00047328,
  "asia-southeast2": 0.000647, "australia-southeast1": 0.00064703, "australia-southeast2": 0.000691,
  "europe-central2": 0.000622, "europe-north1": 0.00000798, "europe-west1": 0.00004452, "europe-west2": 0.00009471,
  "europe-west3": 0.00010841, "europe-west4": 0.000164, "europe-west6": 0.000087, "northamerica-northeast1": 0.000027,
  "southamerica-east1": 0.00001236, asia1: 0.00046476, eur4: 0.00008599, nam4: 0.00019109,
  asia: 0.0005058233333, europe: 0.0001723183333, us: 0.00018025875, Unknown: 0.0003035889286,
};
const gcpKind = (r) => (["asia1", "eur4", "nam4"].includes(r) ? "dual-region" : ["asia", "europe", "us"].includes(r) ? "multi-region" : "");
for (const [region, t] of Object.entries(GCP_GRID))
  gridRow("gcp", region, t, region === "Unknown" ? "CCF: average of the listed regions (fallback)" : `Google published grid factor${gcpKind(region) ? ` (${gcpKind(region)})` : ""}`);
for (const [region, t] of Object.entries(GCP_GRID_CFE))
  gridRow("gcp", region, t, region === "Unknown" ? "CCF: average across regions (fallback)" : "grid factor x (1 - Google carbon-free-energy %); used only when GCP_USE_CARBON_FREE_ENERGY_PERCENTAGE=true", "cfe_adjusted");

writeCsv("grid-factors.csv", [
  { name: "provider", doc: "aws | azure | gcp" },
  { name: "region", doc: "CCF's region key: AWS region code (eu-west-2), Azure region name (uksouth), GCP region / dual-region / multi-region. 'Unknown' is CCF's fallback for any region not listed." },
  { name: "variant", doc: "grid = the factor CCF uses by default; cfe_adjusted = GCP only, used when GCP_USE_CARBON_FREE_ENERGY_PERCENTAGE is set" },
  { name: "kgco2e_per_kwh", doc: "kg CO2e per kWh (= ccf_tco2e_per_kwh x 1000, decimal-exact)" },
  { name: "ccf_tco2e_per_kwh", doc: "the value exactly as in CCF, metric tonnes CO2e per kWh" },
  { name: "basis", doc: "where CCF's number comes from" },
  { name: "aliases", doc: "AWS: console region name CCF maps to this code; Azure: other spellings CCF normalises to this name (';'-separated)" },
].map((c) => c), gridRows);

const NERC_CORE_1_0_0 = { RFC: 0.0003761283186, SERC: 0.0003651277965, WECC: 0.0002986502059, TRE: 0.0003341569631, MRO: 0.0003909916334 };
writeMeta("grid-factors", "Grid emission factors per cloud region",
  [
    src("aws", "dist/domain/AwsFootprintEstimationConstants.js", "AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH"),
    src("azure", "dist/domain/AzureFootprintEstimationConstants.js", "AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH"),
    src("core", "dist/FootprintEstimationConstants.js", "US_NERC_REGIONS_EMISSIONS_FACTORS (US regions of AWS and Azure point here)"),
    src("aws", "dist/lib/AWSRegions.js", "AWS_REGIONS, AWS_MAPPED_REGION_NAMES_TO_CODES"),
    src("azure", "dist/lib/AzureRegions.js", "AZURE_REGIONS (name + options)"),
    gcpSrc("packages/gcp/src/domain/GcpFootprintEstimationConstants.ts", "getGCPEmissionsFactors (both branches)"),
  ],
  "kg CO2e per kWh (kgco2e_per_kwh); CCF's own unit is metric tonnes CO2e per kWh (ccf_tco2e_per_kwh)",
  [
    { name: "provider" }, { name: "region" }, { name: "variant" }, { name: "kgco2e_per_kwh" },
    { name: "ccf_tco2e_per_kwh" }, { name: "basis" }, { name: "aliases" },
  ],
  {
    rule: block(
      `co2e = kWh x factor[region], falling back to factor['Unknown'] for a region not listed
(core estimateCo2). Static annual averages: no time variation. CCF can instead fetch live
intensities from Electricity Maps when ELECTRICITY_MAPS_TOKEN is set; this data set and
reference.mjs never do. Azure regions are normalised first (aliases column; an unknown spelling
becomes 'Unknown').`,
    ),
    us_nerc_factors_in_use_tco2e_per_kwh: Object.fromEntries(Object.entries(NERC).filter(([, v]) => typeof v === "number")),
    us_nerc_factors_core_1_0_0_tco2e_per_kwh: NERC_CORE_1_0_0,
    us_nerc_note: block(
      `@cloud-carbon-footprint/core@1.0.0 (newest on npm) updates the US NERC factors to the values in
us_nerc_factors_core_1_0_0_tco2e_per_kwh, but the newest aws (0.15.0) and azure (1.8.0)
packages depend on core ^0.17.3 and so run with us_nerc_factors_in_use (core 0.17.3), which
is what this table holds. The non-US factors are identical in both.`,
    ),
    vintage: "Mixed vintages as shipped by CCF. Per CCF's methodology page: US regions use EPA eGRID NERC-subregion factors, other AWS/Azure regions national grid averages (carbonfootprint.com); GCP uses Google's published per-region grid factors. The packages do not date each value.",
  },
);

// ---------------------------------------------------------------------------
// Instance tables

function writeMeta(base, title, sources, units, columns, extra = {}) {
  writeYaml(`${base}.meta.yaml`, `${title} - provenance and column meanings for ${base}.csv`, {
    provenance: provenance(sources, units),
    file: `${base}.csv`,
    columns: Object.fromEntries(columns.map((c) => [c.name, c.doc ?? ""])),
    ...extra,
  });
}

// --- AWS
const ec2 = AWS_T.EC2_INSTANCE_TYPES;
const famMap = AWS_T.INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING;
const red = AWS_T.REDSHIFT_INSTANCE_TYPES;
const procMap = AWS_T.INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING;
const gpuCount = AWS_T.GPU_INSTANCES_TYPES;
const gpuProc = AWS_T.INSTANCE_TYPE_GPU_PROCESSOR_MAPPING;
const burst = AWS_T.BURSTABLE_INSTANCE_BASELINE_UTILIZATION;

const awsRows = new Map();
function awsRow(name) {
  if (!awsRows.has(name)) {
    const [family, ...rest] = name.split(".");
    awsRows.set(name, { instance_type: name, family, size: rest.join("."), sources: [], notes: [] });
  }
  return awsRows.get(name);
}
const lastOf = (fam) => {
  const v = Object.values(fam);
  return v[v.length - 1];
};
for (const [table, tname, embIdx] of [[ec2, "EC2_INSTANCE_TYPES", 2], [famMap, "INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING", 1], [red, "REDSHIFT_INSTANCE_TYPES", null]]) {
  for (const [family, sizes] of Object.entries(table)) {
    const largest = lastOf(sizes);
    for (const [size, vals] of Object.entries(sizes)) {
      const clean = `${family}.${size}`.trim();
      if (tname === "REDSHIFT_INSTANCE_TYPES" && ec2[family]?.[size]) continue; // EC2 row wins
      const r = awsRow(clean);
      r.sources.push(tname);
      if (`${family}.${size}` !== clean) r.notes.push(`CCF's ${tname} key is ${JSON.stringify(`${family}.${size}`)} (stray whitespace): CCF lookups by '${clean}' miss it`);
      r.vcpus = vals[0];
      r.memory_gb = vals[1];
      if (embIdx === 2) r.embodied_tco2e = vals[2];
      if (embIdx === 1) {
        r.embodied_tco2e = vals[2];
        r.notes.push(`CCF reads embodied for this table from index 1 (memory_gb = ${vals[1]}) instead of index 2 (${vals[2]}): its embodied result uses ${vals[1]} tCO2e`);
      }
      r.family_largest_vcpus = largest[0];
      r.family_largest_memory_gb = largest[1];
      if (tname === "REDSHIFT_INSTANCE_TYPES") r.notes.push("Redshift node type (REDSHIFT_INSTANCE_TYPES): vCPUs/memory only, no embodied; CCF sizes it only for service AmazonRedshift (usage in seconds, vCPUs / 3600)");
    }
  }
}
for (const [name, procs] of Object.entries(procMap)) {
  const lower = name.toLowerCase();
  if (name !== lower && awsRows.has(lower)) {
    awsRows.get(lower).notes.push(`processor mapping key is '${name}' (capitalised): CCF never matches it, so this type resolves to Unknown`);
    continue;
  }
  const r = awsRow(name);
  if (!r.sources.length) r.notes.push("only in INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING: CCF has no vCPU/memory/embodied for it");
  if (name !== lower) r.notes.push(`key '${name}' is capitalised; real usage types are lower case and will not match`);
  r.sources.push("INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING");
  r.table_microarchitectures = procs.join(";");
}
for (const r of awsRows.values()) {
  const res = estimateRow({ provider: "aws", region: "us-east-1", instance_type: r.instance_type, hours: 1, utilisation: null }, 0);
  const i = res.inputs;
  r.microarchitectures = i.microarchitectures.join(";");
  if (r.table_microarchitectures === undefined) r.notes.push("no processor mapping: Unknown -> fallback watts/memory baseline");
  r.burstable_baseline_pct = burst[r.instance_type] ?? null;
  r.gpus = gpuCount[r.instance_type] ?? null;
  r.gpu_model = gpuProc[r.instance_type]?.join(";") ?? null;
  r.ccf_vcpu_hours_per_hour = round(i.vcpu_hours);
  r.ccf_min_watts_per_vcpu = round(i.min_watts_per_vcpu);
  r.ccf_max_watts_per_vcpu = round(i.max_watts_per_vcpu);
  r.ccf_memory_gb_hours_per_hour = round(i.memory_gb_hours);
  r.ccf_embodied_kgco2e_per_hour = res.embodied.kgco2e ? round(res.embodied.kgco2e) : 0;
  r.methodology_embodied_kgco2e_per_hour =
    r.embodied_tco2e && r.vcpus && r.family_largest_vcpus && r.sources.includes("EC2_INSTANCE_TYPES")
      ? round((r.embodied_tco2e * 1000 * r.vcpus) / (A.SERVER_EXPECTED_LIFESPAN * r.family_largest_vcpus))
      : null;
  if (i.vcpu_hours == null && r.vcpus != null && r.sources[0] !== "REDSHIFT_INSTANCE_TYPES")
    r.notes.push("CCF resolves no vCPUs for this name as an EC2 usage type (see other notes)");
  if (r.instance_type === "t1.micro") r.notes.push("memory_gb 613 is a CCF data error (t1.micro has 0.613 GB); CCF uses it");
  r.embodied_kgco2e = r.embodied_tco2e != null ? tToKg(r.embodied_tco2e) : null;
  r.source_tables = [...new Set(r.sources)].join(";");
  r.notes = r.notes.join(" | ");
}
const AWS_COLS = [
  { name: "instance_type", doc: "EC2 instance type as in CUR usage types (RDS/ElastiCache 'db.'/'cache.' prefixes resolve to the same row in CCF)" },
  { name: "family", doc: "text before the first '.'" },
  { name: "size", doc: "text after the first '.'" },
  { name: "vcpus", doc: "vCPUs per CCF's table (EC2_INSTANCE_TYPES / INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING / REDSHIFT_INSTANCE_TYPES)" },
  { name: "memory_gb", doc: "memory GiB per CCF's table" },
  { name: "microarchitectures", doc: "';'-separated list CCF resolves for this name (INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING, else Unknown); feed to cpu-power.yaml / memory.yaml rules" },
  { name: "table_microarchitectures", doc: "the raw processor-mapping entry if one exists under exactly this name (empty = none)" },
  { name: "embodied_tco2e", doc: "CCF scope-3 (embodied) emissions of the whole host of this family, metric tonnes CO2e, as in CCF (index 2 of the table row)" },
  { name: "embodied_kgco2e", doc: "embodied_tco2e x 1000 (decimal-exact)" },
  { name: "family_largest_vcpus", doc: "vCPUs of the LAST entry listed for the family in CCF's table (CCF's 'largest instance'; used for embodied share and memory baseline)" },
  { name: "family_largest_memory_gb", doc: "memory of that last entry" },
  { name: "burstable_baseline_pct", doc: "BURSTABLE_INSTANCE_BASELINE_UTILIZATION (percent) for t2/t3/t3a/t4g; empty otherwise" },
  { name: "gpus", doc: "GPUs per instance (GPU_INSTANCES_TYPES)" },
  { name: "gpu_model", doc: "GPU model (INSTANCE_TYPE_GPU_PROCESSOR_MAPPING); watts in cpu-power.yaml aws.gpus" },
  { name: "ccf_vcpu_hours_per_hour", doc: "DERIVED by CCF's code (CostAndUsageReportsRow) for 1 instance-hour with no report vCPU: vCPUs, or burstable-scaled vCPUs; empty = CCF cannot size it (NaN)" },
  { name: "ccf_min_watts_per_vcpu", doc: "DERIVED: AWS_CLOUD_CONSTANTS.getMinWatts(microarchitectures)" },
  { name: "ccf_max_watts_per_vcpu", doc: "DERIVED: AWS_CLOUD_CONSTANTS.getMaxWatts(microarchitectures)" },
  { name: "ccf_memory_gb_hours_per_hour", doc: "DERIVED: AWSMemoryEstimatesBuilder memory GB-hours for 1 instance-hour (excess over the per-chip baseline; 0 when excluded)" },
  { name: "ccf_embodied_kgco2e_per_hour", doc: "DERIVED: kgCO2e CCF's CostAndUsageReports.getEmbodiedEmissions returns for 1 instance-hour (= embodied_tco2e x 1000 / (35040 x family_largest_vcpus), see defaults.yaml)" },
  { name: "methodology_embodied_kgco2e_per_hour", doc: "embodied_kgco2e x (1 / 35040) x (vcpus / family_largest_vcpus): the methodology-page formula (differs from CCF's code by the factor vcpus)" },
  { name: "source_tables", doc: "CCF tables this type appears in" },
  { name: "notes", doc: "quirks of CCF's data for this row" },
];
const awsSorted = [...awsRows.values()].sort((a, b) => a.family.localeCompare(b.family) || (a.vcpus ?? 0) - (b.vcpus ?? 0) || a.size.localeCompare(b.size));
writeCsv("aws-instances.csv", AWS_COLS, awsSorted);
writeMeta("aws-instances", "AWS EC2 instance types",
  [
    src("aws", "dist/lib/AWSInstanceTypes.js", "EC2_INSTANCE_TYPES, INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING, REDSHIFT_INSTANCE_TYPES, INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING, BURSTABLE_INSTANCE_BASELINE_UTILIZATION, GPU_INSTANCES_TYPES, INSTANCE_TYPE_GPU_PROCESSOR_MAPPING"),
    src("aws", "dist/lib/CostAndUsageReportsRow.js", "vCPU-hours, processor resolution (derived columns)"),
    src("aws", "dist/lib/AWSMemoryEstimatesBuilder.js", "memory GB-hours (derived column)"),
    src("aws", "dist/lib/CostAndUsageReports.js", "getEmbodiedEmissions (derived column)"),
  ],
  "vcpus: count; memory_gb: GiB; embodied: tCO2e and kgCO2e per whole host; derived per instance-hour",
  AWS_COLS,
  {
    row_order: "by family, then vCPUs; CCF's 'largest' is NOT re-derived from this order - use family_largest_* columns",
    lookups: block(
      `CCF takes the instance type from the CUR usage type ('EUW2-BoxUsage:m5.large' -> 'm5.large';
a type ending in 'xl' gets 'arge' appended) and looks up family/size in EC2_INSTANCE_TYPES.
Types not in that table: no vCPUs (compute NaN -> 0 kWh in CCF's billing path unless the
CUR row carries product_vcpu), no memory, no embodied.`,
    ),
  },
);

// --- Azure
const series = AZ_T.VIRTUAL_MACHINE_TYPE_SERIES_MAPPING;
const constrained = AZ_T.VIRTUAL_MACHINE_TYPE_CONSTRAINED_VCPU_CAPABLE_MAPPING;
const vcpuMem = AZ_T.VIRTUAL_MACHINE_TYPE_VCPU_MEMORY_MAPPING;
const azProc = AZ_T.INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING;
const azGpu = AZ_T.GPU_VIRTUAL_MACHINE_TYPES;
const azGpuProc = AZ_T.GPU_VIRTUAL_MACHINE_TYPE_PROCESSOR_MAPPING;
const azRows = new Map();
const azRow = (name) => {
  if (!azRows.has(name)) azRows.set(name, { instance_type: name, sources: [], notes: [] });
  return azRows.get(name);
};
for (const [s, types] of Object.entries(series)) {
  const largest = lastOf(types);
  for (const [t, vals] of Object.entries(types)) {
    const r = azRow(t);
    if (r.series) r.notes.push(`also listed in series '${r.series}' (${JSON.stringify(series[r.series][t])}); CCF uses the last listed series, '${s}'`);
    r.sources.push("VIRTUAL_MACHINE_TYPE_SERIES_MAPPING");
    r.series = s;
    r.vcpus = vals[0];
    r.memory_gb = vals[1] ?? null;
    r.embodied_tco2e = vals[2] ?? null;
    r.series_largest_vcpus = largest[0];
    r.series_largest_memory_gb = largest[1] ?? null;
  }
}
for (const [t, vals] of Object.entries(constrained)) {
  const r = azRow(t);
  r.sources.push("VIRTUAL_MACHINE_TYPE_CONSTRAINED_VCPU_CAPABLE_MAPPING");
  if (r.vcpus === undefined) {
    r.vcpus = vals[0];
    r.memory_gb = vals[1];
    r.embodied_tco2e = vals[3];
  }
  r.constrained_platform_vcpus = vals[2];
}
for (const [t, vals] of Object.entries(vcpuMem)) {
  const r = azRow(t);
  r.sources.push("VIRTUAL_MACHINE_TYPE_VCPU_MEMORY_MAPPING");
  if (r.vcpus === undefined) {
    r.vcpus = vals[0];
    r.memory_gb = vals[1] ?? null;
  }
  r.notes.push("App Service plan / vCore meter: vCPUs (and memory) only; no processor, memory estimate or embodied");
}
for (const [t, procs] of Object.entries(azProc)) {
  const r = azRow(t);
  if (!r.sources.length) r.notes.push("only in INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING: CCF counts it as 1 vCPU, no memory/embodied");
  r.sources.push("INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING");
  r.table_microarchitectures = procs.join(";");
}
for (const r of azRows.values()) {
  const res = estimateRow({ provider: "azure", region: "uksouth", instance_type: r.instance_type, hours: 1, utilisation: null }, 0);
  const i = res.inputs;
  if (/\s\d+$/.test(r.instance_type)) r.notes.push("CCF key ends in ' 1' (data error); real meter names will not match it");
  r.arm_name = "Standard_" + r.instance_type.replace(/ /g, "_");
  r.microarchitectures = i.microarchitectures.join(";");
  if (r.table_microarchitectures === undefined) r.notes.push("no processor mapping: Unknown -> fallback watts/memory baseline");
  r.gpus = azGpu[r.instance_type] ?? null;
  r.gpu_model = azGpuProc[r.instance_type]?.join(";") ?? null;
  r.ccf_vcpus = i.vcpus;
  r.ccf_min_watts_per_vcpu = round(i.min_watts_per_vcpu);
  r.ccf_max_watts_per_vcpu = round(i.max_watts_per_vcpu);
  r.ccf_memory_gb_hours_per_hour = round(i.memory_gb_hours);
  r.ccf_embodied_kgco2e_per_hour = res.embodied.kgco2e ? round(res.embodied.kgco2e) : 0;
  const largestV = r.series_largest_vcpus ?? r.constrained_platform_vcpus;
  r.methodology_embodied_kgco2e_per_hour =
    r.embodied_tco2e && r.vcpus && largestV ? round((r.embodied_tco2e * 1000 * r.vcpus) / (Z.SERVER_EXPECTED_LIFESPAN * largestV)) : null;
  r.embodied_kgco2e = r.embodied_tco2e != null ? tToKg(r.embodied_tco2e) : null;
  r.source_tables = [...new Set(r.sources)].join(";");
  r.notes = [...new Set(r.notes)].join(" | ");
}
const AZ_COLS = [
  { name: "instance_type", doc: "CCF's key = Azure Consumption API meter name (e.g. 'D4s v5'). ' Spot' is stripped and anything after '/' dropped before lookup" },
  { name: "arm_name", doc: "mechanical ARM size name ('Standard_' + spaces->'_'), for matching Estate's Standard_D4s_v5 style; NOT from CCF and not always Azure's exact spelling (e.g. ND A100 sizes)" },
  { name: "series", doc: "CCF series (VIRTUAL_MACHINE_TYPE_SERIES_MAPPING key) CCF assigns: the LAST series listing this meter name" },
  { name: "vcpus", doc: "vCPUs per CCF's table" },
  { name: "memory_gb", doc: "memory GiB per CCF's table (empty: none)" },
  { name: "microarchitectures", doc: "';'-separated list CCF resolves (INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING, else Unknown)" },
  { name: "table_microarchitectures", doc: "raw processor-mapping entry under exactly this name (empty = none)" },
  { name: "embodied_tco2e", doc: "CCF scope-3 emissions of the whole host, metric tonnes CO2e (index 2 of the series row; index 3 of the constrained-vCPU row)" },
  { name: "embodied_kgco2e", doc: "embodied_tco2e x 1000 (decimal-exact)" },
  { name: "series_largest_vcpus", doc: "vCPUs of the LAST entry listed in the series (CCF's 'largest')" },
  { name: "series_largest_memory_gb", doc: "memory of that last entry" },
  { name: "constrained_platform_vcpus", doc: "constrained-vCPU types only: the platform's full vCPU count, used as 'largest' for embodied when the type has no series" },
  { name: "gpus", doc: "GPUs per VM (GPU_VIRTUAL_MACHINE_TYPES)" },
  { name: "gpu_model", doc: "GPU model (GPU_VIRTUAL_MACHINE_TYPE_PROCESSOR_MAPPING); watts in cpu-power.yaml azure.gpus" },
  { name: "ccf_vcpus", doc: "DERIVED by CCF (ConsumptionDetailRow.getVCpus): series table, else vCPU/memory table, else constrained table, else 1" },
  { name: "ccf_min_watts_per_vcpu", doc: "DERIVED: AZURE_CLOUD_CONSTANTS.getMinWatts(microarchitectures)" },
  { name: "ccf_max_watts_per_vcpu", doc: "DERIVED: AZURE_CLOUD_CONSTANTS.getMaxWatts(microarchitectures)" },
  { name: "ccf_memory_gb_hours_per_hour", doc: "DERIVED: ConsumptionManagement memory GB-hours for 1 hour (excess over per-chip baseline; 0 when excluded)" },
  { name: "ccf_embodied_kgco2e_per_hour", doc: "DERIVED: kgCO2e CCF's ConsumptionManagement.getEmbodiedEmissions returns for 1 hour (= embodied_kgco2e / (35040 x largest vCPUs))" },
  { name: "methodology_embodied_kgco2e_per_hour", doc: "embodied_kgco2e x (1/35040) x (vcpus / largest vCPUs): methodology-page formula" },
  { name: "source_tables", doc: "CCF tables this name appears in" },
  { name: "notes", doc: "quirks of CCF's data for this row" },
];
const azSorted = [...azRows.values()].sort((a, b) => (a.series ?? "~").localeCompare(b.series ?? "~") || (a.vcpus ?? 0) - (b.vcpus ?? 0) || a.instance_type.localeCompare(b.instance_type));
writeCsv("azure-instances.csv", AZ_COLS, azSorted);
writeMeta("azure-instances", "Azure virtual machine sizes",
  [
    src("azure", "dist/lib/VirtualMachineTypes.js", "VIRTUAL_MACHINE_TYPE_SERIES_MAPPING, VIRTUAL_MACHINE_TYPE_CONSTRAINED_VCPU_CAPABLE_MAPPING, VIRTUAL_MACHINE_TYPE_VCPU_MEMORY_MAPPING, INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING, GPU_VIRTUAL_MACHINE_TYPES, GPU_VIRTUAL_MACHINE_TYPE_PROCESSOR_MAPPING"),
    src("azure", "dist/lib/ConsumptionDetailRow.js", "meter-name parsing, series resolution, getVCpus (derived)"),
    src("azure", "dist/lib/ConsumptionManagement.js", "memory and embodied (derived)"),
  ],
  "vcpus: count; memory_gb: GiB; embodied: tCO2e and kgCO2e per whole host; derived per hour",
  AZ_COLS,
  { row_order: "by series, then vCPUs; use series_largest_* for CCF's 'largest'" },
);

// --- GCP (transcribed)
const GCP_MACHINES = {
  "e2-standard": { "e2-standard-2": [2, 1.2303], "e2-standard-4": [4, 1.2303], "e2-standard-8": [8, 1.2303], "e2-standard-16": [16, 1.2303], "e2-standard-32": [32, 1.2303] },
  "e2-highmen": { "e2-highmem-2": [2, 1.2303], "e2-highmem-4": [4, 1.2303], "e2-highmem-8": [8, 1.2303], "e2-highmem-16": [16, 1.2303] },
  "e2-highcpu": { "e2-highcpu-2": [2, 1.0972], "e2-highcpu-4": [4, 1.0972], "e2-highcpu-8": [8, 1.0972], "e2-highcpu-16": [16, 1.0972], "e2-highcpu-32": [32, 1.0972] },
  "n2-standard": Object.fromEntries([2, 4, 8, 16, 32, 48, 64, 80, 96, 128].map((v) => [`n2-standard-${v}`, [v, 1.8879]])),
  "n2-highmem": Object.fromEntries([2, 4, 8, 16, 32, 48, 64, 80, 96, 128].map((v) => [v === 8 ? "n2-highmem-8\t" : `n2-highmem-${v}`, [v, 2.3761]])),
  "n2-highcpu": Object.fromEntries([2, 4, 8, 16, 32, 48, 64, 80, 96].map((v) => [`n2-highcpu-${v}`, [v, 1.311]])),
  "n2d-standard": Object.fromEntries([2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224].map((v) => [`n2d-standard-${v}`, [v, 2.3205]])),
  "n2d-highmem": Object.fromEntries([2, 4, 8, 16, 32, 48, 64, 80, 96].map((v) => [`n2d-highmem-${v}`, [v, 2.1429]])),
  "n2d-highcpu": Object.fromEntries([2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224].map((v) => [`n2d-highcpu-${v}`, [v, 1.3885]])),
  "t2d-standard": Object.fromEntries([1, 2, 4, 8, 16, 32, 48, 60].map((v) => [`t2d-standard-${v}`, [v, 1.3107]])),
  "n1-standard": Object.fromEntries([1, 2, 4, 8, 16, 32, 64, 96].map((v) => [`n1-standard-${v}`, [v, 1.6771]])),
  "n1-highmem": Object.fromEntries([2, 4, 8, 16, 32, 64, 96].map((v) => [`n1-highmem-${v}`, [v, 2.0432]])),
  "n1-highcpu": Object.fromEntries([2, 4, 8, 16, 32, 64, 96].map((v) => [`n1-highcpu-${v}`, [v, 1.2976]])),
  "c2-standard": Object.fromEntries([4, 8, 16, 30, 60].map((v) => [`c2-standard-${v}`, [v, 1.5107]])),
  "c2d-standard": Object.fromEntries([2, 4, 8, 16, 32, 56, 112].map((v) => [`c2-standard-${v}`, [v, 1.6991]])),
  "m1-ultramem": { "m1-ultramem-40": [40, 1.1], "m1-ultramem-80": [80, 1.1], "m1-ultramem-160": [160, 1.1] },
  "m1-megamem": { "m1-megamem-96": [96, 1.2] },
  "m2-ultramem": { "m2-ultramem-208": [208, 1.1], "m2-ultramem-416": [416, 1.1] },
  "m2-megamem": { "m2-megamem-416": [416, 1.1] },
  "a2-highgpu": { "a2-highgpu-1g": [12, 5.464], "a2-highgpu-2g": [24, 5.464], "a2-highgpu-4g": [48, 5.464], "a2-highgpu-8g": [96, 5.464] },
  "a2-megagpu": { "a2-megagpu-16g": [96, 5.464] },
};
const GCP_SHARED = { e2: { "e2-micro": [2, 1.2303], "e2-small": [2, 1.2303], "e2-medium": [2, 1.2303], "e2-standard-32": [32, 1.2303] } };
const GCP_N1_SHARED = { "f1-micro": [1, 1.5771], "g1-small": [1, 1.5771], "n1-standard-96": [96, 1.6771] };
const GCP_PROC = {
  e2: ["Skylake", "Broadwell", "Haswell", "AMD EPYC 2nd Gen"], n2: ["Cascade Lake"], n2d: ["AMD EPYC 2nd Gen"],
  t2d: ["AMD EPYC 3rd Gen"], n1: ["Skylake", "Broadwell", "Haswell", "Sandy Bridge", "Ivy Bridge"], c2: ["Cascade Lake"],
  c2d: ["AMD EPYC 3rd Gen"], m2: ["Broadwell", "Cascade Lake"], m1: ["Broadwell", "Skylake"], a2: ["Cascade Lake"],
  "e2-micro": ["Unknown"], "e2-small": ["Unknown"], "e2-medium": ["Unknown"], "f1-micro": ["Unknown"], "g1-small": ["Unknown"],
};
const gcpRows = [];
const addGcp = (table, tname, family, types) => {
  const largest = lastOf(types);
  for (const [key, [v, e]] of Object.entries(types)) {
    const notes = [];
    // CCF lists the c2d family under c2 keys; show the real name, note CCF's key.
    const name = family === "c2d-standard" ? key.replace(/^c2-/, "c2d-") : key.trim();
    if (key.trim() !== key) notes.push(`CCF key has stray whitespace (${JSON.stringify(key)}): lookups by '${name}' miss it -> no embodied`);
    if (family === "e2-highmen") notes.push("CCF family key misspelt 'e2-highmen': lookups of e2-highmem-* miss it -> no embodied");
    if (family === "c2d-standard") notes.push(`CCF's key for this row is '${key}' (c2d listed under c2 names): real ${name} misses it -> no embodied`);
    const shared = Object.keys(GCP_PROC).find((k) => k.includes("-") && name.includes(k));
    const prefix = name.slice(0, 2);
    const ccfProcs = shared ? GCP_PROC[shared] : GCP_PROC[prefix] ?? ["Unknown"];
    const seriesKey = name.split("-")[0];
    if (!shared && GCP_PROC[seriesKey] && GCP_PROC[seriesKey].join() !== ccfProcs.join())
      notes.push(`CCF picks processors by the SKU's first two letters ('${prefix}'), so ${seriesKey} resolves to ${ccfProcs.join("/")} not ${GCP_PROC[seriesKey].join("/")}`);
    gcpRows.push({
      machine_type: name,
      family,
      vcpus: v,
      microarchitectures: ccfProcs.join(";"),
      table_microarchitectures: (GCP_PROC[shared ?? seriesKey] ?? []).join(";"),
      embodied_tco2e: e,
      embodied_kgco2e: tToKg(e),
      family_largest_vcpus: largest[0],
      methodology_embodied_kgco2e_per_hour: round((e * 1000 * v) / (35040 * largest[0])),
      source_table: tname,
      notes: notes.join(" | "),
    });
  }
};
for (const [f, types] of Object.entries(GCP_MACHINES)) addGcp(GCP_MACHINES, "MACHINE_FAMILY_TO_MACHINE_TYPE_MAPPING", f, types);
addGcp(GCP_SHARED, "MACHINE_FAMILY_SHARED_CORE_TO_MACHINE_TYPE_MAPPING", "e2", GCP_SHARED.e2);
addGcp(GCP_N1_SHARED, "N1_SHARED_CORE_MACHINE_FAMILY_TO_MACHINE_TYPE_MAPPING", "n1-shared-core", GCP_N1_SHARED);
const GCP_COLS = [
  { name: "machine_type", doc: "GCE machine type" },
  { name: "family", doc: "CCF's family key (machine type's first two '-' parts; shared-core tables listed as e2 / n1-shared-core)" },
  { name: "vcpus", doc: "vCPUs per CCF's table (GCP bills memory separately, so CCF keeps no memory column)" },
  { name: "microarchitectures", doc: "processors CCF resolves: shared-core name match, else INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING[first two letters of the billing SKU description, lower-cased]; this column assumes the SKU starts with the machine series (e.g. 'N2D AMD Instance Core' -> n2); a SKU starting otherwise resolves differently (often Unknown)" },
  { name: "table_microarchitectures", doc: "the mapping entry for the machine series itself (what the table intends)" },
  { name: "embodied_tco2e", doc: "scope-3 emissions of the whole host, metric tonnes CO2e (table index 1)" },
  { name: "embodied_kgco2e", doc: "embodied_tco2e x 1000" },
  { name: "family_largest_vcpus", doc: "vCPUs of the LAST entry listed for the family (shared-core: the proxy e2-standard-32 / n1-standard-96 entry)" },
  { name: "methodology_embodied_kgco2e_per_hour", doc: "embodied_kgco2e x (1/35040) x (vcpus / family_largest_vcpus); for GCP this IS what CCF's code computes (it converts vCPU-seconds to instance-hours) when the lookups succeed" },
  { name: "source_table", doc: "CCF table" },
  { name: "notes", doc: "quirks" },
];
writeCsv("gcp-instances.csv", GCP_COLS, gcpRows);
writeMeta("gcp-instances", "GCP machine types",
  [gcpSrc("packages/gcp/src/lib/MachineTypes.ts", "MACHINE_FAMILY_TO_MACHINE_TYPE_MAPPING, MACHINE_FAMILY_SHARED_CORE_TO_MACHINE_TYPE_MAPPING, N1_SHARED_CORE_MACHINE_FAMILY_TO_MACHINE_TYPE_MAPPING, INSTANCE_TYPE_COMPUTE_PROCESSOR_MAPPING"),
   gcpSrc("packages/gcp/src/lib/BillingExportTable.ts", "getComputeProcessorsFromUsageType, getDataFromMachineType, getEmbodiedEmissions")],
  "vcpus: count; embodied: tCO2e and kgCO2e per whole host; per instance-hour for the derived column",
  GCP_COLS,
  { caveat: "Transcribed from unreleased upstream source, not from an npm package; not checked by reference.mjs." },
);
console.error("done");
