//! FEEL times and date-times: a wall-clock time (nanosecond precision)
//! with an optional zone, and a date with such a time. Values with a zone
//! are instants and compare as such; values without one are local and only
//! meet other local values (mixing the two gives null, or false for `=`).
//!
//! Arithmetic follows DMN: adding a days-and-time duration to a date-time in
//! an IANA zone moves the instant (so a day across a summer-time change may
//! be 23 or 25 hours on the clock); adding months moves the calendar.

use std::cmp::Ordering;

use jiff::SignedDuration;
use jiff::civil::Time;

use super::date::{FeelDate, digits};
use super::zone::Zone;

const NANOS_PER_SEC: i128 = 1_000_000_000;
const NANOS_PER_DAY: i128 = 86_400 * NANOS_PER_SEC;

/// A FEEL `time`: a clock time with an optional zone.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeelTime {
    pub time: Time,
    pub zone: Option<Zone>,
}

/// A FEEL `date and time`, with an optional zone.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeelDateTime {
    pub date: FeelDate,
    pub time: Time,
    pub zone: Option<Zone>,
}

/// Nanoseconds since midnight.
fn nanos_of_day(t: Time) -> i128 {
    (i128::from(t.hour()) * 3600 + i128::from(t.minute()) * 60 + i128::from(t.second()))
        * NANOS_PER_SEC
        + i128::from(t.subsec_nanosecond())
}

/// The clock time `n` nanoseconds after midnight, `n` within one day.
fn time_of_nanos(n: i128) -> Option<Time> {
    let secs = n / NANOS_PER_SEC;
    Time::new(
        i8::try_from(secs / 3600).ok()?,
        i8::try_from((secs / 60) % 60).ok()?,
        i8::try_from(secs % 60).ok()?,
        i32::try_from(n % NANOS_PER_SEC).ok()?,
    )
    .ok()
}

/// A day-time duration of `n` nanoseconds.
pub(crate) fn duration_of_nanos(n: i128) -> Option<SignedDuration> {
    Some(SignedDuration::new(
        i64::try_from(n / NANOS_PER_SEC).ok()?,
        i32::try_from(n % NANOS_PER_SEC).ok()?,
    ))
}

/// Parses `hh:mm:ss[.fffffffff]` (two digits each, up to nine decimals);
/// `24:00:00` is the midnight that ends the day, flagged by the `true`.
fn parse_clock(s: &str) -> Option<(Time, bool)> {
    let (hms, frac) = match s.split_once('.') {
        Some((hms, f)) if (1..=9).contains(&f.len()) => (hms, digits(f).map(|_| f)?),
        Some(_) => return None,
        None => (s, ""),
    };
    let mut parts = hms.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.len() != 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let (h, m, sec) = (digits(h)?, digits(m)?, digits(sec)?);
    let nanos = if frac.is_empty() {
        0
    } else {
        digits(frac)? * 10i64.pow(9 - frac.len() as u32)
    };
    if h == 24 && m == 0 && sec == 0 && nanos == 0 {
        return Some((Time::midnight(), true));
    }
    let t = Time::new(
        i8::try_from(h).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(sec).ok()?,
        i32::try_from(nanos).ok()?,
    )
    .ok()?;
    Some((t, false))
}

/// Splits a clock time from its zone (`Z`, `±hh:mm`, `@Region/City`).
fn split_zone(s: &str) -> Option<(&str, Option<Zone>)> {
    match s.find(['Z', 'z', '+', '-', '@']) {
        None => Some((s, None)),
        Some(i) => Some((&s[..i], Some(Zone::parse(&s[i..])?))),
    }
}

/// Parses `hh:mm:ss[.fff][zone]`.
pub(crate) fn parse_time(s: &str) -> Option<FeelTime> {
    let (clock, zone) = split_zone(s.trim())?;
    let (time, _) = parse_clock(clock)?;
    Some(FeelTime { time, zone })
}

