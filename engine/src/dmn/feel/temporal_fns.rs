//! FEEL's temporal built-in functions (DMN 1.5 §10.3.4.1 conversions and
//! §10.3.4.11 date and time functions): `date`, `time`, `date and time`,
//! `duration`, `years and months duration`, `day of year`, `day of week`,
//! `month of year`, `week of year`, `now` and `today`. Arguments of the
//! wrong type give null.

use crate::model::calendar::{MONTHS, WEEKDAYS};
use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};

use crate::dmn::number::{Number, RoundMode};
use crate::dmn::temporal::{self, FeelDate, FeelDateTime, FeelTime, Zone};
use crate::dmn::value::{Value, duration_value};

/// The temporal built-ins, for `builtins::exists`.
pub(crate) const NAMES: &[&str] = &[
    "date",
    "time",
    "date and time",
    "duration",
    "years and months duration",
    "day of year",
    "day of week",
    "month of year",
    "week of year",
    "now",
    "today",
];

/// The parameter names of `name` called with `n` arguments, as DMN names
/// them, for calls with named arguments (`date(year: 2024, month: 1, day:
/// 31)`).
// Not called yet: the parser refuses named arguments until the language
// core takes them; this table is what it will look up.
#[allow(dead_code)]
pub(crate) fn params(name: &str, n: usize) -> Option<&'static [&'static str]> {
    Some(match (name, n) {
        ("date" | "time" | "date and time" | "duration", 1) => &["from"],
        ("date", 3) => &["year", "month", "day"],
        ("time", 3) => &["hour", "minute", "second"],
        ("time", 4) => &["hour", "minute", "second", "offset"],
        ("date and time", 2) => &["date", "time"],
        ("years and months duration", 2) => &["from", "to"],
        ("day of year" | "day of week" | "month of year" | "week of year", 1) => &["date"],
        ("now" | "today", 0) => &[],
        _ => return None,
    })
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.to_i64(),
        _ => None,
    }
}

fn number(n: i64) -> Value {
    Value::Number(Number::from_i64(n))
}

/// The date of a date or date-time argument.
fn date_of(v: &Value) -> Option<FeelDate> {
    match v {
        Value::Date(d) => Some(*d),
        Value::DateTime(t) => Some(t.date),
        _ => None,
    }
}

/// The current instant as a date-time in UTC.
fn now() -> Option<FeelDateTime> {
    let ts = Timestamp::now();
    let days = ts.as_second().div_euclid(86_400);
    let base = FeelDateTime::at_midnight(FeelDate::from_days(days)?, Some(Zone::UTC));
    let since_midnight = ts.as_duration() - SignedDuration::from_secs(days.checked_mul(86_400)?);
    base.add_duration(since_midnight)
}

/// `time(hour, minute, second[, offset])`: seconds may have a fraction,
/// the offset is a days-and-time duration (or null for none).
fn time_of_parts(args: &[Value]) -> Option<Value> {
    let (h, m) = (int(args.first()?)?, int(args.get(1)?)?);
    let Value::Number(s) = args.get(2)? else {
        return None;
    };
    let zone = match args.get(3) {
        None | Some(Value::Null) => None,
        Some(Value::DayTime(d)) if d.subsec_nanos() == 0 => {
            Some(Zone::from_offset_seconds(d.as_secs())?)
        }
        Some(_) => return None,
    };
    let whole = s.round(0, RoundMode::Down)?;
    let nanos = s
        .sub(whole)?
        .mul(Number::from_i64(1_000_000_000))?
        .round(0, RoundMode::Down)?
        .to_i64()?;
    let time = Time::new(
        i8::try_from(h).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(whole.to_i64()?).ok()?,
        i32::try_from(nanos).ok()?,
    )
    .ok()?;
    Some(Value::Time(FeelTime { time, zone }))
}

/// Whole months from `a` to `b`, counting a month only once its day is
/// reached (the time of day plays no part).
fn months_between(a: FeelDate, b: FeelDate) -> i64 {
    let mut months = (b.year() - a.year()) * 12 + b.month() - a.month();
    if months > 0 && b.day() < a.day() {
        months -= 1;
    } else if months < 0 && b.day() > a.day() {
        months += 1;
    }
    months
}

