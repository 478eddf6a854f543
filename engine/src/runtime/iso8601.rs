//! ISO 8601 for timers: dates, durations (with a fraction on the last
//! component) and repeating intervals `R[n]/[start/]duration[/end]`.
//!
//! Naive dates and times (no offset) are taken as UTC, so a diagram means
//! the same on every machine.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// Why a text (a timer, `--now`, a clock advance) is not the ISO 8601
/// duration, date or repeating interval asked for.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Iso8601Error {
    /// Not a duration, and why.
    #[error("`{text}` is not an ISO 8601 duration ({why})")]
    Duration {
        /// The text, trimmed.
        text: String,
        /// What is wrong with it (`it must start with P`, `unknown unit X`…).
        why: String,
    },
    /// Not a date or date-time (the text, trimmed).
    #[error("`{0}` is not an ISO 8601 date or date-time")]
    Date(String),
    /// A repeating interval that does not start with `R` (the text, trimmed).
    #[error("`{0}` is not an ISO 8601 repeating interval (it must start with R)")]
    NoRepeat(String),
    /// What follows `R[n]/` is not `duration`, `start/duration` or
    /// `duration/end` (the text, trimmed).
    #[error("`{0}` is not an ISO 8601 repeating interval")]
    Cycle(String),
    /// The count after `R` is not a number.
    #[error("`{text}`: bad repetition count `{count}`")]
    Repetitions {
        /// The text, trimmed.
        text: String,
        /// What stands after `R`.
        count: String,
    },
    /// A well-formed value outside the calendar's range (jiff's message).
    #[error(transparent)]
    Range(#[from] jiff::Error),
}

/// An ISO 8601 duration, kept in calendar units so years and months follow
/// the calendar from the point they are added to.
#[derive(Debug, Clone, Copy)]
pub struct IsoDuration {
    span: Span,
}

impl IsoDuration {
    /// `start` plus this duration (None on overflow).
    pub fn after(&self, start: Timestamp) -> Option<Timestamp> {
        start
            .to_zoned_datetime(TimeZone::UTC)
            .checked_add(self.span)
            .ok()
            .map(|z| z.timestamp())
    }
}

/// Parses `PnYnMnWnDTnHnMnS`; the last component may have a fraction
/// (`PT1.5S`, `P0.5D`, with `.` or `,`).
pub fn parse_duration(text: &str) -> Result<IsoDuration, Iso8601Error> {
    let t = text.trim();
    let not = |why: String| Iso8601Error::Duration {
        text: t.to_string(),
        why,
    };
    let bad = |why: &str| Err(not(why.to_string()));
    let Some(rest) = t.strip_prefix('P') else {
        return bad("it must start with P");
    };
    if rest.is_empty() {
        return bad("nothing after P");
    }
    let (date_part, time_part) = match rest.split_once('T') {
        Some((_, "")) => return bad("nothing after T"),
        Some((d, tp)) => (d, Some(tp)),
        None => (rest, None),
    };
    let mut parts: Vec<(f64, char, bool)> = Vec::new();
    for (part, is_time) in [(date_part, false), (time_part.unwrap_or(""), true)] {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                num.push(if c == ',' { '.' } else { c });
            } else {
                let v: f64 = num
                    .parse()
                    .map_err(|_| not(format!("a number is missing before {c}")))?;
                parts.push((v, c, is_time));
                num.clear();
            }
        }
        if !num.is_empty() {
            return bad("a number without a unit");
        }
    }
    if parts.is_empty() {
        return bad("no components");
    }
    for (i, (v, _, _)) in parts.iter().enumerate() {
        if v.fract() != 0.0 && i + 1 != parts.len() {
            return bad("only the last component may have a fraction");
        }
    }
    let mut span = Span::new();
    let mut nanos: i128 = 0;
    for (v, unit, is_time) in parts {
        let whole = v.trunc() as i64;
        let frac = v.fract();
        let unit_nanos: Option<f64> = match (unit, is_time) {
            ('Y', false) => {
                span = span.try_years(whole)?;
                if frac != 0.0 {
                    // A fraction of a year as months, then days.
                    let months = frac * 12.0;
                    span = span.try_months(months.trunc() as i64)?;
                    nanos += (months.fract() * 30.0 * 86_400e9) as i128;
                }
                None
            }
            ('M', false) => {
                span = span.try_months(whole)?;
                Some(30.0 * 86_400e9)
            }
            ('W', false) => {
                span = span.try_weeks(whole)?;
                Some(7.0 * 86_400e9)
            }
            ('D', false) => {
                span = span.try_days(whole)?;
                Some(86_400e9)
            }
            ('H', true) => {
                span = span.try_hours(whole)?;
                Some(3_600e9)
            }
            ('M', true) => {
                span = span.try_minutes(whole)?;
                Some(60e9)
            }
            ('S', true) => {
                span = span.try_seconds(whole)?;
                Some(1e9)
            }
            (c, _) => return bad(&format!("unknown unit {c}")),
        };
        if let Some(n) = unit_nanos {
            nanos += (frac * n).round() as i128;
        }
    }
    if nanos != 0 {
        let secs = (nanos / 1_000_000_000) as i64;
        let rem = (nanos % 1_000_000_000) as i64;
        span = span
            .try_seconds(span.get_seconds() + secs)
            .and_then(|s| s.try_nanoseconds(rem))?;
    }
    Ok(IsoDuration { span })
}