/// Parses `YYYY-MM-DDThh:mm:ss[.fff][zone]`, or a date alone (midnight,
/// no zone). `T24:00:00` is midnight of the next day.
pub(crate) fn parse_date_time(s: &str) -> Option<FeelDateTime> {
    let s = s.trim();
    let Some((d, t)) = s.split_once('T') else {
        return Some(FeelDateTime {
            date: FeelDate::parse(s)?,
            time: Time::midnight(),
            zone: None,
        });
    };
    let mut date = FeelDate::parse(d)?;
    let (clock, zone) = split_zone(t)?;
    let (time, next_day) = parse_clock(clock)?;
    if next_day {
        date = date.add_days(1)?;
    }
    Some(FeelDateTime { date, time, zone })
}

/// `hh:mm:ss` with the fraction of a second when there is one.
fn format_clock(t: Time) -> String {
    let mut s = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    let nanos = t.subsec_nanosecond();
    if nanos > 0 {
        s.push('.');
        s.push_str(format!("{nanos:09}").trim_end_matches('0'));
    }
    s
}

fn with_zone(mut s: String, zone: Option<&Zone>) -> String {
    if let Some(z) = zone {
        s.push_str(&z.to_string());
    }
    s
}

/// `10:30:00`, `10:30:00.5+01:00`, `10:30:00@Europe/Paris`.
pub(crate) fn format_time(t: &FeelTime) -> String {
    with_zone(format_clock(t.time), t.zone.as_ref())
}

/// `2018-12-10T10:30:00@Europe/Paris` and the like.
pub(crate) fn format_date_time(t: &FeelDateTime) -> String {
    with_zone(
        format!("{}T{}", t.date, format_clock(t.time)),
        t.zone.as_ref(),
    )
}

impl FeelDateTime {
    /// Midnight at the start of `date`, without a zone.
    pub fn at_midnight(date: FeelDate, zone: Option<Zone>) -> FeelDateTime {
        FeelDateTime {
            date,
            time: Time::midnight(),
            zone,
        }
    }

    /// Nanoseconds of the wall-clock value since 1970-01-01T00:00.
    fn local_nanos(&self) -> i128 {
        i128::from(self.date.days()) * NANOS_PER_DAY + nanos_of_day(self.time)
    }

    /// The offset in force, in seconds east of UTC (`None` without a zone).
    pub fn offset(&self) -> Option<i32> {
        Some(self.zone.as_ref()?.offset_at_local(self.date, self.time))
    }

    /// Nanoseconds since the Unix epoch, for a value with a zone.
    fn instant(&self) -> Option<i128> {
        Some(self.local_nanos() - i128::from(self.offset()?) * NANOS_PER_SEC)
    }

    fn from_local_nanos(n: i128, zone: Option<Zone>) -> Option<FeelDateTime> {
        let days = i64::try_from(n.div_euclid(NANOS_PER_DAY)).ok()?;
        Some(FeelDateTime {
            date: FeelDate::from_days(days)?,
            time: time_of_nanos(n.rem_euclid(NANOS_PER_DAY))?,
            zone,
        })
    }

    fn from_instant(n: i128, zone: Zone) -> Option<FeelDateTime> {
        let secs = i64::try_from(n.div_euclid(NANOS_PER_SEC)).ok()?;
        let local = n + i128::from(zone.offset_at_instant(secs)) * NANOS_PER_SEC;
        FeelDateTime::from_local_nanos(local, Some(zone))
    }

    /// The date-time `d` later: the instant moves in an IANA zone, the
    /// clock elsewhere (the same thing for a fixed offset).
    pub fn add_duration(&self, d: SignedDuration) -> Option<FeelDateTime> {
        match &self.zone {
            Some(z @ Zone::Named(_)) => {
                FeelDateTime::from_instant(self.instant()? + d.as_nanos(), z.clone())
            }
            zone => FeelDateTime::from_local_nanos(self.local_nanos() + d.as_nanos(), zone.clone()),
        }
    }

