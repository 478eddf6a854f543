//! FEEL range functions (DMN 1.5 §10.3.4.9): `range("[1..10)")` reads a
//! range literal from a string, and the interval relations of Allen's
//! algebra (`before`, `meets`, `overlaps`, `during`…) compare points and
//! ranges.
//!
//! Every relation is computed on ranges: a point `p` stands for the closed
//! range `[p..p]`, for which the spec's point formulas and range formulas
//! agree. An unbounded end (`< 10` is `(-∞..10)`) compares below or above
//! every value. Arguments that do not compare, or a point where the spec
//! accepts only ranges, give null.
//!
//! `range` reads its string with the FEEL parser: the one place a built-in
//! reaches back to the parser, which itself only asks [`super::exists`].

use std::cmp::Ordering;
use std::sync::Arc;

use super::super::ast::{CallArgs, Expr};
use super::super::parser::{Names, parse_expression};
use crate::dmn::value::{self, Range, RangeKind, Value};

/// The functions of this file.
pub(super) const NAMES: &[&str] = &[
    "range",
    "before",
    "after",
    "meets",
    "met by",
    "overlaps",
    "overlaps before",
    "overlaps after",
    "finishes",
    "finished by",
    "includes",
    "during",
    "starts",
    "started by",
    "coincides",
];

/// Which kinds of argument a relation accepts, besides two ranges.
#[derive(Clone, Copy)]
enum Accepts {
    /// Only ranges.
    Ranges,
    /// A point, then a range.
    PointFirst,
    /// A range, then a point.
    PointSecond,
    /// Two points.
    Points,
    /// Any mix of points and ranges.
    Any,
}

/// A relation between two intervals; `None` when their ends do not compare.
type Relation = fn(&Iv, &Iv) -> Option<bool>;

/// Calls range function `name`; `None` when it is not one of [`NAMES`].
pub(super) fn call(name: &str, args: &[Value]) -> Option<Value> {
    use Accepts::*;
    let relation: (Accepts, Relation) = match name {
        "range" => {
            return Some(match args {
                [Value::String(s)] => {
                    from_string(s).map_or(Value::Null, |r| Value::Range(Arc::new(r)))
                }
                _ => Value::Null,
            });
        }
        "before" => (Any, before),
        "after" => (Any, |a, b| before(b, a)),
        "meets" => (Ranges, meets),
        "met by" => (Ranges, |a, b| meets(b, a)),
        "overlaps" => (Ranges, overlaps),
        "overlaps before" => (Ranges, overlaps_before),
        "overlaps after" => (Ranges, |a, b| overlaps_before(b, a)),
        "finishes" => (PointFirst, finishes),
        "finished by" => (PointSecond, |a, b| finishes(b, a)),
        "includes" => (PointSecond, includes),
        "during" => (PointFirst, |a, b| includes(b, a)),
        "starts" => (PointFirst, starts),
        "started by" => (PointSecond, |a, b| starts(b, a)),
        "coincides" => (Points, coincides),
        _ => return None,
    };
    let [x, y] = args else {
        return Some(Value::Null);
    };
    let (accepts, relation) = relation;
    // `(!= e)` is no one interval to relate.
    let not_equal = |v: &Value| matches!(v, Value::Range(r) if r.kind == RangeKind::NotEqual);
    if not_equal(x) || not_equal(y) {
        return Some(Value::Null);
    }
    let is_range = |v: &Value| matches!(v, Value::Range(_));
    let allowed = match (is_range(x), is_range(y)) {
        (true, true) => true,
        (false, true) => matches!(accepts, PointFirst | Any),
        (true, false) => matches!(accepts, PointSecond | Any),
        (false, false) => matches!(accepts, Points | Any),
    };
    if !allowed {
        return Some(Value::Null);
    }
    Some(relation(&Iv::of(x), &Iv::of(y)).map_or(Value::Null, Value::Bool))
}

/// A property of a range (`r.start`, `r.end included`…); `None` for
/// another name. An unbounded end's value is null and it is not included.
pub(crate) fn property(r: &Range, name: &str) -> Option<Value> {
    let end = |v: &Option<Value>| v.clone().unwrap_or(Value::Null);
    Some(match name {
        "start" => end(&r.low),
        "end" => end(&r.high),
        "start included" => Value::Bool(r.low.is_some() && r.low_closed),
        "end included" => Value::Bool(r.high.is_some() && r.high_closed),
        _ => return None,
    })
}

