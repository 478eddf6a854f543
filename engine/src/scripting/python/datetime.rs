//! Python's `datetime` values for scripts: `datetime` (naive, or aware with
//! a fixed UTC offset), `date`, `timedelta` and `timezone`, on jiff's civil
//! types. Their text forms (`str`, `isoformat`, `strftime`) and arithmetic
//! follow CPython. "Now" is the instance's clock when the engine set one
//! (a virtual clock in tests), else the real time, read as UTC: the sandbox
//! has no local time zone.

use crate::model::calendar::{MONTHS, WEEKDAYS};
use std::cell::Cell;
use std::cmp::Ordering;

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

type Res<T> = Result<T, String>;

thread_local! {
    /// The time scripts on this thread see as "now" (None: the real clock).
    static NOW: Cell<Option<Timestamp>> = const { Cell::new(None) };
}

/// Sets the time scripts on this thread read as "now" (`None`: the real
/// clock) and returns the previous setting.
pub fn set_script_now(now: Option<Timestamp>) -> Option<Timestamp> {
    NOW.with(|n| n.replace(now))
}

/// Sets the time scripts on this thread read as "now" until dropped
/// (the runtime passes an instance's virtual clock this way).
pub struct ScriptNow(Option<Timestamp>);

impl ScriptNow {
    /// Makes `now` this thread's "now" (`None`: the real clock) until the
    /// guard is dropped, when the previous value comes back.
    pub fn set(now: Option<Timestamp>) -> Self {
        ScriptNow(set_script_now(now))
    }
}

impl Drop for ScriptNow {
    fn drop(&mut self) {
        set_script_now(self.0);
    }
}

/// What scripts read as the current time.
pub fn script_now() -> Timestamp {
    NOW.with(|n| n.get()).unwrap_or_else(Timestamp::now)
}

/// A `datetime.datetime`: civil time and, when aware, its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyDateTime {
    pub dt: DateTime,
    pub offset: Option<Offset>,
}

/// A `datetime.date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyDate(pub Date);

/// A `datetime.timedelta`, as whole microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PyTimeDelta(pub i128);

/// A `datetime.timezone` (a fixed offset; `timezone.utc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyTimezone(pub Offset);

const MICROS_PER_DAY: i128 = 86_400_000_000;

fn err<T>(e: impl std::fmt::Display) -> Res<T> {
    Err(format!("ValueError: {e}"))
}

fn overflow<T>() -> Res<T> {
    Err("OverflowError: date value out of range".into())
}

fn micros_of(dt: DateTime) -> i64 {
    (dt.subsec_nanosecond() / 1000) as i64
}

fn offset_text(o: Offset, colon: bool) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    let (h, m, sec) = (a / 3600, a / 60 % 60, a % 60);
    let sep = if colon { ":" } else { "" };
    let mut out = format!("{sign}{h:02}{sep}{m:02}");
    if sec != 0 {
        out.push_str(&format!("{sep}{sec:02}"));
    }
    out
}

impl PyTimeDelta {
    /// Python's normalised parts: days (any sign), seconds in 0..86400,
    /// microseconds in 0..1_000_000.
    pub fn parts(self) -> (i128, i128, i128) {
        let days = self.0.div_euclid(MICROS_PER_DAY);
        let rest = self.0.rem_euclid(MICROS_PER_DAY);
        (days, rest / 1_000_000, rest % 1_000_000)
    }

    pub fn total_seconds(self) -> f64 {
        self.0 as f64 / 1e6
    }

    fn duration(self) -> Res<SignedDuration> {
        if self.0.unsigned_abs() > 1_000_000 * 86_400 * 1_000_000 {
            return overflow();
        }
        Ok(SignedDuration::from_micros_i128(self.0))
    }

    /// Whole days and the rest, for date arithmetic (dates ignore the rest).
    fn days(self) -> i128 {
        self.0.div_euclid(MICROS_PER_DAY)
    }
}

impl std::fmt::Display for PyTimeDelta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (d, s, us) = self.parts();
        if d != 0 {
            let plural = if d.abs() == 1 { "" } else { "s" };
            write!(f, "{d} day{plural}, ")?;
        }
        write!(f, "{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)?;
        if us != 0 {
            write!(f, ".{us:06}")?;
        }
        Ok(())
    }
}