    /// The same clock time and zone `months` later on the calendar.
    pub fn add_months(&self, months: i64) -> Option<FeelDateTime> {
        Some(FeelDateTime {
            date: self.date.add_months(months)?,
            ..self.clone()
        })
    }
}

/// Both values' instants or both local values, whichever applies; `None`
/// when only one has a zone.
fn comparable(a: &FeelDateTime, b: &FeelDateTime) -> Option<(i128, i128)> {
    match (&a.zone, &b.zone) {
        (Some(_), Some(_)) => Some((a.instant()?, b.instant()?)),
        (None, None) => Some((a.local_nanos(), b.local_nanos())),
        _ => None,
    }
}

/// Orders two date-times (null when only one has a zone).
pub(crate) fn cmp_date_time(a: &FeelDateTime, b: &FeelDateTime) -> Option<Ordering> {
    comparable(a, b).map(|(x, y)| x.cmp(&y))
}

/// FEEL `=` on date-times: to the second (the TCK's reading of DMN's
/// value semantics); one with a zone and one without are never equal.
pub(crate) fn eq_date_time(a: &FeelDateTime, b: &FeelDateTime) -> bool {
    comparable(a, b)
        .is_some_and(|(x, y)| x.div_euclid(NANOS_PER_SEC) == y.div_euclid(NANOS_PER_SEC))
}

/// `a - b` (null when only one has a zone).
pub(crate) fn date_time_diff(a: &FeelDateTime, b: &FeelDateTime) -> Option<SignedDuration> {
    comparable(a, b).and_then(|(x, y)| duration_of_nanos(x - y))
}

/// A time's position on a common axis: for zoned times, nanoseconds after
/// midnight UTC (an IANA zone taking its offset of 1970-01-01, as a time
/// has no date to pick summer or winter), else after local midnight.
fn time_key(t: &FeelTime) -> i128 {
    let offset = t.zone.as_ref().map_or(0, |z| {
        let epoch = FeelDate::new(1970, 1, 1).unwrap_or_else(|| unreachable!());
        z.offset_at_local(epoch, t.time)
    });
    nanos_of_day(t.time) - i128::from(offset) * NANOS_PER_SEC
}

fn comparable_times(a: &FeelTime, b: &FeelTime) -> Option<(i128, i128)> {
    (a.zone.is_some() == b.zone.is_some()).then(|| (time_key(a), time_key(b)))
}

/// Orders two times (null when only one has a zone).
pub(crate) fn cmp_time(a: &FeelTime, b: &FeelTime) -> Option<Ordering> {
    comparable_times(a, b).map(|(x, y)| x.cmp(&y))
}

/// FEEL `=` on times: to the second, never equal when only one has a zone.
pub(crate) fn eq_time(a: &FeelTime, b: &FeelTime) -> bool {
    comparable_times(a, b)
        .is_some_and(|(x, y)| x.div_euclid(NANOS_PER_SEC) == y.div_euclid(NANOS_PER_SEC))
}

/// `a - b` on times (null when only one has a zone).
pub(crate) fn time_diff(a: &FeelTime, b: &FeelTime) -> Option<SignedDuration> {
    comparable_times(a, b).and_then(|(x, y)| duration_of_nanos(x - y))
}

