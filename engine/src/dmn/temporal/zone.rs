//! Time zones of FEEL times and date-times: a fixed UTC offset (`Z`,
//! `+05:30`) or an IANA zone (`@Europe/Paris`). Zones come from the tz
//! database bundled into the binary with jiff, so results do not depend on
//! the machine's zoneinfo files.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{self, TimeZone};

use super::date::{FeelDate, days_in_month};

/// The zone of a time or date-time.
#[derive(Debug, Clone)]
pub(crate) enum Zone {
    /// A fixed offset, in seconds east of UTC.
    Offset(i32),
    /// An IANA zone; its offset depends on the date (summer time).
    Named(TimeZone),
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        match (self, other) {
            (Zone::Offset(a), Zone::Offset(b)) => a == b,
            (Zone::Named(a), Zone::Named(b)) => a.iana_name() == b.iana_name(),
            _ => false,
        }
    }
}

/// Offsets beyond ±18:00 do not exist anywhere (and XML Schema refuses
/// them).
const MAX_OFFSET: i32 = 18 * 3600;

impl Zone {
    /// UTC, as `Z`.
    pub const UTC: Zone = Zone::Offset(0);

    /// Parses `Z`, `±hh:mm` (two digits each, at most 18 hours) or
    /// `@Region/City`.
    pub fn parse(s: &str) -> Option<Zone> {
        if s == "Z" || s == "z" {
            return Some(Zone::UTC);
        }
        if let Some(name) = s.strip_prefix('@') {
            return Zone::named(name);
        }
        let sign = match s.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (h, m) = s[1..].split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m) = (super::date::digits(h)?, super::date::digits(m)?);
        if m > 59 {
            return None;
        }
        Zone::from_offset_seconds(sign * (h * 3600 + m * 60))
    }

    /// The IANA zone `name`, if the bundled database has it.
    pub fn named(name: &str) -> Option<Zone> {
        if name.is_empty() {
            return None;
        }
        tz::db().get(name).ok().map(Zone::Named)
    }

    /// A fixed offset of `secs` seconds, within ±18 hours.
    pub fn from_offset_seconds(secs: i64) -> Option<Zone> {
        let secs = i32::try_from(secs).ok()?;
        (secs.abs() <= MAX_OFFSET).then_some(Zone::Offset(secs))
    }

    /// The IANA name of a named zone.
    pub fn name(&self) -> Option<&str> {
        match self {
            Zone::Named(tz) => tz.iana_name(),
            Zone::Offset(_) => None,
        }
    }

    /// The offset, in seconds, in force at the wall-clock time `date` `time`
    /// (for a time that a clock change skips or repeats, the offset before
    /// the change, as java.time and jiff's `compatible` do).
    pub fn offset_at_local(&self, date: FeelDate, time: Time) -> i32 {
        match self {
            Zone::Offset(s) => *s,
            Zone::Named(tz) => {
                let dt = DateTime::from_parts(jiff_date(date), time);
                tz.to_ambiguous_timestamp(dt)
                    .compatible()
                    .map_or(0, |ts| tz.to_offset(ts).seconds())
            }
        }
    }

    /// The offset, in seconds, in force at `secs` seconds since the Unix
    /// epoch.
    pub fn offset_at_instant(&self, secs: i64) -> i32 {
        match self {
            Zone::Offset(s) => *s,
            Zone::Named(tz) => {
                let clamped = secs.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
                Timestamp::from_second(clamped).map_or(0, |ts| tz.to_offset(ts).seconds())
            }
        }
    }
}

/// The jiff date for `d`; years beyond ±9998 take the rules of the nearest
/// year jiff can place on its timeline (its instants stop a day short of
/// ±9999, and the tz database has nothing to say about such years anyway).
fn jiff_date(d: FeelDate) -> Date {
    let y = d.year().clamp(-9998, 9998);
    let day = d.day().min(days_in_month(y, d.month()));
    Date::new(y as i16, d.month() as i8, day as i8).unwrap_or(Date::ZERO)
}

/// `Z` for UTC, else `+hh:mm` (with `:ss` when the offset has seconds).
pub(crate) fn format_offset(secs: i32) -> String {
    if secs == 0 {
        return "Z".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let mut s = format!("{sign}{:02}:{:02}", a / 3600, (a / 60) % 60);
    if a % 60 != 0 {
        s.push_str(&format!(":{:02}", a % 60));
    }
    s
}

impl fmt::Display for Zone {
    /// `Z`, `+05:30` or `@Europe/Paris`, as FEEL writes them after a time.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Offset(s) => f.write_str(&format_offset(*s)),
            Zone::Named(tz) => write!(f, "@{}", tz.iana_name().unwrap_or("UTC")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Time {
        s.parse().unwrap()
    }

    #[test]
    fn parses_offsets_strictly() {
        assert_eq!(Zone::parse("Z"), Some(Zone::UTC));
        assert_eq!(Zone::parse("+05:30"), Some(Zone::Offset(19_800)));
        assert_eq!(Zone::parse("-01:00"), Some(Zone::Offset(-3600)));
        for bad in [
            "+5:00",
            "+5",
            "+05:0",
            "+19:00",
            "05:00",
            "@",
            "@Nowhere/Land",
        ] {
            assert_eq!(Zone::parse(bad), None, "{bad}");
        }
        assert_eq!(Zone::parse("+01:00").unwrap().to_string(), "+01:00");
        assert_eq!(Zone::parse("-00:00").unwrap().to_string(), "Z");
    }

    #[test]
    fn named_zones_follow_summer_time() {
        let paris = Zone::parse("@Europe/Paris").unwrap();
        assert_eq!(paris.to_string(), "@Europe/Paris");
        assert_eq!(paris.name(), Some("Europe/Paris"));
        let winter = FeelDate::parse("2018-02-08").unwrap();
        let summer = FeelDate::parse("2018-10-08").unwrap();
        assert_eq!(paris.offset_at_local(winter, t("00:00")), 3600);
        assert_eq!(paris.offset_at_local(summer, t("00:00")), 7200);
        // 2018-10-28 01:00 UTC: Paris went back from +02:00 to +01:00.
        assert_eq!(paris.offset_at_instant(1_540_688_400 - 1), 7200);
        assert_eq!(paris.offset_at_instant(1_540_688_400), 3600);
        // Far years borrow the rules of the nearest year jiff knows.
        let far = FeelDate::parse("999999999-12-31").unwrap();
        assert_eq!(paris.offset_at_local(far, t("23:59")), 3600);
    }
}
