//! FEEL numbers: IEEE 754-2008 decimal128, as the DMN specification
//! prescribes — 34 significant digits, rounded half-even — so that
//! `0.1 + 0.2 = 0.3` holds and `decimal(0.545, 2)` is 0.54.
//!
//! The arithmetic is the `dec` crate (the reference decNumber library);
//! this type adds what FEEL needs on top: null instead of NaN or infinity,
//! comparison by value (`1.0 = 1`), plain notation when printed, and
//! lossless conversion from the JSON numbers of the task data (an f64 is
//! read through its shortest round-trip text, so `0.1` stays `0.1`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use dec::{Context, Decimal, Decimal128, Rounding};

/// A finite FEEL number.
#[derive(Clone, Copy)]
pub(crate) struct Number(Decimal128);

/// Working precision for the functions decimal128 has no operation for
/// (`exp`, `ln`, `sqrt`, non-integer powers): a few digits above 34, then
/// rounded back.
const WIDE: usize = 14;

/// How `round`-like functions treat the discarded digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoundMode {
    /// Half to even (`decimal`, `round half even`).
    HalfEven,
    /// Half away from zero (`round half up`).
    HalfUp,
    /// Half toward zero (`round half down`).
    HalfDown,
    /// Away from zero (`round up`).
    Up,
    /// Toward zero (`round down`).
    Down,
    /// Toward negative infinity (`floor`).
    Floor,
    /// Toward positive infinity (`ceiling`).
    Ceiling,
}

fn cx() -> Context<Decimal128> {
    Context::default()
}

impl Number {
    /// Zero.
    pub const ZERO: Number = Number(Decimal128::ZERO);

    /// Wraps a result: NaN and infinities (division by zero, overflow)
    /// are FEEL's null.
    fn finite(d: Decimal128) -> Option<Number> {
        d.is_finite().then_some(Number(d))
    }

    /// The number with this integer value.
    pub fn from_i64(n: i64) -> Number {
        Number(Decimal128::from(n))
    }

    /// The decimal an f64 stands for, read through its shortest round-trip
    /// text; `None` for NaN and infinities.
    pub fn from_f64(f: f64) -> Option<Number> {
        if !f.is_finite() {
            return None;
        }
        // `{:e}` is the shortest text that reads back as `f`, without the
        // hundreds of zeros plain notation would print for 1e300.
        Number::parse(&format!("{f:e}"))
    }

