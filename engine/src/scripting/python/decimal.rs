//! Python's `decimal.Decimal` for scripts: an exact decimal (a 128-bit
//! coefficient and a scale), with Python's default context: 28 significant
//! digits, results rounded half-even, trailing zeros kept (`Decimal('1.10')`
//! prints as `1.10`), exact quotients at their ideal exponent.

use std::cmp::Ordering;

/// Significant digits of Python's default decimal context.
const PRECISION: u32 = 28;

/// `coef × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyDecimal {
    coef: i128,
    scale: u32,
}

fn digits(mut n: i128) -> u32 {
    let mut d = 1;
    while n.abs() >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Rounding modes of `quantize` (the names of the `decimal` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    HalfEven,
    HalfUp,
    HalfDown,
    Up,
    Down,
    Ceiling,
    Floor,
}

impl Rounding {
    pub fn parse(name: &str) -> Option<Rounding> {
        Some(match name {
            "ROUND_HALF_EVEN" => Rounding::HalfEven,
            "ROUND_HALF_UP" => Rounding::HalfUp,
            "ROUND_HALF_DOWN" => Rounding::HalfDown,
            "ROUND_UP" => Rounding::Up,
            "ROUND_DOWN" => Rounding::Down,
            "ROUND_CEILING" => Rounding::Ceiling,
            "ROUND_FLOOR" => Rounding::Floor,
            _ => return None,
        })
    }
}

/// `q` adjusted for the dropped remainder `r` of a division by `d`
/// (`0 <= |r| < |d|`, same sign as the dividend).
fn round_quotient(q: i128, r: i128, d: i128, mode: Rounding) -> i128 {
    if r == 0 {
        return q;
    }
    let negative = (r < 0) != (d < 0);
    let away = if negative { q - 1 } else { q + 1 };
    let twice = r.unsigned_abs() * 2;
    let half = twice.cmp(&(d.unsigned_abs()));
    let up = match mode {
        Rounding::Down => false,
        Rounding::Up => true,
        Rounding::Ceiling => !negative,
        Rounding::Floor => negative,
        Rounding::HalfUp => half != Ordering::Less,
        Rounding::HalfDown => half == Ordering::Greater,
        Rounding::HalfEven => half == Ordering::Greater || (half == Ordering::Equal && q % 2 != 0),
    };
    if up { away } else { q }
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

type Res<T> = Result<T, String>;

fn overflow<T>() -> Res<T> {
    Err("decimal.Overflow: the result needs more than 38 digits".into())
}

impl PyDecimal {
    pub fn from_int(i: i64) -> Self {
        PyDecimal {
            coef: i as i128,
            scale: 0,
        }
    }

    /// Parses `"-12.340"`, `"1e3"`, `" 5 "`.
    pub fn parse(s: &str) -> Res<Self> {
        let bad = || format!("decimal.InvalidOperation: invalid literal for Decimal: '{s}'");
        let t = s.trim().replace('_', "");
        let (mant, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], t[i + 1..].parse::<i32>().map_err(|_| bad())?),
            None => (t.as_str(), 0),
        };
        let (neg, mant) = match mant.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mant.strip_prefix('+').unwrap_or(mant)),
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        if int.is_empty() && frac.is_empty()
            || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let all = format!("{int}{frac}");
        let all = all.trim_start_matches('0');
        if all.len() > 38 {
            return overflow();
        }
        let mut coef: i128 = if all.is_empty() {
            0
        } else {
            all.parse().map_err(|_| bad())?
        };
        if neg {
            coef = -coef;
        }
        let scale = frac.len() as i64 - exp as i64;
        if scale >= 0 {
            Ok(PyDecimal {
                coef,
                scale: u32::try_from(scale).map_err(|_| bad())?,
            })
        } else {
            let m =
                pow10(u32::try_from(-scale).map_err(|_| bad())?).and_then(|p| coef.checked_mul(p));
            match m {
                Some(coef) => Ok(PyDecimal { coef, scale: 0 }),
                None => overflow(),
            }
        }
    }

    /// A float's shortest decimal form (Python keeps its exact binary
    /// expansion; scripts use `Decimal(str(x))` semantics instead).
    pub fn from_float(f: f64) -> Res<Self> {
        if !f.is_finite() {
            return Err(format!(
                "decimal.InvalidOperation: {f} cannot become a Decimal here"
            ));
        }
        Self::parse(&super::float_repr::float_repr(f))
    }

    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Truncated towards zero, as `int()` does.
    pub fn trunc(self) -> Res<i64> {
        let p = pow10(self.scale).unwrap_or(i128::MAX);
        i64::try_from(self.coef / p).or_else(|_| overflow())
    }

    /// Rounds to at most 28 significant digits (the context precision).
    fn fit(self) -> Self {
        let d = digits(self.coef);
        if d <= PRECISION || self.scale == 0 {
            return self;
        }
        let drop = (d - PRECISION).min(self.scale);
        self.rescale(self.scale - drop, Rounding::HalfEven)
            .unwrap_or(self)
    }

    /// The same value at `scale` decimal places, rounded by `mode`.
    pub fn rescale(self, scale: u32, mode: Rounding) -> Res<Self> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Ok(self),
            Ordering::Greater => {
                match pow10(scale - self.scale).and_then(|p| self.coef.checked_mul(p)) {
                    Some(coef) => Ok(PyDecimal { coef, scale }),
                    None => overflow(),
                }
            }
            Ordering::Less => {
                let Some(p) = pow10(self.scale - scale) else {
                    return Ok(PyDecimal { coef: 0, scale });
                };
                let coef = round_quotient(self.coef / p, self.coef % p, p, mode);
                Ok(PyDecimal { coef, scale })
            }
        }
    }

    /// `quantize(exp, rounding)`: the value at `exp`'s number of places.
    pub fn quantize(self, exp: PyDecimal, mode: Rounding) -> Res<Self> {
        self.rescale(exp.scale, mode)
    }

    fn aligned(self, other: Self) -> Res<(i128, i128, u32)> {
        let s = self.scale.max(other.scale);
        Ok((
            self.rescale(s, Rounding::HalfEven)?.coef,
            other.rescale(s, Rounding::HalfEven)?.coef,
            s,
        ))
    }

    pub fn add(self, other: Self) -> Res<Self> {
        let (a, b, scale) = self.aligned(other)?;
        match a.checked_add(b) {
            Some(coef) => Ok(PyDecimal { coef, scale }.fit()),
            None => overflow(),
        }
    }

    pub fn neg(self) -> Self {
        PyDecimal {
            coef: -self.coef,
            scale: self.scale,
        }
    }

    pub fn sub(self, other: Self) -> Res<Self> {
        self.add(other.neg())
    }

    pub fn mul(self, other: Self) -> Res<Self> {
        match self.coef.checked_mul(other.coef) {
            Some(coef) => Ok(PyDecimal {
                coef,
                scale: self.scale + other.scale,
            }
            .fit()),
            None => overflow(),
        }
    }

    /// True division: exact quotients at the ideal exponent, others to 28
    /// significant digits.
    pub fn div(self, other: Self) -> Res<Self> {
        if other.coef == 0 {
            return Err("decimal.DivisionByZero: division by zero".into());
        }
        let (a, b) = (self.coef, other.coef);
        let mut q = a / b;
        let mut r = a % b;
        let mut k: u32 = 0;
        while r != 0 && digits(q) <= PRECISION {
            let (Some(q10), Some(r10)) = (q.checked_mul(10), r.checked_mul(10)) else {
                break;
            };
            q = q10 + r10 / b;
            r = r10 % b;
            k += 1;
        }
        // Value = q × 10^-(self.scale + k - other.scale), with r left over.
        let mut scale = self.scale as i64 + k as i64 - other.scale as i64;
        if digits(q) > PRECISION && r != 0 {
            // One digit too many: round it away.
            let qq = round_quotient(
                q / 10,
                (q % 10) * 10 + (r != 0) as i128,
                100,
                Rounding::HalfEven,
            );
            q = qq;
            scale -= 1;
        } else if r != 0 {
            q = round_quotient(q, r, b, Rounding::HalfEven);
        }
        if scale < 0 {
            let p = pow10(u32::try_from(-scale).unwrap_or(u32::MAX));
            return match p.and_then(|p| q.checked_mul(p)) {
                Some(coef) => Ok(PyDecimal { coef, scale: 0 }),
                None => overflow(),
            };
        }
        let mut d = PyDecimal {
            coef: q,
            scale: scale as u32,
        };
        // Exact results keep no more places than the ideal exponent.
        let ideal = self.scale.saturating_sub(other.scale);
        if r == 0 {
            while d.scale > ideal && d.coef % 10 == 0 {
                d.coef /= 10;
                d.scale -= 1;
            }
        }
        Ok(d)
    }

    pub fn cmp(self, other: Self) -> Ordering {
        match self.aligned(other) {
            Ok((a, b, _)) => a.cmp(&b),
            Err(_) => self
                .to_f64()
                .partial_cmp(&other.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }

    pub fn is_zero(self) -> bool {
        self.coef == 0
    }
}

impl std::fmt::Display for PyDecimal {
    /// Python's `str(Decimal)`: plain notation unless the number is tiny.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.coef < 0 { "-" } else { "" };
        let ds = self.coef.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let adjusted = ds.len() as i64 - 1 - scale as i64;
        if scale == 0 {
            return write!(f, "{sign}{ds}");
        }
        if adjusted < -6 {
            let (first, rest) = ds.split_at(1);
            let dot = if rest.is_empty() { "" } else { "." };
            return write!(f, "{sign}{first}{dot}{rest}E{adjusted}");
        }
        if ds.len() > scale {
            let (i, fr) = ds.split_at(ds.len() - scale);
            write!(f, "{sign}{i}.{fr}")
        } else {
            write!(f, "{sign}0.{}{ds}", "0".repeat(scale - ds.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PyDecimal {
        PyDecimal::parse(s).unwrap()
    }

    #[test]
    fn arithmetic_matches_python() {
        assert_eq!(d("1.10").add(d("2.2")).unwrap().to_string(), "3.30");
        assert_eq!(d("1.1").mul(d("3")).unwrap().to_string(), "3.3");
        assert_eq!(
            d("1").div(d("3")).unwrap().to_string(),
            "0.3333333333333333333333333333"
        );
        assert_eq!(
            d("2").div(d("3")).unwrap().to_string(),
            "0.6666666666666666666666666667"
        );
        assert_eq!(d("6").div(d("2")).unwrap().to_string(), "3");
        assert_eq!(d("1.00").div(d("4")).unwrap().to_string(), "0.25");
        assert_eq!(d("7.5").div(d("2.5")).unwrap().to_string(), "3");
        assert_eq!(d("0.1").add(d("0.2")).unwrap(), d("0.3"));
        assert_eq!(d("-0.5").to_string(), "-0.5");
        assert_eq!(d("0.0000001").to_string(), "1E-7");
        assert_eq!(d("1e2").to_string(), "100");
        assert_eq!(
            d("2.675")
                .quantize(d("0.01"), Rounding::HalfUp)
                .unwrap()
                .to_string(),
            "2.68"
        );
        assert_eq!(
            d("2.665")
                .quantize(d("0.01"), Rounding::HalfEven)
                .unwrap()
                .to_string(),
            "2.66"
        );
        assert_eq!(
            d("-1.5").rescale(0, Rounding::HalfUp).unwrap().to_string(),
            "-2"
        );
        assert_eq!(
            d("-1.5").rescale(0, Rounding::Floor).unwrap().to_string(),
            "-2"
        );
        assert_eq!(
            d("-1.5").rescale(0, Rounding::Ceiling).unwrap().to_string(),
            "-1"
        );
        assert_eq!(d("3.7").trunc().unwrap(), 3);
        assert!(PyDecimal::parse("abc").is_err());
    }
}