impl PyDateTime {
    /// `datetime(year, month, day, hour, minute, second, microsecond)`.
    pub fn new(p: [i64; 7], offset: Option<Offset>) -> Res<Self> {
        let small = |v: i64| i8::try_from(v).unwrap_or(-1);
        if !(1..=9999).contains(&p[0]) || !(0..1_000_000).contains(&p[6]) {
            return err("year or microsecond is out of range");
        }
        let dt = DateTime::new(
            p[0] as i16,
            small(p[1]),
            small(p[2]),
            small(p[3]),
            small(p[4]),
            small(p[5]),
            (p[6] * 1000) as i32,
        );
        match dt {
            Ok(dt) => Ok(PyDateTime { dt, offset }),
            Err(e) => err(e),
        }
    }

    /// `datetime.now(tz)`: naive UTC without a zone.
    pub fn now(offset: Option<Offset>) -> Self {
        Self::from_timestamp(script_now(), offset)
    }

    fn from_timestamp(ts: Timestamp, offset: Option<Offset>) -> Self {
        let dt = offset.unwrap_or(Offset::UTC).to_datetime(ts);
        // Python's datetimes have microseconds.
        let dt = dt
            .with()
            .subsec_nanosecond(dt.subsec_nanosecond() / 1000 * 1000)
            .build()
            .unwrap_or(dt);
        PyDateTime { dt, offset }
    }

    /// `datetime.fromtimestamp(seconds, tz)`.
    pub fn from_seconds(secs: f64, offset: Option<Offset>) -> Res<Self> {
        let us = (secs * 1e6).round();
        if !us.is_finite() || us.abs() > 2.5e17 {
            return overflow();
        }
        match Timestamp::from_microsecond(us as i64) {
            Ok(ts) => Ok(Self::from_timestamp(ts, offset)),
            Err(e) => err(e),
        }
    }

    /// The instant (naive values are read as UTC).
    fn instant(self) -> Res<Timestamp> {
        self.offset
            .unwrap_or(Offset::UTC)
            .to_timestamp(self.dt)
            .or_else(|_| overflow())
    }

    /// `.timestamp()`: POSIX seconds.
    pub fn timestamp(self) -> Res<f64> {
        Ok(self.instant()?.as_microsecond() as f64 / 1e6)
    }

    pub fn isoformat(self, sep: char) -> String {
        let d = self.dt;
        let mut s = format!(
            "{}{sep}{:02}:{:02}:{:02}",
            PyDate(d.date()),
            d.hour(),
            d.minute(),
            d.second()
        );
        let us = micros_of(d);
        if us != 0 {
            s.push_str(&format!(".{us:06}"));
        }
        if let Some(o) = self.offset {
            s.push_str(&offset_text(o, true));
        }
        s
    }

