# Independent re-implementation of the carbon-factors/README.md formulas from the data files
# alone (no CCF code), compared with (1) the ccf_* columns CCF's own code produced for every
# AWS/Azure instance row and (2) reference.mjs (CCF's code) on a usage file.
# It is the executable form of "a port can reproduce CCF to within 0.1 % from the data files".
# Usage: python3 tests/tools/ccf/crosscheck.py [USAGE.json]   (needs PyYAML; node + npm ci for (2))
import csv, json, math, os, sys, subprocess
import yaml
HERE = os.path.dirname(os.path.abspath(__file__))
D = os.path.join(HERE, '..', '..', '..', 'carbon-factors', 'ccf') + os.sep
Y = {n: yaml.safe_load(open(D + n + '.yaml')) for n in ['pue','cpu-power','memory','storage','network','replication-factors','defaults']}
def rows(n): return list(csv.DictReader(open(D + n)))
aws = {r['instance_type']: r for r in rows('aws-instances.csv')}
az = {r['instance_type']: r for r in rows('azure-instances.csv')}
grid = {(r['provider'], r['region']): float(r['kgco2e_per_kwh']) for r in rows('grid-factors.csv') if r['variant'] == 'grid'}
f = lambda x: float(x) if x not in ('', None) else None

def watts(provider, procs):
    t = Y['cpu-power'][provider]['microarchitectures']; fb = Y['cpu-power'][provider]['fallback']
    if any(p not in t for p in procs) or not procs: return fb['min_watts'], fb['max_watts']
    mins = sorted(t[p]['min_watts'] for p in procs); maxs = sorted(t[p]['max_watts'] for p in procs)
    if 'Sandy Bridge' in procs or 'Ivy Bridge' in procs:
        def med(v):
            n = len(v); return v[n//2] if n % 2 else (v[n//2-1] + v[n//2]) / 2
        return med(mins), med(maxs)
    return sum(mins)/len(mins), sum(maxs)/len(maxs)

def mem_baseline(provider, procs):
    t = Y['memory']['baseline_gb_per_chip'][provider]
    if any(p not in t for p in procs) or not procs: return Y['memory']['memory_avg_gb_per_chip'][provider]
    return sum(t[p] for p in procs) / len(procs)

def mem_gbh(provider, r, hours):
    if provider == 'aws' and (r['burstable_baseline_pct'] or 'EC2_INSTANCE_TYPES' not in r['source_tables'] and 'REDSHIFT' not in r['source_tables']): return 0.0
    if provider == 'aws' and r['notes'].startswith("CCF's EC2_INSTANCE_TYPES key is"): return 0.0
    if provider == 'azure' and not r['series']: return 0.0
    lv = f(r['family_largest_vcpus'] if provider == 'aws' else r['series_largest_vcpus'])
    lm = f(r['family_largest_memory_gb'] if provider == 'aws' else r['series_largest_memory_gb'])
    im = f(r['memory_gb'])
    if not lm or not im: return 0.0
    chips = 2 if provider == 'aws' and r['family'] in Y['memory']['aws_families_with_two_chips'] else math.ceil(lv / Y['memory']['physical_chip_vcpus'])
    delta = lm / chips - mem_baseline(provider, r['microarchitectures'].split(';'))
    return delta / (lm / im) * hours if delta > 0 else 0.0

def embodied_kg(provider, r, hours):
    e = f(r['embodied_kgco2e']); v = f(r['vcpus'])
    largest = f(r['family_largest_vcpus']) if provider == 'aws' else (f(r['series_largest_vcpus']) or f(r['constrained_platform_vcpus']))
    if provider == 'aws' and 'EC2_INSTANCE_TYPES' not in r['source_tables']: return None  # u-* quirk etc.
    if provider == 'aws' and r['notes'].startswith("CCF's EC2_INSTANCE_TYPES key is"): return 0.0
    if not e or not v or not largest: return 0.0
    return e * (hours / v) / Y['defaults']['server_expected_lifespan_hours'][provider] * (v / largest)

# 1) every instance row, hours = 1, default utilisation, vs the ccf_* columns produced by CCF's code
bad = 0; n = 0
for provider, table in (('aws', aws), ('azure', az)):
    for name, r in table.items():
        procs = r['microarchitectures'].split(';')
        mn, mx = watts(provider, procs)
        for col, mine in (('ccf_min_watts_per_vcpu', mn), ('ccf_max_watts_per_vcpu', mx), ('ccf_memory_gb_hours_per_hour', mem_gbh(provider, r, 1)), ('ccf_embodied_kgco2e_per_hour', embodied_kg(provider, r, 1))):
            theirs = f(r[col])
            if mine is None or theirs is None: continue
            n += 1
            if abs(mine - theirs) > 1e-3 * max(abs(theirs), 1e-12) and abs(mine - theirs) > 1e-12:
                bad += 1; print('MISMATCH', provider, name, col, mine, theirs)
print(f'instance columns: {n} compared, {bad} mismatches')

# 2) sample rows end to end vs reference.mjs
ALIAS = {('aws','ebs'): 'EC2_EBS_VOLUME', ('aws','s3'): 'S3', ('aws','rds-multi-az'): 'RDS_MULTI_AZ',
         ('azure','managed-disk'): 'STORAGE_LRS', ('azure','blob-grs'): 'STORAGE_GRS'}
usage = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'sample-input.json')
ref = json.loads(subprocess.run(['node', os.path.join(HERE, 'reference.mjs'), usage], capture_output=True, text=True, check=True).stdout)
inp = json.load(open(usage))
worst = 0
for row, out in zip(inp, ref['rows']):
    p = row['provider']; h = row['hours']; u = row['utilisation']
    region = row['region']; g = grid.get((p, region), grid[(p, 'Unknown')])
    pue = Y['pue'][p]['pue']
    res = {}
    it = row['instance_type']
    if it:
        key = it if p == 'aws' else it.replace('Standard_', '').replace('_', ' ')
        r = (aws if p == 'aws' else az)[key]
        v = f(r['vcpus']); mn, mx = watts(p, r['microarchitectures'].split(';'))
        pct = Y['defaults']['default_cpu_utilisation_pct'][p] if u is None else u * 100
        vh = v * h
        if p == 'aws' and u is None and r['burstable_baseline_pct']: vh = v * f(r['burstable_baseline_pct']) / Y['defaults']['default_cpu_utilisation_pct'][p] * h
        res['compute'] = (mn + pct / 100 * (mx - mn)) * vh * pue / 1000
        res['memory'] = mem_gbh(p, r, h) * Y['memory']['coefficient_kwh_per_gb_hour'][p] * pue
        res['embodied_kg'] = embodied_kg(p, r, h)
    st = 0
    for s in row.get('storage', []):
        rf = Y['replication-factors'][p]['constants'][ALIAS[(p, s['service'])]]
        coef = Y['storage'][('ssd' if s['class']=='ssd' else 'hdd') + '_wh_per_tb_hour'][p]
        st += s['size_gb'] * h / 1000 * coef * pue * rf / 1000
    res['storage'] = st
    res['network'] = row.get('network_gb', 0) * Y['network']['coefficient_kwh_per_gb'][p] * pue
    theirs = {'compute': out['compute']['kwh'], 'memory': out['memory']['kwh'], 'storage': out['storage_total']['kwh'], 'network': out['network']['kwh'], 'embodied_kg': out['embodied']['kgco2e']}
    for k, mine in res.items():
        t = theirs[k]
        rel = abs(mine - t) / abs(t) if t else abs(mine)
        worst = max(worst, rel)
        flag = '' if rel < 1e-3 else '  <-- MISMATCH'
        print(f"{out['index']} {p} {it} {k}: data-files {mine:.9g} vs ccf {t:.9g}{flag}")
    tot_kg = (res.get('compute',0)+res.get('memory',0)+res['storage']+res['network']) * g + (res.get('embodied_kg') or 0)
    print(f"   total kgCO2e data-files {tot_kg:.9g} vs ccf {out['total']['kgco2e']:.9g}")
print('worst relative difference', worst)
if bad or worst >= 1e-3:
    sys.exit(1)
