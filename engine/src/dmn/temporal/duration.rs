//! FEEL durations: years-and-months durations (a count of months, since a
//! month has no fixed length) and days-and-time durations (an exact span),
//! read from and written as ISO 8601 / XML Schema text (`P1Y2M`,
//! `-P1DT2H30.5S`). The parser is ours rather than jiff's because FEEL
//! allows values far beyond jiff's spans (`P999999999M`).

use jiff::SignedDuration;

/// A parsed ISO 8601 duration: FEEL keeps years-and-months apart from
/// days-and-time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Duration {
    /// Days, hours, minutes and seconds.
    DayTime(SignedDuration),
    /// Years and months, in months.
    YearMonth(i64),
}

/// The number before each designator of a duration, in order.
struct Parts {
    years: i128,
    months: i128,
    days: i128,
    hours: i128,
    minutes: i128,
    seconds: i128,
    nanos: i128,
}

/// Parses `[-]PnYnMnWnDTnHnMn.nS` (each part optional, at least one
/// present, seconds alone may have a fraction). A duration that mixes
/// months with days or time is not a FEEL duration.
pub(crate) fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let body = body.strip_prefix('P')?;
    let (date_part, time_part) = match body.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (body, None),
    };
    let mut p = Parts {
        years: 0,
        months: 0,
        days: 0,
        hours: 0,
        minutes: 0,
        seconds: 0,
        nanos: 0,
    };
    let mut seen_ym = false;
    let mut seen_dt = false;
    let mut order = 0;
    for (num, unit) in components(date_part)? {
        let rank = match unit {
            'Y' => 1,
            'M' => 2,
            'W' => 3,
            'D' => 4,
            _ => return None,
        };
        if rank <= order || num.contains('.') {
            return None;
        }
        order = rank;
        let n: i128 = num.parse().ok()?;
        match unit {
            'Y' => p.years = n,
            'M' => p.months = n,
            'W' => p.days += n * 7,
            _ => p.days += n,
        }
        if rank <= 2 {
            seen_ym = true;
        } else {
            seen_dt = true;
        }
    }
    if let Some(t) = time_part {
        let mut order = 0;
        for (num, unit) in components(t)? {
            let rank = match unit {
                'H' => 1,
                'M' => 2,
                'S' => 3,
                _ => return None,
            };
            if rank <= order || (unit != 'S' && num.contains('.')) {
                return None;
            }
            order = rank;
            match unit {
                'H' => p.hours = num.parse().ok()?,
                'M' => p.minutes = num.parse().ok()?,
                _ => (p.seconds, p.nanos) = seconds(num)?,
            }
        }
        seen_dt = true;
    }
    let sign: i128 = if neg { -1 } else { 1 };
    match (seen_ym, seen_dt) {
        (true, false) => Some(Duration::YearMonth(
            i64::try_from(sign * (p.years.checked_mul(12)? + p.months)).ok()?,
        )),
        (false, true) => {
            let secs = p.days * 86_400 + p.hours * 3600 + p.minutes * 60 + p.seconds;
            let secs = i64::try_from(sign * secs).ok()?;
            let nanos = i32::try_from(sign * p.nanos).ok()?;
            Some(Duration::DayTime(SignedDuration::new(secs, nanos)))
        }
        _ => None,
    }
}

/// Splits `1Y2M` into `[("1", 'Y'), ("2", 'M')]`; numbers are digits with
/// at most one `.`.
fn components(s: &str) -> Option<Vec<(&str, char)>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() || c == '.' {
            continue;
        }
        let num = &s[start..i];
        if num.is_empty() || !num.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if num.matches('.').count() > 1 || num.len() > 30 {
            return None;
        }
        out.push((num, c));
        start = i + c.len_utf8();
    }
    (start == s.len()).then_some(out)
}

/// Whole seconds and nanoseconds of `12.5` (`12.` is 12 seconds; digits
/// beyond nanoseconds are dropped).
fn seconds(num: &str) -> Option<(i128, i128)> {
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    let mut nanos = 0i128;
    for (i, b) in frac.bytes().take(9).enumerate() {
        nanos += i128::from(b - b'0') * 10i128.pow(8 - i as u32);
    }
    Some((whole.parse().ok()?, nanos))
}

/// `P1DT2H3M4.5S`, `-PT5M`, `PT0S`.
pub(crate) fn format_day_time(d: SignedDuration) -> String {
    if d.is_zero() {
        return "PT0S".into();
    }
    let sign = if d.is_negative() { "-" } else { "" };
    let total = d.as_secs().unsigned_abs();
    let nanos = d.subsec_nanos().unsigned_abs();
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
        if nanos > 0 {
            let frac = format!("{nanos:09}");
            out.push_str(&format!("{s}.{}S", frac.trim_end_matches('0')));
        } else if s > 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    out
}

/// `P1Y2M`, `-P3M`, `P0M`.
pub(crate) fn format_year_month(months: i64) -> String {
    let sign = if months < 0 { "-" } else { "" };
    let a = months.unsigned_abs();
    match (a / 12, a % 12) {
        (0, m) => format!("{sign}P{m}M"),
        (y, 0) => format!("{sign}P{y}Y"),
        (y, m) => format!("{sign}P{y}Y{m}M"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day_time(s: &str) -> SignedDuration {
        match parse_duration(s) {
            Some(Duration::DayTime(d)) => d,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn months(s: &str) -> i64 {
        match parse_duration(s) {
            Some(Duration::YearMonth(m)) => m,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn round_trips() {
        for s in ["P1DT2H3M4.5S", "-PT5M", "PT0S", "P2D", "PT0.000000001S"] {
            assert_eq!(format_day_time(day_time(s)), s);
        }
        for s in ["P1Y2M", "-P3M", "P2Y", "P0M"] {
            assert_eq!(format_year_month(months(s)), s);
        }
    }

    #[test]
    fn reads_large_negative_and_odd_forms() {
        assert_eq!(months("P999999999M"), 999_999_999);
        assert_eq!(format_year_month(months("-P999999999M")), "-P83333333Y3M");
        assert_eq!(format_year_month(months("P99999999Y")), "P99999999Y");
        assert_eq!(day_time("PT0.S"), SignedDuration::ZERO);
        assert_eq!(day_time("P1W"), SignedDuration::from_hours(168));
        assert_eq!(format_day_time(day_time("PT36H")), "P1DT12H");
        assert_eq!(format_day_time(day_time("-PT1.5S")), "-PT1.5S");
        assert_eq!(format_day_time(day_time("P999999999D")), "P999999999D");
    }

    #[test]
    fn refuses_what_is_not_a_feel_duration() {
        for bad in [
            "P", "PT", "P1Y2D", "1D", "P1.5D", "PT1.5H", "P1M1Y", "PT1S2M", "P-1D", "P1DT", "PxD",
            "PT1..2S",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