    /// `datetime.fromisoformat`: `YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]]][Z|±HH:MM]`.
    pub fn parse_iso(s: &str) -> Res<Self> {
        let bad = || format!("ValueError: Invalid isoformat string: '{s}'");
        let t = s.trim();
        let (body, offset) = split_offset(t).ok_or_else(bad)?;
        let (date, time) = match body.find(['T', ' ']) {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, ""),
        };
        let date = PyDate::parse_iso(date).map_err(|_| bad())?.0;
        let mut p = [
            date.year() as i64,
            date.month() as i64,
            date.day() as i64,
            0,
            0,
            0,
            0,
        ];
        if !time.is_empty() {
            let (hms, frac) = time.split_once(['.', ',']).unwrap_or((time, ""));
            let parts: Vec<&str> = hms.split(':').collect();
            if parts.is_empty() || parts.len() > 3 || parts.iter().any(|x| x.len() != 2) {
                return Err(bad());
            }
            for (i, x) in parts.iter().enumerate() {
                p[3 + i] = x.parse().map_err(|_| bad())?;
            }
            if !frac.is_empty() {
                if frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
                    return Err(bad());
                }
                let six: String = format!("{frac:0<6}").chars().take(6).collect();
                p[6] = six.parse().map_err(|_| bad())?;
            }
        }
        Self::new(p, offset).map_err(|_| bad())
    }

    /// Python's `strftime` for the common directives.
    pub fn strftime(self, fmt: &str) -> Res<String> {
        strftime(self.dt, self.offset, fmt)
    }

    /// `datetime.strptime(text, format)`.
    pub fn strptime(text: &str, fmt: &str) -> Res<Self> {
        let bad = |e: jiff::Error| {
            format!("ValueError: time data '{text}' does not match format '{fmt}' ({e})")
        };
        let tm = jiff::fmt::strtime::parse(fmt, text).map_err(bad)?;
        let offset = tm.offset();
        let dt = match tm.to_datetime() {
            Ok(dt) => dt,
            Err(_) => tm
                .to_date()
                .map_err(bad)?
                .to_datetime(jiff::civil::Time::midnight()),
        };
        Ok(PyDateTime { dt, offset })
    }

    pub fn add(self, d: PyTimeDelta) -> Res<Self> {
        match self.dt.checked_add(d.duration()?) {
            Ok(dt) => Ok(PyDateTime { dt, ..self }),
            Err(_) => overflow(),
        }
    }

    pub fn sub(self, other: Self) -> Res<PyTimeDelta> {
        match (self.offset, other.offset) {
            (None, None) => Ok(PyTimeDelta(self.dt.duration_since(other.dt).as_micros())),
            (Some(_), Some(_)) => Ok(PyTimeDelta(
                self.instant()?.duration_since(other.instant()?).as_micros(),
            )),
            _ => Err("TypeError: can't subtract offset-naive and offset-aware datetimes".into()),
        }
    }

    pub fn cmp(self, other: Self) -> Res<Ordering> {
        match (self.offset, other.offset) {
            (None, None) => Ok(self.dt.cmp(&other.dt)),
            (Some(_), Some(_)) => Ok(self.instant()?.cmp(&other.instant()?)),
            _ => Err("TypeError: can't compare offset-naive and offset-aware datetimes".into()),
        }
    }
}

/// Splits a trailing `Z` or `±HH:MM[:SS]` offset off an ISO text.
fn split_offset(t: &str) -> Option<(&str, Option<Offset>)> {
    if let Some(b) = t.strip_suffix('Z') {
        return Some((b, Some(Offset::UTC)));
    }
    // An offset sign comes after the time part (a `T` or a space).
    let time_start = t.find(['T', ' '])?;
    let Some(i) = t[time_start..].rfind(['+', '-']).map(|i| i + time_start) else {
        return Some((t, None));
    };
    let o = &t[i + 1..].replace(':', "");
    if o.len() < 4 || !o.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i32 = o[..2].parse().ok()?;
    let m: i32 = o[2..4].parse().ok()?;
    let s: i32 = o.get(4..6).map_or(Some(0), |x| x.parse().ok())?;
    let mut secs = h * 3600 + m * 60 + s;
    if t.as_bytes()[i] == b'-' {
        secs = -secs;
    }
    Some((&t[..i], Some(Offset::from_seconds(secs).ok()?)))
}

impl std::fmt::Display for PyDateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.isoformat(' '))
    }
}