    /// Reads a decimal number (`12`, `-0.5`, `1.2e3`); `None` for anything
    /// else, NaN and infinities included.
    pub fn parse(s: &str) -> Option<Number> {
        let s = s.trim();
        let first = s.bytes().next()?;
        if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
            return None;
        }
        let mut c = cx();
        let d = c.parse(s).ok()?;
        if c.status().inexact() && c.status().overflow() {
            return None;
        }
        Number::finite(d)
    }

    /// The value as the nearest f64.
    pub fn to_f64(self) -> f64 {
        self.plain().parse().unwrap_or(f64::NAN)
    }

    /// The value as an i64 when it is a whole number in range.
    pub fn to_i64(self) -> Option<i64> {
        let r = self.reduced();
        let exp = u32::try_from(r.exponent()).ok()?;
        let scaled = r.coefficient().checked_mul(10i128.checked_pow(exp)?)?;
        i64::try_from(scaled).ok()
    }

    /// How many significant digits the value has (`1.50` has 2).
    pub fn digits(self) -> u32 {
        self.reduced().digits()
    }

    /// How many digits the value has after the point, as written (`1.50`
    /// has 2, `15E+1` has -1).
    pub fn scale(self) -> i64 {
        -i64::from(self.0.exponent())
    }

    /// The whole part as an i64 (the fraction dropped, as FEEL positions
    /// and lengths are read), when it is in range.
    pub fn trunc_i64(self) -> Option<i64> {
        self.round(0, RoundMode::Down)?.to_i64()
    }

    /// A count or a position.
    pub fn from_usize(n: usize) -> Number {
        Number::from_i64(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_negative() && !self.0.is_zero()
    }

    /// `a + b`.
    pub fn add(self, b: Number) -> Option<Number> {
        Number::finite(cx().add(self.0, b.0))
    }

    /// `a - b`.
    pub fn sub(self, b: Number) -> Option<Number> {
        Number::finite(cx().sub(self.0, b.0))
    }

    /// `a * b`.
    pub fn mul(self, b: Number) -> Option<Number> {
        Number::finite(cx().mul(self.0, b.0))
    }

    /// `a / b`; `None` when `b` is zero.
    pub fn div(self, b: Number) -> Option<Number> {
        if b.is_zero() {
            return None;
        }
        Number::finite(cx().div(self.0, b.0))
    }

    /// `-a`.
    pub fn neg(self) -> Number {
        Number(cx().minus(self.0))
    }

    /// `|a|`.
    pub fn abs(self) -> Number {
        Number(cx().abs(self.0))
    }

    /// FEEL `modulo(a, b)`: `a - b * floor(a / b)`, so the result has the
    /// sign of the divisor; `None` when `b` is zero.
    pub fn modulo(self, b: Number) -> Option<Number> {
        if b.is_zero() {
            return None;
        }
        let r = Number::finite(cx().rem(self.0, b.0))?;
        if !r.is_zero() && r.is_negative() != b.is_negative() {
            r.add(b)
        } else {
            Some(r)
        }
    }

    /// Rounds to `scale` digits after the point (negative: before it).
    pub fn round(self, scale: i64, mode: RoundMode) -> Option<Number> {
        // decimal128 exponents stay within ±6176; beyond that nothing moves.
        let scale = i32::try_from(scale.clamp(-6111, 6176)).ok()?;
        if self.0.exponent() >= -scale {
            return Some(self);
        }
        let mut c = cx();
        c.set_rounding(match mode {
            RoundMode::HalfEven => Rounding::HalfEven,
            RoundMode::HalfUp => Rounding::HalfUp,
            RoundMode::HalfDown => Rounding::HalfDown,
            RoundMode::Up => Rounding::Up,
            RoundMode::Down => Rounding::Down,
            RoundMode::Floor => Rounding::Floor,
            RoundMode::Ceiling => Rounding::Ceiling,
        });
        let mut quantum = Decimal128::from(1);
        c.set_exponent(&mut quantum, -scale);
        let r = c.quantize(self.0, quantum);
        if c.status().invalid_operation() {
            // More than 34 digits before the scale: already exact there.
            return Some(self);
        }
        Number::finite(r)
    }

    /// `a ** b`: exact repeated multiplication for whole exponents (as
    /// decimal128 rounds each step), otherwise `exp(b * ln(a))` at a wider
    /// precision; `None` when undefined (a negative base with a fractional
    /// exponent, zero to a negative power).
    pub fn pow(self, b: Number) -> Option<Number> {
        if let Some(n) = b.to_i64().filter(|n| n.unsigned_abs() <= 1_000_000) {
            if n < 0 && self.is_zero() {
                return None;
            }
            let mut acc = Number::from_i64(1);
            let mut base = self;
            let mut e = n.unsigned_abs();
            while e > 0 {
                if e & 1 == 1 {
                    acc = acc.mul(base)?;
                }
                e >>= 1;
                if e > 0 {
                    base = base.mul(base)?;
                }
            }
            return if n < 0 {
                Number::from_i64(1).div(acc)
            } else {
                Some(acc)
            };
        }
        if self.is_negative() {
            return None;
        }
        wide(|c, x| {
            let y = to_wide(b);
            c.pow(x, &y);
        })(self)
    }

    /// `e ** a`.
    pub fn exp(self) -> Option<Number> {
        wide(|c, x| c.exp(x))(self)
    }

    /// The natural logarithm; `None` for zero and negative numbers.
    pub fn ln(self) -> Option<Number> {
        if self.is_zero() || self.is_negative() {
            return None;
        }
        wide(|c, x| c.ln(x))(self)
    }

    /// The square root; `None` for negative numbers.
    pub fn sqrt(self) -> Option<Number> {
        if self.is_negative() {
            return None;
        }
        wide(|c, x| c.sqrt(x))(self)
    }

    /// The value in plain notation (`1000`, `0.001`, never `1E+3`),
    /// without trailing zeros after the point.
    pub fn plain(self) -> String {
        let d = cx().reduce(self.0);
        let coef = d.coefficient();
        let exp = d.exponent();
        let digits = coef.unsigned_abs().to_string();
        let mut s = String::with_capacity(digits.len() + 4);
        if coef < 0 || (coef == 0 && d.is_negative() && !d.is_zero()) {
            s.push('-');
        }
        if exp >= 0 {
            s.push_str(&digits);
            if coef != 0 {
                s.extend(std::iter::repeat_n('0', exp as usize));
            }
        } else {
            let point = exp.unsigned_abs() as usize;
            if digits.len() > point {
                let (int, frac) = digits.split_at(digits.len() - point);
                s.push_str(int);
                s.push('.');
                s.push_str(frac);
            } else {
                s.push_str("0.");
                s.extend(std::iter::repeat_n('0', point - digits.len()));
                s.push_str(&digits);
            }
        }
        s
    }

    /// The value with trailing zeros removed (`1.50` → `1.5`), the one
    /// representation per value that hashing needs.
    fn reduced(self) -> Decimal128 {
        let d = cx().reduce(self.0);
        if d.is_zero() { Decimal128::ZERO } else { d }
    }
}

/// The wide-precision context for `exp`, `ln`, `sqrt` and `pow`.
fn wide_cx() -> Context<Decimal<WIDE>> {
    let mut c = Context::<Decimal<WIDE>>::default();
    // 40 digits: six guard digits above decimal128's 34. decNumber's
    // `exp`, `ln` and `power` need exponents bounded by ±999,999.
    let _ = c.set_precision(40);
    let _ = c.set_max_exponent(999_999);
    let _ = c.set_min_exponent(-999_999);
    c
}

