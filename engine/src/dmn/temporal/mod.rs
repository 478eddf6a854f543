//! FEEL dates, times, date-times and the two kinds of duration: parsing
//! and printing (ISO 8601 / XML Schema text), comparison and arithmetic.
//!
//! One concept per file: [`date`] (a proleptic Gregorian calendar wide
//! enough for DMN's ±999,999,999 years), [`zone`] (fixed offsets and IANA
//! zones from the bundled tz database), [`date_time`] (times and
//! date-times), [`duration`], and [`properties`] (`.year`, `.timezone`…).

mod date;
mod date_time;
mod duration;
mod properties;
mod zone;

pub(crate) use date::FeelDate;
pub(crate) use date_time::{
    FeelDateTime, FeelTime, add_time, cmp_date_time, cmp_time, date_time_diff, eq_date_time,
    eq_time, format_date_time, format_time, parse_date_time, parse_time, time_diff,
};
pub(crate) use duration::{Duration, format_day_time, format_year_month, parse_duration};
pub(crate) use properties::property;
pub(crate) use zone::Zone;

/// Parses `YYYY-MM-DD` (with `-` and more digits for far years).
pub(crate) fn parse_date(s: &str) -> Option<FeelDate> {
    FeelDate::parse(s.trim())
}