impl PyDate {
    pub fn new(y: i64, m: i64, d: i64) -> Res<Self> {
        let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
            return err("year, month or day is out of range");
        };
        if !(1..=9999).contains(&y) {
            return err(format!("year {y} is out of range"));
        }
        Date::new(y, m, d).map(PyDate).or_else(err)
    }

    pub fn today() -> Self {
        PyDate(PyDateTime::now(None).dt.date())
    }

    pub fn parse_iso(s: &str) -> Res<Self> {
        let bad = || format!("ValueError: Invalid isoformat string: '{s}'");
        let parts: Vec<&str> = s.trim().split('-').collect();
        match parts.as_slice() {
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => Self::new(
                y.parse().map_err(|_| bad())?,
                m.parse().map_err(|_| bad())?,
                d.parse().map_err(|_| bad())?,
            )
            .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    pub fn strftime(self, fmt: &str) -> Res<String> {
        strftime(self.0.to_datetime(jiff::civil::Time::midnight()), None, fmt)
    }

    pub fn add(self, d: PyTimeDelta) -> Res<Self> {
        let days = i64::try_from(d.days()).or_else(|_| overflow())?;
        match self
            .0
            .checked_add(jiff::Span::new().try_days(days).or_else(|_| overflow())?)
        {
            Ok(x) if (1..=9999).contains(&x.year()) => Ok(PyDate(x)),
            _ => overflow(),
        }
    }

    pub fn sub(self, other: Self) -> PyTimeDelta {
        PyTimeDelta(self.0.duration_since(other.0).as_micros())
    }
}

impl std::fmt::Display for PyDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

/// CPython's `strftime` (C locale) for `%Y %m %d %H %M %S %f %y %b %B %a %A
/// %j %p %I %z %Z %w %u %%` and the composites `%c %x %X %D %F %T %R`.
fn strftime(dt: DateTime, offset: Option<Offset>, fmt: &str) -> Res<String> {
    let mut out = String::new();
    let mut chars = fmt.chars();
    let wd = dt.weekday().to_monday_zero_offset() as usize;
    let month = (dt.month() - 1) as usize;
    let hour12 = match dt.hour() % 12 {
        0 => 12,
        h => h,
    };
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            return Err("ValueError: stray % in format".into());
        };
        let piece = match d {
            'Y' => format!("{:04}", dt.year()),
            'y' => format!("{:02}", dt.year() % 100),
            'm' => format!("{:02}", dt.month()),
            'd' => format!("{:02}", dt.day()),
            'e' => format!("{:>2}", dt.day()),
            'H' => format!("{:02}", dt.hour()),
            'I' => format!("{hour12:02}"),
            'M' => format!("{:02}", dt.minute()),
            'S' => format!("{:02}", dt.second()),
            'f' => format!("{:06}", micros_of(dt)),
            'p' => if dt.hour() < 12 { "AM" } else { "PM" }.into(),
            'a' => WEEKDAYS[wd][..3].into(),
            'A' => WEEKDAYS[wd].into(),
            'b' | 'h' => MONTHS[month][..3].into(),
            'B' => MONTHS[month].into(),
            'j' => format!("{:03}", dt.day_of_year()),
            'w' => ((wd + 1) % 7).to_string(),
            'u' => (wd + 1).to_string(),
            'z' => offset.map(|o| offset_text(o, false)).unwrap_or_default(),
            'Z' => offset
                .map(|o| {
                    if o == Offset::UTC {
                        "UTC".to_string()
                    } else {
                        format!("UTC{}", offset_text(o, true))
                    }
                })
                .unwrap_or_default(),
            'c' => strftime(dt, offset, "%a %b %e %H:%M:%S %Y")?,
            'x' | 'D' => strftime(dt, offset, "%m/%d/%y")?,
            'X' | 'T' => strftime(dt, offset, "%H:%M:%S")?,
            'F' => strftime(dt, offset, "%Y-%m-%d")?,
            'R' => strftime(dt, offset, "%H:%M")?,
            '%' => "%".into(),
            other => {
                return Err(format!(
                    "ValueError: the strftime directive %{other} is not supported"
                ));
            }
        };
        out.push_str(&piece);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_match_python() {
        let dt = PyDateTime::new([2024, 1, 2, 3, 4, 5, 0], None).unwrap();
        assert_eq!(dt.to_string(), "2024-01-02 03:04:05");
        assert_eq!(dt.isoformat('T'), "2024-01-02T03:04:05");
        assert_eq!(
            dt.strftime("%d/%m/%Y %I:%M %p %A %b %j").unwrap(),
            "02/01/2024 03:04 AM Tuesday Jan 002"
        );
        let aware = PyDateTime::parse_iso("2024-01-02T03:04:05.5+02:00").unwrap();
        assert_eq!(aware.isoformat('T'), "2024-01-02T03:04:05.500000+02:00");
        assert_eq!(aware.timestamp().unwrap(), 1704157445.5);
        assert_eq!(PyTimeDelta(-3_600_000_000).to_string(), "-1 day, 23:00:00");
        assert_eq!(
            PyTimeDelta(93_600_000_005).to_string(),
            "1 day, 2:00:00.000005"
        );
        let d = PyDate::new(2024, 2, 28).unwrap();
        assert_eq!(
            d.add(PyTimeDelta(2 * MICROS_PER_DAY)).unwrap().to_string(),
            "2024-03-01"
        );
        let p = PyDateTime::strptime("2024-03-01 10:30", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(p.to_string(), "2024-03-01 10:30:00");
        assert!(PyDateTime::parse_iso("nope").is_err());
    }
}