/// The clock `d` later, wrapping around midnight; the zone is kept.
pub(crate) fn add_time(t: &FeelTime, d: SignedDuration) -> Option<FeelTime> {
    let n = (nanos_of_day(t.time) + d.as_nanos()).rem_euclid(NANOS_PER_DAY);
    Some(FeelTime {
        time: time_of_nanos(n)?,
        zone: t.zone.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> FeelDateTime {
        parse_date_time(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn tm(s: &str) -> FeelTime {
        parse_time(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn parse_and_print_keep_the_zone() {
        for s in [
            "2011-12-31T10:15:30@Europe/Paris",
            "2011-12-31T10:15:30.123456789@Etc/UTC",
            "-2017-12-31T11:22:33.456+01:35",
            "999999999-12-31T23:59:59.999999999@Europe/Paris",
            "2024-02-29T23:00:00Z",
        ] {
            assert_eq!(format_date_time(&dt(s)), s);
        }
        assert_eq!(format_date_time(&dt("2012-12-24")), "2012-12-24T00:00:00");
        assert_eq!(
            format_date_time(&dt("2021-01-01T24:00:00")),
            "2021-01-02T00:00:00"
        );
        assert_eq!(format_time(&tm("00:01:00@Etc/UTC")), "00:01:00@Etc/UTC");
        assert_eq!(format_time(&tm("10:30:00.500+01:00")), "10:30:00.5+01:00");
        for bad in [
            "23:59:60",
            "13:20:00+5:00",
            "13:20:00+5",
            "1:20:00",
            "10:30",
            "10:30:00.",
            "10:30:00@Mars/Base",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(parse_date_time("2017-12-31T13:20:00+05:0"), None);
    }

    #[test]
    fn zones_compare_as_instants_and_local_values_apart() {
        let cmp = |a: &str, b: &str| cmp_date_time(&dt(a), &dt(b));
        assert_eq!(
            cmp("2024-01-01T10:00:00+01:00", "2024-01-01T09:30:00Z"),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp(
                "2018-10-08T00:00:00+02:00",
                "2018-10-08T00:00:00@Europe/Paris"
            ),
            Some(Ordering::Equal)
        );
        assert_eq!(cmp("2018-12-08T00:00:00", "2018-12-08T00:00:00Z"), None);
        assert!(!eq_date_time(
            &dt("2018-12-08T00:00:00@Europe/Paris"),
            &dt("2018-12-08T00:00:00@Asia/Dhaka")
        ));
        assert!(eq_date_time(
            &dt("2018-12-08T00:00:00.0001"),
            &dt("2018-12-08T00:00:00")
        ));
        assert!(!eq_date_time(
            &dt("2018-12-08T00:00:00"),
            &dt("2018-12-08T00:00:00Z")
        ));
        assert!(eq_time(&tm("10:30:00Z"), &tm("10:30:00+00:00")));
        assert!(eq_time(&tm("10:30:00.0001"), &tm("10:30:00.0002")));
        assert_eq!(cmp_time(&tm("10:30:00"), &tm("10:30:00Z")), None);
    }

    #[test]
    fn differences() {
        let diff = |a: &str, b: &str| date_time_diff(&dt(a), &dt(b));
        assert_eq!(
            diff(
                "2021-01-02T10:10:10@Europe/Paris",
                "2021-01-01T10:10:10@Asia/Dhaka"
            ),
            Some(SignedDuration::from_hours(29))
        );
        assert_eq!(
            diff("2021-01-02T10:10:10+02:00", "2021-01-01T10:10:10"),
            None
        );
        assert_eq!(
            time_diff(
                &tm("10:10:10@Australia/Melbourne"),
                &tm("11:10:10@Australia/Melbourne")
            ),
            Some(SignedDuration::from_hours(-1))
        );
    }

    #[test]
    fn adding_across_summer_time() {
        // Paris went to summer time at 02:00 on 2018-03-25: 24 hours after
        // 12:00 the day before is 13:00 on the clock.
        let t = dt("2018-03-24T12:00:00@Europe/Paris");
        let later = t.add_duration(SignedDuration::from_hours(24)).unwrap();
        assert_eq!(format_date_time(&later), "2018-03-25T13:00:00@Europe/Paris");
        assert_eq!(
            format_date_time(&t.add_months(1).unwrap()),
            "2018-04-24T12:00:00@Europe/Paris"
        );
        let neg = dt("-2021-01-01T10:10:10+11:00");
        assert_eq!(
            format_date_time(&neg.add_duration(SignedDuration::from_hours(-24)).unwrap()),
            "-2022-12-31T10:10:10+11:00"
        );
        let w = add_time(&tm("23:30:00@Etc/UTC"), SignedDuration::from_hours(1)).unwrap();
        assert_eq!(format_time(&w), "00:30:00@Etc/UTC");
    }
}
