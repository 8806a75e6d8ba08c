//! A quantity with a low, central and high estimate.
//!
//! Every formula in the carbon engine is a sum or product of non-negative
//! inputs, so each bound is computed by feeding the matching bound of every
//! input through the formula: low from all lows, high from all highs. That
//! keeps low ≤ central ≤ high by construction.

use std::ops::{Add, AddAssign, Mul};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Range {
    pub low: f64,
    pub central: f64,
    pub high: f64,
}

impl Range {
    pub const ZERO: Range = Range {
        low: 0.0,
        central: 0.0,
        high: 0.0,
    };

    /// A value known exactly.
    pub const fn exact(v: f64) -> Range {
        Range {
            low: v,
            central: v,
            high: v,
        }
    }

    /// A range from three values, sorted so low ≤ central ≤ high whatever the order given.
    pub fn new(low: f64, central: f64, high: f64) -> Range {
        Range {
            low: low.min(central),
            central,
            high: high.max(central),
        }
    }

    /// The central value ± a fraction.
    pub fn plus_minus(central: f64, fraction: f64) -> Range {
        Range::new(
            central * (1.0 - fraction),
            central,
            central * (1.0 + fraction),
        )
    }

    /// Bound by bound difference (low − low, central − central, high − high):
    /// the change between two estimates made with the same factors.
    pub fn bound_minus(self, o: Range) -> Range {
        Range {
            low: self.low - o.low,
            central: self.central - o.central,
            high: self.high - o.high,
        }
    }

    pub fn scale(self, k: f64) -> Range {
        Range {
            low: self.low * k,
            central: self.central * k,
            high: self.high * k,
        }
    }

    pub fn map(self, f: impl Fn(f64) -> f64) -> Range {
        Range::new(f(self.low), f(self.central), f(self.high))
    }

    /// Whether low ≤ central ≤ high and all are finite.
    pub fn is_ordered(&self) -> bool {
        self.low.is_finite()
            && self.high.is_finite()
            && self.low <= self.central
            && self.central <= self.high
    }

    /// Relative width (high − low) / central; 0 for a zero central value.
    pub fn spread(&self) -> f64 {
        if self.central == 0.0 {
            0.0
        } else {
            (self.high - self.low) / self.central
        }
    }
}

impl Add for Range {
    type Output = Range;
    fn add(self, o: Range) -> Range {
        Range {
            low: self.low + o.low,
            central: self.central + o.central,
            high: self.high + o.high,
        }
    }
}

impl AddAssign for Range {
    fn add_assign(&mut self, o: Range) {
        *self = *self + o;
    }
}

impl Mul for Range {
    type Output = Range;
    fn mul(self, o: Range) -> Range {
        Range {
            low: self.low * o.low,
            central: self.central * o.central,
            high: self.high * o.high,
        }
    }
}

impl std::iter::Sum for Range {
    fn sum<I: Iterator<Item = Range>>(iter: I) -> Range {
        iter.fold(Range::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_propagate_through_products_and_sums() {
        let a = Range::new(1.0, 2.0, 3.0);
        let b = Range::new(10.0, 20.0, 40.0);
        assert_eq!(a * b, Range::new(10.0, 40.0, 120.0));
        assert_eq!(a + b, Range::new(11.0, 22.0, 43.0));
        assert!((a * b + Range::exact(1.0)).is_ordered());
        assert_eq!(
            Range::new(3.0, 2.0, 1.0),
            Range {
                low: 2.0,
                central: 2.0,
                high: 2.0
            }
        );
    }
}