/// Parses a date or date-time; without an offset it is UTC.
pub fn parse_date(text: &str) -> Result<Timestamp, Iso8601Error> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(dt) = t.parse::<DateTime>() {
        return Ok(dt.to_zoned_datetime(TimeZone::UTC)?.timestamp());
    }
    if let Ok(d) = t.parse::<Date>() {
        return Ok(d.to_zoned_datetime(TimeZone::UTC)?.timestamp());
    }
    Err(Iso8601Error::Date(t.to_string()))
}

/// A repeating interval.
#[derive(Debug, Clone)]
pub struct Cycle {
    /// How many times it fires; `None` forever.
    pub repetitions: Option<u32>,
    pub start: Option<Timestamp>,
    pub period: IsoDuration,
}

impl Cycle {
    /// When it first fires if it starts waiting at `reached`.
    pub fn first_due(&self, reached: Timestamp) -> Option<Timestamp> {
        match self.start {
            Some(s) => Some(s),
            None => self.period.after(reached),
        }
    }
}

/// Parses `R[n]/duration`, `R[n]/start/duration` or `R[n]/duration/end`.
pub fn parse_cycle(text: &str) -> Result<Cycle, Iso8601Error> {
    let t = text.trim();
    let mut parts = t.split('/');
    let r = parts.next().unwrap_or("");
    let Some(count) = r.strip_prefix('R') else {
        return Err(Iso8601Error::NoRepeat(t.to_string()));
    };
    let repetitions = if count.is_empty() {
        None
    } else {
        Some(
            count
                .parse::<u32>()
                .map_err(|_| Iso8601Error::Repetitions {
                    text: t.to_string(),
                    count: count.to_string(),
                })?,
        )
    };
    let rest: Vec<&str> = parts.collect();
    let (start, period) = match rest.as_slice() {
        [d] => (None, parse_duration(d)?),
        [a, b] if a.starts_with('P') => {
            // duration/end: the first occurrence is end minus the
            // repetitions, which BPMN tools rarely use; treat end as a bound
            // we do not need and start one period from now.
            let _ = parse_date(b)?;
            (None, parse_duration(a)?)
        }
        [a, b] => (Some(parse_date(a)?), parse_duration(b)?),
        _ => return Err(Iso8601Error::Cycle(t.to_string())),
    };
    Ok(Cycle {
        repetitions,
        start,
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn durations_with_fractions_and_calendar_units() {
        let t0 = ts("2025-01-31T00:00:00Z");
        assert_eq!(
            parse_duration("PT1.5S").unwrap().after(t0),
            Some(ts("2025-01-31T00:00:01.5Z"))
        );
        assert_eq!(
            parse_duration("PT0,25S").unwrap().after(t0),
            Some(ts("2025-01-31T00:00:00.25Z"))
        );
        assert_eq!(
            parse_duration("P1M").unwrap().after(t0),
            Some(ts("2025-02-28T00:00:00Z"))
        );
        assert_eq!(
            parse_duration("P1DT2H").unwrap().after(t0),
            Some(ts("2025-02-01T02:00:00Z"))
        );
        assert_eq!(
            parse_duration("P0.5D").unwrap().after(t0),
            Some(ts("2025-01-31T12:00:00Z"))
        );
        assert_eq!(
            parse_duration("P2W").unwrap().after(t0),
            Some(ts("2025-02-14T00:00:00Z"))
        );
        for bad in ["1H", "P", "PT", "P1.5DT1H", "P1X", "PT5"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_and_cycles() {
        assert_eq!(
            parse_date("2025-03-01T10:00:00").unwrap(),
            ts("2025-03-01T10:00:00Z")
        );
        assert_eq!(
            parse_date("2025-03-01T10:00:00+02:00").unwrap(),
            ts("2025-03-01T08:00:00Z")
        );
        assert_eq!(
            parse_date("2025-03-01").unwrap(),
            ts("2025-03-01T00:00:00Z")
        );
        let c = parse_cycle("R3/PT10M").unwrap();
        assert_eq!(c.repetitions, Some(3));
        assert_eq!(
            c.first_due(ts("2025-01-01T00:00:00Z")),
            Some(ts("2025-01-01T00:10:00Z"))
        );
        let c = parse_cycle("R/2025-01-01T08:00:00Z/P1D").unwrap();
        assert_eq!(c.repetitions, None);
        assert_eq!(
            c.first_due(ts("2020-01-01T00:00:00Z")),
            Some(ts("2025-01-01T08:00:00Z"))
        );
        assert!(parse_cycle("PT1H").is_err());
    }

    #[test]
    fn errors_quote_the_text_and_say_what_is_wrong() {
        let msg = |r: Result<(), Iso8601Error>| r.unwrap_err().to_string();
        let cases = [
            (
                msg(parse_duration(" 1H ").map(drop)),
                "`1H` is not an ISO 8601 duration (it must start with P)",
            ),
            (
                msg(parse_duration("PTH").map(drop)),
                "`PTH` is not an ISO 8601 duration (a number is missing before H)",
            ),
            (
                msg(parse_duration("P1X").map(drop)),
                "`P1X` is not an ISO 8601 duration (unknown unit X)",
            ),
            (
                msg(parse_date("soon").map(drop)),
                "`soon` is not an ISO 8601 date or date-time",
            ),
            (
                msg(parse_cycle("PT1H").map(drop)),
                "`PT1H` is not an ISO 8601 repeating interval (it must start with R)",
            ),
            (
                msg(parse_cycle("Rx/PT1H").map(drop)),
                "`Rx/PT1H`: bad repetition count `x`",
            ),
            (
                msg(parse_cycle("R3/a/b/c").map(drop)),
                "`R3/a/b/c` is not an ISO 8601 repeating interval",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
        assert!(matches!(
            parse_duration("P99999999999Y"),
            Err(Iso8601Error::Range(_))
        ));
    }
}