fn to_wide(n: Number) -> Decimal<WIDE> {
    Decimal::<WIDE>::from(n.0)
}

/// Runs `f` on `n` at the wide precision and rounds back to decimal128.
fn wide(
    f: impl Fn(&mut Context<Decimal<WIDE>>, &mut Decimal<WIDE>),
) -> impl Fn(Number) -> Option<Number> {
    move |n| {
        let mut c = wide_cx();
        let mut x = to_wide(n);
        f(&mut c, &mut x);
        if !x.is_finite() || c.status().invalid_operation() {
            return None;
        }
        Number::finite(cx().from_decimal(&x))
    }
}

impl PartialEq for Number {
    /// By value: `1.0 = 1`.
    fn eq(&self, other: &Number) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        // Same exponent (the common case: integers, one currency): the
        // coefficients decide, without decNumber's general comparison.
        let (a, b) = (self.0, other.0);
        if a.exponent() == b.exponent() {
            return a.coefficient().cmp(&b.coefficient());
        }
        cx().partial_cmp(a, b).unwrap_or(Ordering::Equal)
    }
}

impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.reduced().to_le_bytes().hash(state);
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        Number::from_i64(n)
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Number {
        Number(Decimal128::from(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn scale_counts_the_digits_after_the_point_as_written() {
        assert_eq!(n("54.59815003").scale(), 8);
        assert_eq!(n("1.50").scale(), 2);
        assert_eq!(n("7").scale(), 0);
        assert_eq!(n("15E+1").scale(), -1);
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(n("0.1").add(n("0.2")), Some(n("0.3")));
        assert_eq!(n("1").div(n("3")).unwrap().plain().len(), 36);
        assert_eq!(n("10").div(n("4")).unwrap().plain(), "2.5");
        assert_eq!(n("1").div(Number::ZERO), None);
        assert_eq!(n("1.10").plain(), "1.1");
        assert_eq!(n("1E+3").plain(), "1000");
        assert_eq!(n("-0.005").plain(), "-0.005");
        assert_eq!(n("0").plain(), "0");
        assert_eq!(n("1.0"), n("1"));
        assert!(n("1.5") > n("1.49"));
    }

    #[test]
    fn rounding_modes() {
        let r = |s: &str, k, m| n(s).round(k, m).unwrap().plain();
        assert_eq!(r("0.545", 2, RoundMode::HalfEven), "0.54");
        assert_eq!(r("0.545", 2, RoundMode::HalfUp), "0.55");
        assert_eq!(r("-5.5", 0, RoundMode::HalfDown), "-5");
        assert_eq!(r("5.01", 0, RoundMode::Up), "6");
        assert_eq!(r("-5.01", 0, RoundMode::Floor), "-6");
        assert_eq!(r("1234", -2, RoundMode::HalfEven), "1200");
        assert_eq!(r("1.2", 5, RoundMode::HalfEven), "1.2");
    }

    #[test]
    fn conversions_keep_the_value() {
        assert_eq!(Number::from_f64(0.1).unwrap().plain(), "0.1");
        assert_eq!(Number::from_f64(1e300).unwrap().to_f64(), 1e300);
        assert_eq!(Number::from_f64(f64::NAN), None);
        assert_eq!(n("12").to_i64(), Some(12));
        assert_eq!(n("12.5").to_i64(), None);
        assert_eq!(n("1.20E+2").to_i64(), Some(120));
        assert_eq!(Number::parse("NaN"), None);
        assert_eq!(Number::parse("Infinity"), None);
    }

    #[test]
    fn modulo_takes_the_divisor_sign_and_powers_are_exact() {
        assert_eq!(n("12").modulo(n("-5")), Some(n("-3")));
        assert_eq!(n("-12").modulo(n("5")), Some(n("3")));
        assert_eq!(n("10.1").modulo(n("4.5")), Some(n("1.1")));
        assert_eq!(n("2").pow(n("10")), Some(n("1024")));
        assert_eq!(n("10").pow(n("-5")), Some(n("0.00001")));
        assert_eq!(n("4").pow(n("0.5")), Some(n("2")));
        assert_eq!(n("0").pow(n("-1")), None);
        assert_eq!(n("2").sqrt().unwrap().plain().len(), 35);
        assert_eq!(n("1").exp().unwrap().plain()[..10], *"2.71828182");
        assert_eq!(n("-1").ln(), None);
    }

    #[test]
    fn equal_values_hash_alike() {
        use std::collections::hash_map::DefaultHasher;
        let h = |x: Number| {
            let mut s = DefaultHasher::new();
            x.hash(&mut s);
            s.finish()
        };
        assert_eq!(h(n("1.50")), h(n("1.5")));
        assert_eq!(h(n("0.00")), h(n("0")));
    }
}
