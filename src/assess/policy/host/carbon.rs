//! Carbon functions: a node's emissions and energy in the period, the grid
//! intensity of a region and the lowest-intensity region it could move to.

use cel::Value;

use super::Facts;
use super::value::map;

/// A node's footprint in the period: kgCO2e and energy, as the carbon roll-up gives it.
pub use crate::assess::carbon::rollup::Totals as Footprint;

/// The lowest-intensity region of a provider in one jurisdiction.
#[derive(Clone, Debug, PartialEq)]
pub struct Lowest {
    pub region: String,
    /// kgCO2e/kWh.
    pub intensity: f64,
}

impl Facts {
    /// Take in the carbon estimate: per item, per system, site and supplier.
    pub fn add_carbon(
        &mut self,
        est: &crate::assess::carbon::Estimate,
        basis: crate::assess::carbon::Basis,
    ) {
        self.carbon = crate::assess::carbon::rollup::by_node(est, basis);
    }

    /// Grid intensities of every region the factor set knows, and the lowest per provider and jurisdiction.
    pub fn add_grids(&mut self, grids: impl IntoIterator<Item = (String, String, f64)>) {
        for (provider, region, g) in grids {
            let key = format!("{provider}:{region}");
            if let Some(info) = crate::model::regions::lookup(&provider, &region)
                && !info.jurisdiction.is_empty()
            {
                let j = format!("{provider}:{}", info.jurisdiction);
                let better = self
                    .lowest
                    .get(&j)
                    .is_none_or(|l| g < l.intensity || (g == l.intensity && region < l.region));
                if better {
                    self.lowest.insert(
                        j,
                        Lowest {
                            region: region.clone(),
                            intensity: g,
                        },
                    );
                }
            }
            self.grid.insert(key, g);
        }
    }
}

/// `provider:region` of a region id (`region:aws:eu-west-2`) or key.
fn region_key(id: &str) -> &str {
    id.strip_prefix("region:").unwrap_or(id)
}

/// `carbon(n)`: `{low, central, high, energy_kwh}`.
pub(super) fn carbon(f: &Facts, id: &str) -> Value {
    let c = f.carbon.get(id).copied().unwrap_or_default();
    map([
        ("low", Value::Float(c.co2e_kg.low)),
        ("central", Value::Float(c.co2e_kg.central)),
        ("high", Value::Float(c.co2e_kg.high)),
        ("energy_kwh", Value::Float(c.energy_kwh.central)),
    ])
}

/// `grid(region)`: kgCO2e/kWh, or null.
pub(super) fn grid(f: &Facts, id: &str) -> Value {
    f.grid
        .get(region_key(id))
        .copied()
        .map(Value::Float)
        .unwrap_or(Value::Null)
}

/// `lowest_grid(region)`: `{region, intensity}` of the lowest-intensity region
/// with the same provider and jurisdiction, or null.
pub(super) fn lowest_grid(f: &Facts, id: &str) -> Value {
    let lowest = || {
        let (provider, region) = region_key(id).split_once(':')?;
        let info = crate::model::regions::lookup(provider, region)?;
        f.lowest
            .get(&format!("{provider}:{}", info.jurisdiction))
            .map(|l| {
                map([
                    ("region", Value::from(l.region.clone())),
                    ("intensity", Value::Float(l.intensity)),
                ])
            })
    };
    lowest().unwrap_or(Value::Null)
}
