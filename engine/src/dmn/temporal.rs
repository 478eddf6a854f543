//! FEEL dates, times, date-times and the two kinds of duration, built on
//! jiff's civil types: ISO 8601 parsing and printing, comparison and
//! arithmetic.
//!
//! Times and date-times may carry a UTC offset (`Z`, `+01:00`). Two values
//! that both have one compare as instants; otherwise they compare on the
//! clock. Named zones (`@Europe/Paris`) are not supported: such literals
//! read as null.

use std::cmp::Ordering;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;
use jiff::{SignedDuration, Span};

/// A FEEL `time`: a clock time with an optional UTC offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FeelTime {
    pub time: Time,
    pub offset: Option<Offset>,
}

/// A FEEL `date and time`, with an optional UTC offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FeelDateTime {
    pub dt: DateTime,
    pub offset: Option<Offset>,
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() < 10 || s.contains(['T', 't', ' ']) {
        return None;
    }
    s.parse::<Date>().ok()
}

/// Splits a trailing `Z`, `+hh:mm` or `-hh:mm` from a clock time.
fn split_offset(s: &str) -> Option<(&str, Option<Offset>)> {
    if s.contains('@') {
        return None;
    }
    if let Some(rest) = s.strip_suffix(['Z', 'z']) {
        return Some((rest, Some(Offset::UTC)));
    }
    let Some(i) = s.rfind(['+', '-']) else {
        return Some((s, None));
    };
    let (clock, off) = (&s[..i], &s[i..]);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let mut parts = off[1..].split(':');
    let h: i32 = parts.next()?.parse().ok()?;
    let m: i32 = parts.next().unwrap_or("0").parse().ok()?;
    let sec: i32 = parts.next().unwrap_or("0").parse().ok()?;
    if h > 18 || m > 59 || sec > 59 {
        return None;
    }
    let offset = Offset::from_seconds(sign * (h * 3600 + m * 60 + sec)).ok()?;
    Some((clock, Some(offset)))
}

/// Parses `hh:mm:ss[.fff][offset]`.
pub(crate) fn parse_time(s: &str) -> Option<FeelTime> {
    let (clock, offset) = split_offset(s.trim())?;
    if clock.len() < 8 {
        return None;
    }
    let time = clock.parse::<Time>().ok()?;
    Some(FeelTime { time, offset })
}

/// Parses `YYYY-MM-DDThh:mm:ss[.fff][offset]`, or a date alone (midnight).
pub(crate) fn parse_date_time(s: &str) -> Option<FeelDateTime> {
    let s = s.trim();
    match s.find(['T', 't']) {
        None => parse_date(s).map(|d| FeelDateTime {
            dt: d.to_datetime(Time::midnight()),
            offset: None,
        }),
        Some(i) => {
            let date = parse_date(&s[..i])?;
            let t = parse_time(&s[i + 1..])?;
            Some(FeelDateTime {
                dt: date.to_datetime(t.time),
                offset: t.offset,
            })
        }
    }
}

/// A parsed ISO 8601 duration: FEEL keeps years-and-months apart from
/// days-and-time, since a month has no fixed length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Duration {
    DayTime(SignedDuration),
    YearMonth(i64),
}

/// Parses `PnYnM` or `PnDTnHnMnS` (with `-` for negative). A duration that
/// mixes months and days is not a FEEL duration.
pub(crate) fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if !(s.starts_with('P') || s.starts_with("-P")) {
        return None;
    }
    let span: Span = s.parse().ok()?;
    let months = i64::from(span.get_years()) * 12 + i64::from(span.get_months());
    let day_time = i64::from(span.get_weeks()) * 7 * 86_400
        + i64::from(span.get_days()) * 86_400
        + i64::from(span.get_hours()) * 3_600
        + span.get_minutes() * 60
        + span.get_seconds();
    let sub_nanos = span.get_milliseconds() * 1_000_000
        + span.get_microseconds() * 1_000
        + span.get_nanoseconds();
    let has_ym = s.contains('Y') || s.split('T').next().is_some_and(|p| p.contains('M'));
    let has_dt = s.contains(['D', 'W', 'T']);
    match (has_ym, has_dt) {
        (true, false) => Some(Duration::YearMonth(months)),
        (false, true) => Some(Duration::DayTime(
            SignedDuration::from_secs(day_time)
                .checked_add(SignedDuration::from_nanos(sub_nanos))?,
        )),
        _ => None,
    }
}

fn format_offset(o: Offset) -> String {
    let secs = o.seconds();
    if secs == 0 {
        return "Z".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    let mut s = format!("{sign}{:02}:{:02}", a / 3600, (a / 60) % 60);
    if a % 60 != 0 {
        s.push_str(&format!(":{:02}", a % 60));
    }
    s
}

pub(crate) fn format_time(t: &FeelTime) -> String {
    let mut s = t.time.to_string();
    if let Some(o) = t.offset {
        s.push_str(&format_offset(o));
    }
    s
}

pub(crate) fn format_date_time(t: &FeelDateTime) -> String {
    let mut s = t.dt.to_string();
    if let Some(o) = t.offset {
        s.push_str(&format_offset(o));
    }
    s
}

/// `P1DT2H3M4.5S`, `-PT5M`, `PT0S`.
pub(crate) fn format_day_time(d: SignedDuration) -> String {
    if d.is_zero() {
        return "PT0S".into();
    }
    let sign = if d.is_negative() { "-" } else { "" };
    let a = d.abs();
    let total = a.as_secs();
    let nanos = a.subsec_nanos();
    let (days, h, m, s) = (
        total / 86_400,
        (total / 3600) % 24,
        (total / 60) % 60,
        total % 60,
    );
    let mut out = format!("{sign}P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if h > 0 || m > 0 || s > 0 || nanos > 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 || nanos > 0 {
            if nanos > 0 {
                let frac = format!("{nanos:09}");
                out.push_str(&format!("{s}.{}S", frac.trim_end_matches('0')));
            } else {
                out.push_str(&format!("{s}S"));
            }
        }
    }
    out
}