/// Calls temporal built-in `name`; `None` when `name` is not one of them
/// (or not with this many arguments).
pub(crate) fn call(name: &str, args: &[Value]) -> Option<Value> {
    if !NAMES.contains(&name) {
        return None;
    }
    let a0 = args.first().unwrap_or(&Value::Null);
    let a1 = args.get(1).unwrap_or(&Value::Null);
    let null = Value::Null;
    Some(match (name, args.len()) {
        ("date", 1) => match a0 {
            Value::String(s) => temporal::parse_date(s).map_or(null, Value::Date),
            other => date_of(other).map_or(null, Value::Date),
        },
        ("date", 3) => match (int(a0), int(a1), args.get(2).and_then(int)) {
            (Some(y), Some(m), Some(d)) => FeelDate::new(y, m, d).map_or(null, Value::Date),
            _ => null,
        },
        ("time", 1) => match a0 {
            Value::String(s) => temporal::parse_time(s).map_or(null, Value::Time),
            Value::DateTime(t) => Value::Time(FeelTime {
                time: t.time,
                zone: t.zone.clone(),
            }),
            Value::Time(t) => Value::Time(t.clone()),
            // A date's time is its midnight UTC.
            Value::Date(_) => Value::Time(FeelTime {
                time: Time::midnight(),
                zone: Some(Zone::UTC),
            }),
            _ => null,
        },
        ("time", 3 | 4) => time_of_parts(args).unwrap_or(null),
        ("date and time", 1) => match a0 {
            Value::String(s) => temporal::parse_date_time(s).map_or(null, Value::DateTime),
            Value::DateTime(t) => Value::DateTime(t.clone()),
            _ => null,
        },
        ("date and time", 2) => match (date_of(a0), a1) {
            (Some(date), Value::Time(t)) => Value::DateTime(FeelDateTime {
                date,
                time: t.time,
                zone: t.zone.clone(),
            }),
            _ => null,
        },
        ("duration", 1) => match a0 {
            Value::String(s) => temporal::parse_duration(s).map_or(null, duration_value),
            _ => null,
        },
        ("years and months duration", 2) => match (date_of(a0), date_of(a1)) {
            (Some(a), Some(b)) => Value::YearMonth(months_between(a, b)),
            _ => null,
        },
        ("day of year", 1) => date_of(a0).map_or(null, |d| number(d.ordinal())),
        ("day of week", 1) => date_of(a0).map_or(null, |d| {
            Value::string(WEEKDAYS[(d.weekday() - 1).clamp(0, 6) as usize])
        }),
        ("month of year", 1) => date_of(a0).map_or(null, |d| {
            Value::string(MONTHS[(d.month() - 1).clamp(0, 11) as usize])
        }),
        ("week of year", 1) => date_of(a0).map_or(null, |d| number(d.iso_week())),
        ("now", 0) => now().map_or(null, Value::DateTime),
        ("today", 0) => now().map_or(null, |t| Value::Date(t.date)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn n(x: &str) -> Value {
        Value::Number(Number::parse(x).unwrap())
    }

    fn text(name: &str, args: &[Value]) -> String {
        call(name, args).map_or("-".into(), |v| v.to_string())
    }

    #[test]
    fn conversions() {
        assert_eq!(text("date", &[s("-2017-12-31")]), "-2017-12-31");
        assert_eq!(
            text("date", &[n("999999999"), n("12"), n("31")]),
            "999999999-12-31"
        );
        assert_eq!(text("date", &[n("2017"), n("2"), n("29")]), "null");
        let paris = call("date and time", &[s("2017-09-03T09:45:30@Europe/Paris")]).unwrap();
        assert_eq!(text("date", std::slice::from_ref(&paris)), "2017-09-03");
        assert_eq!(text("time", &[paris]), "09:45:30@Europe/Paris");
        assert_eq!(
            text("time", &[call("date", &[s("2017-08-10")]).unwrap()]),
            "00:00:00Z"
        );
        assert_eq!(
            text(
                "time",
                &[
                    n("11"),
                    n("59"),
                    n("0.5"),
                    call("duration", &[s("-PT2H")]).unwrap()
                ]
            ),
            "11:59:00.5-02:00"
        );
        assert_eq!(text("time", &[n("11"), n("59"), n("60")]), "null");
        let day = call("date and time", &[s("2017-09-05T10:20:00-01:00")]).unwrap();
        let t = call("time", &[s("09:15:30.987654321@Europe/Paris")]).unwrap();
        assert_eq!(
            text("date and time", &[day, t]),
            "2017-09-05T09:15:30.987654321@Europe/Paris"
        );
        assert_eq!(
            text("date and time", &[s("2012-12-24")]),
            "2012-12-24T00:00:00"
        );
        assert_eq!(text("duration", &[s("P999999999M")]), "P83333333Y3M");
        assert_eq!(text("duration", &[n("1")]), "null");
        assert_eq!(text("string length", &[s("x")]), "-");
    }

    #[test]
    fn years_and_months_between() {
        let dt = |x: &str| call("date and time", &[s(x)]).unwrap();
        assert_eq!(
            text(
                "years and months duration",
                &[dt("2014-12-31T23:59:59"), dt("-2019-10-01T12:32:59")]
            ),
            "-P4033Y2M"
        );
        assert_eq!(
            text(
                "years and months duration",
                &[
                    dt("2011-08-25T15:59:59@Europe/Paris"),
                    dt("2015-08-25T15:20:59+02:00")
                ]
            ),
            "P4Y"
        );
        let d = |x: &str| call("date", &[s(x)]).unwrap();
        assert_eq!(
            text(
                "years and months duration",
                &[d("2016-01-21"), d("2015-01-22")]
            ),
            "-P11M"
        );
    }

    #[test]
    fn calendar_functions() {
        let d = call("date", &[s("2019-09-17")]).unwrap();
        assert_eq!(text("day of year", std::slice::from_ref(&d)), "260");
        assert_eq!(text("day of week", std::slice::from_ref(&d)), "\"Tuesday\"");
        assert_eq!(
            text("month of year", std::slice::from_ref(&d)),
            "\"September\""
        );
        assert_eq!(text("week of year", &[d]), "38");
        assert_eq!(text("week of year", &[s("2019-09-17")]), "null");
        assert_eq!(text("day of year", &[]), "-");
        let before = call("today", &[]).unwrap().to_string();
        let now = call("now", &[]).unwrap();
        let after = call("today", &[]).unwrap().to_string();
        assert!(matches!(now, Value::DateTime(ref t) if t.zone == Some(Zone::UTC)));
        let day = text("date", &[now]);
        assert!(day == before || day == after, "{day} {before} {after}");
        assert_eq!(params("date", 3), Some(&["year", "month", "day"][..]));
    }

    /// Evaluates FEEL text with no data, as its FEEL-like text.
    fn feel(src: &str) -> String {
        let e = super::super::parse_expression(src, &Default::default())
            .unwrap_or_else(|e| panic!("{src}: {e:?}"));
        super::super::eval(&e, &super::super::Scope::empty())
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .to_string()
    }

    #[test]
    fn feel_text_end_to_end() {
        let cases = [
            (
                r#"string(@"2021-01-01T10:10:10@Australia/Melbourne" + @"P1M")"#,
                r#""2021-02-01T10:10:10@Australia/Melbourne""#,
            ),
            (r#"@"10:30:11@America/Toronto""#, "10:30:11@America/Toronto"),
            (
                r#"@"-2021-01-01T10:10:10+11:00" - @"P1D""#,
                "-2022-12-31T10:10:10+11:00",
            ),
            (
                r#"@"2021-01-02" - @"2021-01-01T10:10:10+11:00""#,
                "P1DT49M50S",
            ),
            (r#"@"2021-01-02T00:00:00" - @"2021-01-02""#, "null"),
            (
                r#"@"2021-01-02T10:10:10@Europe/Paris" - @"2021-01-01T10:10:10@Asia/Dhaka""#,
                "P1DT5H",
            ),
            (r#"@"2021-01-01T24:00:00" - @"PT1S""#, "2021-01-01T23:59:59"),
            (
                r#"@"10:15:00@Australia/Melbourne" + @"-PT1H""#,
                "09:15:00@Australia/Melbourne",
            ),
            (
                r#"date and time("2018-10-08T00:00:00+02:00") = date and time("2018-10-08T00:00:00@Europe/Paris")"#,
                "true",
            ),
            (
                r#"@"2002-04-02T12:00:00@Australia/Melbourne" = @"2002-04-02T12:00:00@Australia/Sydney""#,
                "true",
            ),
            (
                r#"@"2018-12-08T00:00:00" = @"2018-12-08T00:00:00Z""#,
                "false",
            ),
            (
                r#"@"2018-12-08T00:00:00" < @"2018-12-08T00:00:00Z""#,
                "null",
            ),
            (
                r#"date and time("2018-12-10T10:30:00@Etc/UTC").timezone"#,
                r#""Etc/UTC""#,
            ),
            (r#"time("10:30:00+05:00").time offset"#, "PT5H"),
            (r#"date("2018-12-10").weekday"#, "1"),
            (r#"day of week(@"2019-09-17" + @"P5D")"#, r#""Sunday""#),
            (r#"week of year(@"2003-12-29")"#, "1"),
            (r#"month of year(@"2019-09-17")"#, r#""September""#),
            (r#"duration("-P999999999M")"#, "-P83333333Y3M"),
        ];
        for (src, want) in cases {
            assert_eq!(feel(src), want, "{src}");
        }
    }
}
