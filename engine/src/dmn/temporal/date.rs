//! FEEL calendar dates: the proleptic Gregorian calendar over years
//! -999,999,999 to 999,999,999, as DMN asks (jiff's civil dates stop at
//! ±9999). Dates are counted in days from 1970-01-01, so adding days,
//! subtracting dates and finding the weekday are integer arithmetic.

use std::fmt;

/// The largest year (and, negated, the smallest) FEEL dates accept.
pub(crate) const MAX_YEAR: i64 = 999_999_999;

/// A FEEL `date`: year (astronomical numbering: year 0 is 1 BC), month and
/// day. The derived order is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FeelDate {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(y: i64) -> bool {
    y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0)
}

/// The number of days in month `m` of year `y`.
pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FeelDate {
    /// The date `y-m-d`, or `None` when it does not exist or is out of range.
    pub fn new(y: i64, m: i64, d: i64) -> Option<FeelDate> {
        if !(-MAX_YEAR..=MAX_YEAR).contains(&y) || !(1..=12).contains(&m) {
            return None;
        }
        if !(1..=days_in_month(y, m)).contains(&d) {
            return None;
        }
        Some(FeelDate {
            year: i32::try_from(y).ok()?,
            month: u8::try_from(m).ok()?,
            day: u8::try_from(d).ok()?,
        })
    }

    /// The year (negative before year 0).
    pub fn year(self) -> i64 {
        i64::from(self.year)
    }

    /// The month, 1 to 12.
    pub fn month(self) -> i64 {
        i64::from(self.month)
    }

    /// The day of the month, from 1.
    pub fn day(self) -> i64 {
        i64::from(self.day)
    }

    /// Days since 1970-01-01 (negative before), by the usual era
    /// arithmetic: 400-year eras of 146,097 days, years starting in March so
    /// the leap day comes last.
    pub fn days(self) -> i64 {
        let (m, d) = (self.month(), self.day());
        let y = self.year() - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (the inverse of [`FeelDate::days`]).
    pub fn from_days(days: i64) -> Option<FeelDate> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era.checked_mul(400)? + i64::from(m <= 2);
        FeelDate::new(y, m, d)
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i64) -> Option<FeelDate> {
        FeelDate::from_days(self.days().checked_add(n)?)
    }

    /// The date `n` months later; a day past the end of the new month
    /// becomes its last day (January 31 + 1 month = February 28 or 29).
    pub fn add_months(self, n: i64) -> Option<FeelDate> {
        let total = (self.year() * 12 + self.month() - 1).checked_add(n)?;
        let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        FeelDate::new(y, m, self.day().min(days_in_month(y, m)))
    }

    /// ISO weekday: 1 for Monday to 7 for Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> i64 {
        (self.days() + 3).rem_euclid(7) + 1
    }

    /// The day of the year, from 1.
    pub fn ordinal(self) -> i64 {
        let jan1 = FeelDate {
            month: 1,
            day: 1,
            ..self
        };
        self.days() - jan1.days() + 1
    }

    /// The ISO 8601 week number: weeks start on Monday and week 1 holds the
    /// year's first Thursday, so early January can be in the last week of
    /// the year before and late December in week 1 of the next.
    pub fn iso_week(self) -> i64 {
        let week = (self.ordinal() - self.weekday() + 10) / 7;
        if week < 1 {
            weeks_in_year(self.year() - 1)
        } else if week > weeks_in_year(self.year()) {
            1
        } else {
            week
        }
    }

    /// Parses `YYYY-MM-DD`, with a `-` for years before year 0 and more
    /// than four digits for years past 9999 (then without leading zeros,
    /// as XML Schema says).
    pub fn parse(s: &str) -> Option<FeelDate> {
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let mut parts = body.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() < 4 || (y.len() > 4 && y.starts_with('0')) {
            return None;
        }
        if m.len() != 2 || d.len() != 2 {
            return None;
        }
        let year: i64 = digits(y)?;
        FeelDate::new(if neg { -year } else { year }, digits(m)?, digits(d)?)
    }
}

/// 53 when the year starts on a Thursday (or a Wednesday in a leap year).
fn weeks_in_year(y: i64) -> i64 {
    let Some(jan1) = FeelDate::new(y, 1, 1) else {
        return 52;
    };
    match jan1.weekday() {
        4 => 53,
        3 if is_leap(y) => 53,
        _ => 52,
    }
}

/// An unsigned decimal made of ASCII digits only (no sign, no spaces).
pub(crate) fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for FeelDate {
    /// `2024-02-29`, `-0044-03-15`, `99999-12-31`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.year < 0 { "-" } else { "" };
        write!(
            f,
            "{sign}{:04}-{:02}-{:02}",
            self.year.unsigned_abs(),
            self.month,
            self.day
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> FeelDate {
        FeelDate::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn parses_wide_and_negative_years() {
        for s in [
            "2024-02-29",
            "-2017-12-31",
            "0000-01-01",
            "99999-12-31",
            "999999999-12-31",
            "-999999999-12-31",
        ] {
            assert_eq!(d(s).to_string(), s);
        }
        for bad in [
            "2023-02-29",
            "24-01-01",
            "02024-01-01",
            "2024-1-01",
            "1000000000-01-01",
            "2024-01-01T00:00:00",
            "+2024-01-01",
        ] {
            assert_eq!(FeelDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_counts_round_trip() {
        assert_eq!(d("1970-01-01").days(), 0);
        assert_eq!(d("2000-03-01").days(), 11_017);
        for s in ["-2021-01-01", "0000-02-29", "1600-12-31", "999999999-12-31"] {
            assert_eq!(FeelDate::from_days(d(s).days()), Some(d(s)));
        }
        // The day before year -2021 starts is the last day of year -2022.
        assert_eq!(d("-2021-01-01").add_days(-1), Some(d("-2022-12-31")));
        assert_eq!(d("999999999-12-31").add_days(1), None);
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        assert_eq!(d("2024-01-31").add_months(1), Some(d("2024-02-29")));
        assert_eq!(d("2023-01-31").add_months(1), Some(d("2023-02-28")));
        assert_eq!(d("-2021-01-01").add_months(-1), Some(d("-2022-12-01")));
        assert_eq!(d("2021-03-15").add_months(-15), Some(d("2019-12-15")));
    }

    #[test]
    fn calendar_positions() {
        assert_eq!(d("1970-01-01").weekday(), 4);
        assert_eq!(d("2019-09-17").weekday(), 2);
        assert_eq!(d("2020-12-31").ordinal(), 366);
        assert_eq!(d("2019-12-31").ordinal(), 365);
        // 2003-12-29 is the Monday of 2004's first week; 2005-01-01 is in
        // week 53 of 2004; 2008-12-29 is in week 1 of 2009.
        assert_eq!(d("2003-12-29").iso_week(), 1);
        assert_eq!(d("2005-01-01").iso_week(), 53);
        assert_eq!(d("2008-12-29").iso_week(), 1);
        assert_eq!(d("2019-09-17").iso_week(), 38);
    }
}