/// `range(from)`: a range literal whose ends are literals — numbers,
/// strings, `@"…"` or `date("…")`-style temporal literals — of one type,
/// low not above high. Anything else (an open end, an expression) is null.
fn from_string(s: &str) -> Option<Range> {
    let Ok(Expr::Range(r)) = parse_expression(s, &Names::default()) else {
        return None;
    };
    let low = literal(r.low.as_ref()?)?;
    let high = literal(r.high.as_ref()?)?;
    if std::mem::discriminant(&low) != std::mem::discriminant(&high)
        || value::compare(&low, &high)? == Ordering::Greater
    {
        return None;
    }
    Some(Range {
        low: Some(low),
        low_closed: r.low_closed,
        high: Some(high),
        high_closed: r.high_closed,
        kind: r.kind,
    })
}

/// The value of a literal range end; `None` for a null or an expression.
fn literal(e: &Expr) -> Option<Value> {
    let v = match e {
        Expr::Const(v) => v.clone(),
        Expr::Neg(x) => match &**x {
            Expr::Const(v @ Value::Number(_)) => super::super::arith::negate(v),
            _ => return None,
        },
        Expr::Call(f, CallArgs::Positional(args)) => match (&**f, args.as_slice()) {
            (Expr::Name(f), [Expr::Const(s @ Value::String(_))])
                if matches!(f.as_str(), "date" | "time" | "date and time" | "duration") =>
            {
                super::call(f, std::slice::from_ref(s), &|_, _| None).ok()?
            }
            _ => return None,
        },
        _ => return None,
    };
    (!matches!(v, Value::Null)).then_some(v)
}

/// A range end: a value, or unbounded (below everything at the low end,
/// above everything at the high end).
#[derive(Clone, Copy)]
struct End<'v> {
    at: Option<&'v Value>,
    low: bool,
}

fn cmp(a: End<'_>, b: End<'_>) -> Option<Ordering> {
    let unbounded = |low: bool| {
        if low {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    };
    match (a.at, b.at) {
        (Some(x), Some(y)) => value::compare(x, y),
        (None, None) if a.low == b.low => Some(Ordering::Equal),
        (None, _) => Some(unbounded(a.low)),
        (Some(_), None) => Some(unbounded(b.low).reverse()),
    }
}

fn lt(a: End<'_>, b: End<'_>) -> Option<bool> {
    Some(cmp(a, b)? == Ordering::Less)
}

fn gt(a: End<'_>, b: End<'_>) -> Option<bool> {
    Some(cmp(a, b)? == Ordering::Greater)
}

fn eq(a: End<'_>, b: End<'_>) -> Option<bool> {
    Some(cmp(a, b)? == Ordering::Equal)
}

/// An interval: its ends and whether each is included.
struct Iv<'v> {
    start: End<'v>,
    start_in: bool,
    end: End<'v>,
    end_in: bool,
}