/// `P1Y2M`, `-P3M`, `P0M`.
pub(crate) fn format_year_month(months: i64) -> String {
    let sign = if months < 0 { "-" } else { "" };
    let a = months.abs();
    match (a / 12, a % 12) {
        (0, m) => format!("{sign}P{m}M"),
        (y, 0) => format!("{sign}P{y}Y"),
        (y, m) => format!("{sign}P{y}Y{m}M"),
    }
}

/// Seconds of a time of day, shifted to UTC when it has an offset.
fn time_key(t: &FeelTime) -> i128 {
    let base = i128::from(t.time.hour()) * 3_600_000_000_000
        + i128::from(t.time.minute()) * 60_000_000_000
        + i128::from(t.time.second()) * 1_000_000_000
        + i128::from(t.time.subsec_nanosecond());
    base - t
        .offset
        .map_or(0, |o| i128::from(o.seconds()) * 1_000_000_000)
}

pub(crate) fn cmp_time(a: &FeelTime, b: &FeelTime) -> Option<Ordering> {
    if a.offset.is_some() == b.offset.is_some() {
        Some(time_key(a).cmp(&time_key(b)))
    } else {
        Some(a.time.cmp(&b.time))
    }
}

/// The instant of a date-time with an offset, else its civil value read as UTC.
fn instant(t: &FeelDateTime) -> DateTime {
    match t.offset {
        Some(o) if o.seconds() != 0 => {
            t.dt.checked_sub(SignedDuration::from_secs(i64::from(o.seconds())))
                .unwrap_or(t.dt)
        }
        _ => t.dt,
    }
}

pub(crate) fn cmp_date_time(a: &FeelDateTime, b: &FeelDateTime) -> Option<Ordering> {
    if a.offset.is_some() == b.offset.is_some() {
        Some(instant(a).cmp(&instant(b)))
    } else {
        Some(a.dt.cmp(&b.dt))
    }
}

/// The duration from `b` to `a` (`a - b`).
pub(crate) fn date_time_diff(a: &FeelDateTime, b: &FeelDateTime) -> SignedDuration {
    if a.offset.is_some() == b.offset.is_some() {
        instant(b).duration_until(instant(a))
    } else {
        b.dt.duration_until(a.dt)
    }
}

pub(crate) fn add_months_date(d: Date, months: i64) -> Option<Date> {
    d.checked_add(Span::new().try_months(months).ok()?).ok()
}

pub(crate) fn add_months_date_time(t: &FeelDateTime, months: i64) -> Option<FeelDateTime> {
    Some(FeelDateTime {
        dt: t
            .dt
            .checked_add(Span::new().try_months(months).ok()?)
            .ok()?,
        offset: t.offset,
    })
}

pub(crate) fn add_day_time(t: &FeelDateTime, d: SignedDuration) -> Option<FeelDateTime> {
    Some(FeelDateTime {
        dt: t.dt.checked_add(d).ok()?,
        offset: t.offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for s in ["P1DT2H3M4.5S", "-PT5M", "PT0S", "P2D"] {
            let Some(Duration::DayTime(d)) = parse_duration(s) else {
                panic!("{s}")
            };
            assert_eq!(format_day_time(d), s);
        }
        for s in ["P1Y2M", "-P3M", "P2Y"] {
            let Some(Duration::YearMonth(m)) = parse_duration(s) else {
                panic!("{s}")
            };
            assert_eq!(format_year_month(m), s);
        }
        assert_eq!(parse_duration("P1Y2D"), None);
        assert_eq!(parse_duration("1 day"), None);
        let t = parse_time("10:30:00+01:00").unwrap();
        assert_eq!(format_time(&t), "10:30:00+01:00");
        let dt = parse_date_time("2024-02-29T23:00:00Z").unwrap();
        assert_eq!(format_date_time(&dt), "2024-02-29T23:00:00Z");
        assert!(parse_date("2024-02-30").is_none());
        assert!(parse_time("10:30:00@Europe/Paris").is_none());
    }

    #[test]
    fn offsets_compare_as_instants() {
        let a = parse_date_time("2024-01-01T10:00:00+01:00").unwrap();
        let b = parse_date_time("2024-01-01T09:30:00Z").unwrap();
        assert_eq!(cmp_date_time(&a, &b), Some(Ordering::Less));
        assert_eq!(date_time_diff(&b, &a), SignedDuration::from_mins(30));
        let d = parse_date("2024-01-31").unwrap();
        assert_eq!(add_months_date(d, 1).unwrap().to_string(), "2024-02-29");
    }
}
