//! The properties of temporal values (`d.year`, `t.time offset`,
//! `dt.timezone`, `dur.days`…), DMN 1.5 §10.3.2.7, for the evaluator's
//! path expressions.

use jiff::SignedDuration;
use jiff::civil::Time;

use super::date::FeelDate;
use super::zone::Zone;
use crate::dmn::number::Number;
use crate::dmn::value::Value;

fn int(n: i64) -> Value {
    Value::Number(Number::from_i64(n))
}

fn date_part(d: FeelDate, name: &str) -> Option<Value> {
    Some(match name {
        "year" => int(d.year()),
        "month" => int(d.month()),
        "day" => int(d.day()),
        "weekday" => int(d.weekday()),
        _ => return None,
    })
}

/// Seconds with their fraction (`30.5`), as FEEL's `time()` takes them.
fn seconds(whole: i64, nanos: i64) -> Value {
    if nanos == 0 {
        return int(whole);
    }
    let sign = if whole < 0 || nanos < 0 { "-" } else { "" };
    let text = format!("{sign}{}.{:09}", whole.abs(), nanos.abs());
    Number::parse(&text).map_or(Value::Null, Value::Number)
}

fn time_part(t: Time, zone: Option<&Zone>, offset: Option<i32>, name: &str) -> Option<Value> {
    Some(match name {
        "hour" => int(t.hour().into()),
        "minute" => int(t.minute().into()),
        "second" => seconds(t.second().into(), t.subsec_nanosecond().into()),
        "time offset" => offset.map_or(Value::Null, |s| {
            Value::DayTime(SignedDuration::from_secs(s.into()))
        }),
        "timezone" => zone.and_then(Zone::name).map_or(Value::Null, Value::string),
        _ => return None,
    })
}

/// Property `name` of a date, time, date-time or duration; `None` when `v`
/// has no such property.
pub(crate) fn property(v: &Value, name: &str) -> Option<Value> {
    match v {
        Value::Date(d) => date_part(*d, name),
        Value::DateTime(t) => {
            date_part(t.date, name).or_else(|| time_part(t.time, t.zone.as_ref(), t.offset(), name))
        }
        Value::Time(t) => {
            // A time in an IANA zone has no date to choose summer or
            // winter time by, so no single offset.
            let offset = match &t.zone {
                Some(Zone::Offset(s)) => Some(*s),
                _ => None,
            };
            time_part(t.time, t.zone.as_ref(), offset, name)
        }
        Value::DayTime(d) => {
            let secs = d.as_secs();
            Some(match name {
                "days" => int(secs / 86_400),
                "hours" => int((secs / 3600) % 24),
                "minutes" => int((secs / 60) % 60),
                "seconds" => seconds(secs % 60, d.subsec_nanos().into()),
                _ => return None,
            })
        }
        Value::YearMonth(m) => Some(match name {
            "years" => int(m / 12),
            "months" => int(m % 12),
            _ => return None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_date_time, parse_duration, parse_time};
    use super::*;
    use crate::dmn::value::duration_value;

    fn prop(v: &Value, name: &str) -> String {
        property(v, name).map_or("-".into(), |v| v.to_string())
    }

    #[test]
    fn date_time_properties() {
        let dt = Value::DateTime(parse_date_time("2018-12-10T10:30:01.5@Europe/Paris").unwrap());
        assert_eq!(prop(&dt, "year"), "2018");
        assert_eq!(prop(&dt, "weekday"), "1");
        assert_eq!(prop(&dt, "second"), "1.5");
        assert_eq!(prop(&dt, "time offset"), "PT1H");
        assert_eq!(prop(&dt, "timezone"), "\"Europe/Paris\"");
        assert_eq!(prop(&dt, "days"), "-");
        let local = Value::DateTime(parse_date_time("2018-12-10T10:30:00").unwrap());
        assert_eq!(prop(&local, "time offset"), "null");
        assert_eq!(prop(&local, "timezone"), "null");
        let t = Value::Time(parse_time("10:30:00+05:00").unwrap());
        assert_eq!(prop(&t, "time offset"), "PT5H");
        assert_eq!(prop(&t, "timezone"), "null");
        let utc = Value::Time(parse_time("10:30:00@Etc/UTC").unwrap());
        assert_eq!(prop(&utc, "timezone"), "\"Etc/UTC\"");
    }

    #[test]
    fn duration_properties() {
        let d = duration_value(parse_duration("P2DT3H4M5.25S").unwrap());
        assert_eq!(prop(&d, "days"), "2");
        assert_eq!(prop(&d, "hours"), "3");
        assert_eq!(prop(&d, "minutes"), "4");
        assert_eq!(prop(&d, "seconds"), "5.25");
        let ym = duration_value(parse_duration("-P1Y2M").unwrap());
        assert_eq!(prop(&ym, "years"), "-1");
        assert_eq!(prop(&ym, "months"), "-2");
    }
}