impl<'v> Iv<'v> {
    /// A range as itself, any other value `p` as `[p..p]`.
    fn of(v: &'v Value) -> Iv<'v> {
        match v {
            Value::Range(r) => Iv {
                start: End {
                    at: r.low.as_ref(),
                    low: true,
                },
                start_in: r.low_closed,
                end: End {
                    at: r.high.as_ref(),
                    low: false,
                },
                end_in: r.high_closed,
            },
            point => Iv {
                start: End {
                    at: Some(point),
                    low: true,
                },
                start_in: true,
                end: End {
                    at: Some(point),
                    low: false,
                },
                end_in: true,
            },
        }
    }
}

fn before(a: &Iv, b: &Iv) -> Option<bool> {
    Some(lt(a.end, b.start)? || ((!a.end_in || !b.start_in) && eq(a.end, b.start)?))
}

fn meets(a: &Iv, b: &Iv) -> Option<bool> {
    Some(a.end_in && b.start_in && eq(a.end, b.start)?)
}

fn overlaps(a: &Iv, b: &Iv) -> Option<bool> {
    let after_start = gt(a.end, b.start)? || (eq(a.end, b.start)? && a.end_in && b.start_in);
    let before_end = lt(a.start, b.end)? || (eq(a.start, b.end)? && a.start_in && b.end_in);
    Some(after_start && before_end)
}

fn overlaps_before(a: &Iv, b: &Iv) -> Option<bool> {
    let starts_first =
        lt(a.start, b.start)? || (eq(a.start, b.start)? && a.start_in && !b.start_in);
    let reaches_b = gt(a.end, b.start)? || (eq(a.end, b.start)? && a.end_in && b.start_in);
    let ends_first = lt(a.end, b.end)? || (eq(a.end, b.end)? && (!a.end_in || b.end_in));
    Some(starts_first && reaches_b && ends_first)
}

fn finishes(a: &Iv, b: &Iv) -> Option<bool> {
    let same_end = a.end_in == b.end_in && eq(a.end, b.end)?;
    let inside = gt(a.start, b.start)? || (eq(a.start, b.start)? && (!a.start_in || b.start_in));
    Some(same_end && inside)
}

fn includes(a: &Iv, b: &Iv) -> Option<bool> {
    let from = lt(a.start, b.start)? || (eq(a.start, b.start)? && (a.start_in || !b.start_in));
    let to = gt(a.end, b.end)? || (eq(a.end, b.end)? && (a.end_in || !b.end_in));
    Some(from && to)
}

fn starts(a: &Iv, b: &Iv) -> Option<bool> {
    let same_start = a.start_in == b.start_in && eq(a.start, b.start)?;
    let inside = lt(a.end, b.end)? || (eq(a.end, b.end)? && (!a.end_in || b.end_in));
    Some(same_start && inside)
}

fn coincides(a: &Iv, b: &Iv) -> Option<bool> {
    Some(
        a.start_in == b.start_in
            && a.end_in == b.end_in
            && eq(a.start, b.start)?
            && eq(a.end, b.end)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::feel::test_support::{feel, n};

    /// `[lo..hi]` with `(`/`)` where an end is open.
    fn r(lo: f64, lo_in: bool, hi: f64, hi_in: bool) -> Value {
        Value::Range(Arc::new(Range {
            low: Some(n(lo)),
            low_closed: lo_in,
            high: Some(n(hi)),
            high_closed: hi_in,
            kind: RangeKind::Interval,
        }))
    }

    fn run(name: &str, a: Value, b: Value) -> Value {
        call(name, &[a, b]).expect("a range function")
    }

    const T: Value = Value::Bool(true);
    const F: Value = Value::Bool(false);

    #[test]
    fn range_from_a_string() {
        assert_eq!(
            call("range", &[Value::string("(2..-1.5]")]),
            Some(Value::Null)
        );
        let ok = call("range", &[Value::string(" ( -2 .. 1.5 ] ")]).unwrap();
        assert_eq!(ok, r(-2.0, false, 1.5, true));
        let dates = call(
            "range",
            &[Value::string(r#"[date("2024-01-01")..@"2024-02-01")"#)],
        );
        assert!(matches!(dates, Some(Value::Range(_))), "{dates:?}");
        for bad in [
            "[1..x]",
            "[..2]",
            "<5",
            r#"[1.."b"]"#,
            "[null..null]",
            r#"[date(string("2024-01-01"))..@"2024-02-01"]"#,
            "",
        ] {
            assert_eq!(
                call("range", &[Value::string(bad)]),
                Some(Value::Null),
                "{bad}"
            );
        }
        assert_eq!(call("range", &[r(1.0, true, 2.0, true)]), Some(Value::Null));
    }

    #[test]
    fn before_and_after_with_points_and_ranges() {
        assert_eq!(run("before", n(1.0), n(2.0)), T);
        assert_eq!(run("before", n(1.0), r(1.0, false, 5.0, true)), T);
        assert_eq!(run("before", n(1.0), r(1.0, true, 5.0, true)), F);
        assert_eq!(
            run("before", r(1.0, true, 5.0, false), r(5.0, true, 9.0, true)),
            T
        );
        assert_eq!(
            run("before", r(1.0, true, 5.0, true), r(5.0, true, 9.0, true)),
            F
        );
        assert_eq!(run("after", r(6.0, true, 9.0, true), n(5.0)), T);
        assert_eq!(run("after", n(5.0), r(5.0, true, 9.0, true)), F);
        assert_eq!(run("before", n(1.0), Value::string("a")), Value::Null);
    }

    #[test]
    fn meeting_and_overlapping() {
        let a = r(1.0, true, 5.0, true);
        assert_eq!(run("meets", a.clone(), r(5.0, true, 8.0, true)), T);
        assert_eq!(run("meets", a.clone(), r(5.0, false, 8.0, true)), F);
        assert_eq!(run("met by", r(5.0, true, 8.0, true), a.clone()), T);
        assert_eq!(run("overlaps", a.clone(), r(5.0, true, 8.0, true)), T);
        assert_eq!(run("overlaps", a.clone(), r(5.0, false, 8.0, true)), F);
        assert_eq!(
            run("overlaps before", a.clone(), r(3.0, true, 8.0, true)),
            T
        );
        assert_eq!(
            run("overlaps before", a.clone(), r(1.0, true, 5.0, true)),
            F
        );
        assert_eq!(run("overlaps after", r(3.0, true, 8.0, true), a.clone()), T);
        assert_eq!(run("meets", n(5.0), a), Value::Null);
    }

    #[test]
    fn containment_and_shared_ends() {
        let a = r(1.0, true, 10.0, true);
        assert_eq!(run("includes", a.clone(), n(10.0)), T);
        assert_eq!(run("includes", r(1.0, true, 10.0, false), n(10.0)), F);
        assert_eq!(run("includes", a.clone(), r(1.0, false, 10.0, true)), T);
        assert_eq!(run("during", r(4.0, true, 6.0, true), a.clone()), T);
        assert_eq!(run("during", n(1.0), r(1.0, false, 10.0, true)), F);
        assert_eq!(run("starts", n(1.0), a.clone()), T);
        assert_eq!(run("starts", r(1.0, true, 5.0, true), a.clone()), T);
        assert_eq!(run("started by", a.clone(), r(1.0, false, 5.0, true)), F);
        assert_eq!(run("finishes", r(5.0, true, 10.0, true), a.clone()), T);
        assert_eq!(run("finished by", a.clone(), n(10.0)), T);
        assert_eq!(run("coincides", a.clone(), r(1.0, true, 10.0, true)), T);
        assert_eq!(run("coincides", n(3.0), n(4.0)), F);
        assert_eq!(run("coincides", n(3.0), a.clone()), Value::Null);
        assert_eq!(run("includes", n(3.0), a), Value::Null);
    }

    #[test]
    fn properties() {
        let Value::Range(x) = r(1.0, false, 10.0, true) else {
            unreachable!()
        };
        assert_eq!(property(&x, "start"), Some(n(1.0)));
        assert_eq!(property(&x, "start included"), Some(F));
        assert_eq!(property(&x, "end"), Some(n(10.0)));
        assert_eq!(property(&x, "end included"), Some(T));
        assert_eq!(property(&x, "middle"), None);
        let open = Range {
            low: None,
            low_closed: true,
            high: None,
            high_closed: false,
            kind: RangeKind::Interval,
        };
        assert_eq!(property(&open, "start"), Some(Value::Null));
        assert_eq!(property(&open, "start included"), Some(F));
    }

    #[test]
    fn unbounded_ends() {
        let below_five = Value::Range(Arc::new(Range {
            low: None,
            low_closed: false,
            high: Some(n(5.0)),
            high_closed: false,
            kind: RangeKind::Interval,
        }));
        assert_eq!(run("includes", below_five.clone(), n(-1e9)), T);
        assert_eq!(run("before", below_five.clone(), n(5.0)), T);
        assert_eq!(run("after", n(5.0), below_five), T);
    }

    #[test]
    fn from_feel_text() {
        assert_eq!(feel(r#"5 in range("[1..10)")"#), "true");
        assert_eq!(feel(r#"range("(1..10]").start included"#), "false");
        assert_eq!(feel("overlaps before([1..5], [3..8])"), "true");
        assert_eq!(feel("met by([5..10], [1..5))"), "false");
        assert_eq!(feel("during(5, [1..10])"), "true");
    }

    #[test]
    fn equal_and_not_equal_ranges() {
        // `(= e)` has the ends of `[e..e]` but is a range of its own kind.
        assert_eq!(feel("(= 4) = [4..4]"), "false");
        assert_eq!(feel("(= 4) = (= 4)"), "true");
        assert_eq!(feel("(!= 4) = (!= 4)"), "true");
        assert_eq!(feel("(!= 4) = (= 4)"), "false");
        assert_eq!(feel("(!= 4) = (!= 5)"), "false");
        assert_eq!(
            feel("[(= 4).start, (= 4).end included, (!= 4).end, (!= 4).start included]"),
            "[4, true, 4, false]"
        );
        // Membership is the operator's: equal, or not equal.
        assert_eq!(
            feel("{r: (!= 4), a: 4 in r, b: 3 in r}"),
            "{r: !=4, a: false, b: true}"
        );
        assert_eq!(
            feel(r#"{r: (= "a"), a: "a" in r, b: "b" in r}"#),
            r#"{r: ="a", a: true, b: false}"#
        );
        assert_eq!(feel("{r: (= true), a: true in r}"), "{r: =true, a: true}");
        // `(!= e)` is no single interval to relate to another.
        assert_eq!(feel("before((!= 4), 10)"), "null");
        assert_eq!(feel("before((= 4), 10)"), "true");
    }
}
