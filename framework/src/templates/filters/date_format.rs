//! Django's date filters (`date`, `time`, `timesince`, `timeuntil`): parsing
//! template values into a [`Moment`], Django's `dateformat` format characters
//! and Django's `timesince` algorithm.
//!
//! Every datetime is handled in UTC: values carrying an offset are converted
//! to UTC, naive values are taken as UTC (Django with `TIME_ZONE = "UTC"`).

use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use minijinja::value::{Value, ValueKind};

/// What kind of Python object the parsed value stands for in Django.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A datetime that carried an offset (or a Unix timestamp); now in UTC.
    Aware,
    /// A datetime without offset, taken as UTC.
    Naive,
    /// A plain date (`YYYY-MM-DD`), midnight when a time is needed.
    Date,
    /// A plain time of day (`HH:MM[:SS[.f]]`).
    Time,
}

/// A parsed date/time value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Moment {
    dt: NaiveDateTime,
    kind: Kind,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_AP: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// Format characters Django's `TimeFormat` knows.
const TIME_CHARS: &str = "aAefgGhHiOPsTuZ";
/// Format characters only Django's `DateFormat` knows.
const DATE_CHARS: &str = "bcdDEFIjlLmMnNorStUwWyYz";

/// Resolves Django's named formats (English locale); anything else is a
/// literal format string.
fn resolve_named(format: &str) -> &str {
    match format {
        "DATE_FORMAT" => "N j, Y",
        "DATETIME_FORMAT" => "N j, Y, P",
        "SHORT_DATE_FORMAT" => "m/d/Y",
        "SHORT_DATETIME_FORMAT" => "m/d/Y P",
        "TIME_FORMAT" => "P",
        "YEAR_MONTH_FORMAT" => "F Y",
        "MONTH_DAY_FORMAT" => "F j",
        other => other,
    }
}

/// Django's `date`: formats a date/datetime string or Unix timestamp.
pub(super) fn date(value: &Value, format: Option<Cow<'_, str>>) -> String {
    let format = format.filter(|f| !f.is_empty());
    let format = resolve_named(format.as_deref().unwrap_or("DATE_FORMAT"));
    moment_from_value(value)
        .and_then(|m| format_moment(&m, format, false))
        .unwrap_or_default()
}

/// Django's `time`: like `date`, restricted to time-of-day characters.
pub(super) fn time(value: &Value, format: Option<Cow<'_, str>>) -> String {
    let format = format.filter(|f| !f.is_empty());
    let format = resolve_named(format.as_deref().unwrap_or("TIME_FORMAT"));
    moment_from_value(value)
        .and_then(|m| format_moment(&m, format, true))
        .unwrap_or_default()
}

/// Django's `timesince`: "3\u{a0}days, 2\u{a0}hours" from the value to `now`.
pub(super) fn timesince(value: &Value, now: Option<&Value>) -> String {
    since_between(value, now, false)
}

/// Django's `timeuntil`: like `timesince`, from `now` to the value.
pub(super) fn timeuntil(value: &Value, now: Option<&Value>) -> String {
    since_between(value, now, true)
}

fn since_between(value: &Value, now: Option<&Value>, reversed: bool) -> String {
    let Some(d) = moment_from_value(value) else {
        return String::new();
    };
    let now = match now {
        Some(now) => match moment_from_value(now) {
            Some(now) => now,
            None => return String::new(),
        },
        None => utc_now(),
    };
    let (d, now) = if reversed { (now, d) } else { (d, now) };
    time_since(&d, &now).unwrap_or_default()
}

/// Converts a template value (ISO 8601 string or Unix timestamp) to a moment.
fn moment_from_value(value: &Value) -> Option<Moment> {
    match value.kind() {
        ValueKind::String => parse_moment(value.as_str()?),
        ValueKind::Number => {
            let ts = f64::try_from(value.clone()).ok()?;
            if !ts.is_finite() {
                return None;
            }
            let secs = ts.floor();
            let nanos = ((ts - secs) * 1e9).round().min(999_999_999.0) as u32;
            // `as` saturates; out-of-range seconds are rejected by chrono.
            let dt = DateTime::from_timestamp(secs as i64, nanos)?;
            Some(Moment {
                dt: dt.naive_utc(),
                kind: Kind::Aware,
            })
        }
        _ => None,
    }
}

/// Parses `YYYY-MM-DD`, `HH:MM[:SS[.f]]` or an ISO 8601 / RFC 3339 datetime
/// (`T` or space separator, optional fraction, optional `Z`/`±HH[:MM]`).
fn parse_moment(s: &str) -> Option<Moment> {
    let s = s.trim();
    if let Some(time) = parse_time(s) {
        let dt = NaiveDate::from_ymd_opt(1900, 1, 1)?.and_time(time);
        return Some(Moment {
            dt,
            kind: Kind::Time,
        });
    }
    let date_part = s.get(..10)?;
    let b = date_part.as_bytes();
    let shaped = b.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        _ => c.is_ascii_digit(),
    });
    if !shaped {
        return None;
    }
    let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(Moment {
            dt: date.and_time(NaiveTime::MIN),
            kind: Kind::Date,
        });
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (time_str, offset) = split_offset(rest)?;
    let naive = date.and_time(parse_time(time_str.trim_end())?);
    match offset {
        None => Some(Moment {
            dt: naive,
            kind: Kind::Naive,
        }),
        Some(secs) => Some(Moment {
            dt: naive.checked_sub_signed(chrono::TimeDelta::seconds(secs))?,
            kind: Kind::Aware,
        }),
    }
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() < 5 || b.get(2) != Some(&b':') || !b[..2].iter().all(u8::is_ascii_digit) {
        return None;
    }
    NaiveTime::parse_from_str(s, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
        .ok()
}

/// Splits a trailing UTC offset off a time string; `Some(None)` = no offset.
fn split_offset(rest: &str) -> Option<(&str, Option<i64>)> {
    if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        return Some((time, Some(0)));
    }
    let Some(pos) = rest.rfind(['+', '-']) else {
        return Some((rest, None));
    };
    let (time, off) = rest.split_at(pos);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((time, Some(sign * (hours * 3600 + minutes * 60))))
}

/// Formats a moment with a Django format string. `time_only` is the `time`
/// filter's restriction to time-related characters. `None` means Django
/// would fail (and its filters then render an empty string).
fn format_moment(m: &Moment, format: &str, time_only: bool) -> Option<String> {
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut literal = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let escaped = i > 0 && chars[i - 1] == '\\';
        if escaped || !(TIME_CHARS.contains(c) || DATE_CHARS.contains(c)) {
            literal.push(c);
            continue;
        }
        push_unescaped(&mut out, &literal);
        literal.clear();
        let is_date_char = DATE_CHARS.contains(c);
        if is_date_char && (time_only || m.kind == Kind::Time) {
            return None;
        }
        if !is_date_char && time_only && m.kind == Kind::Date {
            return None;
        }
        out.push_str(&spec(m, c));
    }
    push_unescaped(&mut out, &literal);
    Some(out)
}

/// Django's `re_escaped.sub(r"\1", piece)`: a backslash makes the next
/// character (other than a newline) literal.
fn push_unescaped(out: &mut String, piece: &str) {
    let mut chars = piece.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next)) if next != '\n' => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
}

/// Output of one Django format character.
fn spec(m: &Moment, c: char) -> String {
    let dt = &m.dt;
    let has_tz = matches!(m.kind, Kind::Aware | Kind::Naive);
    let tz = |s: &str| if has_tz { s.to_string() } else { String::new() };
    let hour12 = match dt.hour() % 12 {
        0 => 12,
        h => h,
    };
    let month0 = dt.month0() as usize;
    match c {
        // time of day
        'a' => if dt.hour() > 11 { "p.m." } else { "a.m." }.to_string(),
        'A' => if dt.hour() > 11 { "PM" } else { "AM" }.to_string(),
        'f' => hour_minutes(hour12, dt.minute()),
        'g' => hour12.to_string(),
        'G' => dt.hour().to_string(),
        'h' => format!("{hour12:02}"),
        'H' => format!("{:02}", dt.hour()),
        'i' => format!("{:02}", dt.minute()),
        's' => format!("{:02}", dt.second()),
        'u' => format!("{:06}", micros(dt)),
        'P' => match (dt.hour(), dt.minute()) {
            (0, 0) => "midnight".to_string(),
            (12, 0) => "noon".to_string(),
            _ => format!("{} {}", hour_minutes(hour12, dt.minute()), spec(m, 'a')),
        },
        // time zone (always UTC)
        'e' => if m.kind == Kind::Aware { "UTC" } else { "" }.to_string(),
        'T' => tz("UTC"),
        'O' => tz("+0000"),
        'Z' | 'I' => tz("0"),
        // day
        'd' => format!("{:02}", dt.day()),
        'j' => dt.day().to_string(),
        'D' => WEEKDAYS[dt.weekday().num_days_from_monday() as usize][..3].to_string(),
        'l' => WEEKDAYS[dt.weekday().num_days_from_monday() as usize].to_string(),
        'S' => ordinal_suffix(dt.day()).to_string(),
        'w' => dt.weekday().num_days_from_sunday().to_string(),
        'z' => dt.ordinal().to_string(),
        // week, month, year
        'W' => dt.iso_week().week().to_string(),
        'F' | 'E' => MONTHS[month0].to_string(),
        'M' => MONTHS[month0][..3].to_string(),
        'b' => MONTHS[month0][..3].to_ascii_lowercase(),
        'N' => MONTHS_AP[month0].to_string(),
        'm' => format!("{:02}", dt.month()),
        'n' => dt.month().to_string(),
        't' => days_in_month(dt.year(), dt.month()).to_string(),
        'L' => if is_leap(dt.year()) { "True" } else { "False" }.to_string(),
        'y' => format!("{:02}", dt.year().rem_euclid(100)),
        'Y' => format!("{:04}", dt.year()),
        'o' => dt.iso_week().year().to_string(),
        // full representations
        'c' => iso_format(m),
        'r' => format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
            &WEEKDAYS[dt.weekday().num_days_from_monday() as usize][..3],
            dt.day(),
            &MONTHS[month0][..3],
            dt.year(),
            dt.hour(),
            dt.minute(),
            dt.second()
        ),
        'U' => dt.and_utc().timestamp().to_string(),
        other => other.to_string(),
    }
}

/// Django's `f`: `1`, `1:30` (12-hour clock, minutes left off when zero).
fn hour_minutes(hour12: u32, minute: u32) -> String {
    if minute == 0 {
        hour12.to_string()
    } else {
        format!("{hour12}:{minute:02}")
    }
}

fn micros(dt: &NaiveDateTime) -> u32 {
    (dt.nanosecond() / 1000).min(999_999)
}

/// Python's `isoformat()` of the corresponding date/datetime object.
fn iso_format(m: &Moment) -> String {
    let dt = &m.dt;
    if m.kind == Kind::Date {
        return dt.format("%Y-%m-%d").to_string();
    }
    let mut s = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
    if micros(dt) != 0 {
        s.push_str(&format!(".{:06}", micros(dt)));
    }
    if m.kind == Kind::Aware {
        s.push_str("+00:00");
    }
    s
}

fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 100, day % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    }
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Django's `timesince(d, now)`: up to two adjacent units, "0 minutes" when
/// `d` is not before `now`. `None` for time-of-day values (Django fails).
fn time_since(d: &Moment, now: &Moment) -> Option<String> {
    const MONTHS_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const UNITS: [(&str, &str); 6] = [
        ("year", "years"),
        ("month", "months"),
        ("week", "weeks"),
        ("day", "days"),
        ("hour", "hours"),
        ("minute", "minutes"),
    ];
    if d.kind == Kind::Time || now.kind == Kind::Time {
        return None;
    }
    let (d, now) = (d.dt, now.dt);
    let zero = || "0\u{a0}minutes".to_string();
    if (now - d).num_seconds() <= 0 {
        return Some(zero());
    }
    let mut total_months =
        i64::from(now.year() - d.year()) * 12 + i64::from(now.month()) - i64::from(d.month());
    if d.day() > now.day() || (d.day() == now.day() && d.time() > now.time()) {
        total_months -= 1;
    }
    let (years, months) = (total_months.div_euclid(12), total_months.rem_euclid(12));
    let pivot = if total_months > 0 {
        let mut year = i64::from(d.year()) + years;
        let mut month = i64::from(d.month()) + months;
        if month > 12 {
            month -= 12;
            year += 1;
        }
        let month = u32::try_from(month).ok()?;
        let day = d.day().min(MONTHS_DAYS[month as usize - 1]);
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?.and_hms_opt(
            d.hour(),
            d.minute(),
            d.second(),
        )?
    } else {
        d
    };
    let mut remaining = (now - pivot).num_seconds();
    let mut parts = vec![years, months];
    for chunk in [604_800, 86_400, 3_600, 60] {
        let count = remaining.div_euclid(chunk);
        parts.push(count);
        remaining -= chunk * count;
    }
    let Some(first) = parts.iter().position(|n| *n != 0) else {
        return Some(zero());
    };
    let result: Vec<String> = parts[first..]
        .iter()
        .zip(&UNITS[first..])
        .take(2)
        .take_while(|(n, _)| **n != 0)
        .map(|(n, (one, many))| format!("{n}\u{a0}{}", if *n == 1 { one } else { many }))
        .collect();
    Some(result.join(", "))
}

/// The current time as a naive UTC moment.
fn utc_now() -> Moment {
    Moment {
        dt: chrono::Utc::now().naive_utc(),
        kind: Kind::Aware,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{apply, apply_txt, render};
    use super::*;
    use minijinja::context;

    fn m(s: &str) -> Moment {
        parse_moment(s).unwrap_or_else(|| panic!("unparseable {s:?}"))
    }

    #[test]
    fn parses_supported_shapes() {
        let expect = |s: &str, iso: &str, kind: Kind| {
            let got = m(s);
            assert_eq!((iso_format(&got), got.kind), (iso.to_string(), kind), "{s}");
        };
        expect("2024-03-05", "2024-03-05", Kind::Date);
        expect("2024-03-05T14:07:09", "2024-03-05T14:07:09", Kind::Naive);
        expect("2024-03-05 14:07:09", "2024-03-05T14:07:09", Kind::Naive);
        expect("2024-03-05T14:07", "2024-03-05T14:07:00", Kind::Naive);
        expect(
            "2024-03-05T14:07:09.123456789Z",
            "2024-03-05T14:07:09.123456+00:00",
            Kind::Aware,
        );
        expect(
            "2024-03-05T01:30:00+02:00",
            "2024-03-04T23:30:00+00:00",
            Kind::Aware,
        );
        expect(
            "2024-03-05 22:00:00-0530",
            "2024-03-06T03:30:00+00:00",
            Kind::Aware,
        );
        expect(
            "2024-03-05T10:00:00+01",
            "2024-03-05T09:00:00+00:00",
            Kind::Aware,
        );
        assert_eq!(m("14:30").kind, Kind::Time);
        assert_eq!(m("14:30:15.5").dt.nanosecond(), 500_000_000);
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "2024-1-2",
            "2024-03-05X10:00",
            "2024-03-05T25:00",
            "2024-03-05T10:00+2:00",
            "2024-03-05T10:00:00+24:00",
            "2024-03-05T10:00:00 garbage",
            "2024-03-0é",
        ] {
            assert_eq!(parse_moment(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn timestamps() {
        let got = moment_from_value(&Value::from(1_000_000_000.25)).unwrap();
        assert_eq!(iso_format(&got), "2001-09-09T01:46:40.250000+00:00");
        let got = moment_from_value(&Value::from(-1)).unwrap();
        assert_eq!(iso_format(&got), "1969-12-31T23:59:59+00:00");
        assert_eq!(moment_from_value(&Value::from(f64::NAN)), None);
        assert_eq!(moment_from_value(&Value::from(1e300)), None);
        assert_eq!(moment_from_value(&Value::from(true)), None);
    }

    #[test]
    fn escapes_follow_django_regexes() {
        let d = m("2024-01-01T09:00:00");
        assert_eq!(
            format_moment(&d, r"jS \o\f F", false).unwrap(),
            "1st of January"
        );
        // `\\d`: the `d` is still preceded by a backslash, so it stays literal
        assert_eq!(format_moment(&d, r"\\d", false).unwrap(), r"\d");
        assert_eq!(format_moment(&d, "\\", false).unwrap(), "\\");
    }

    #[test]
    fn ordinal_suffixes() {
        let days = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31, 111];
        let got: Vec<_> = days.iter().map(|d| ordinal_suffix(*d)).collect();
        assert_eq!(got.join(" "), "st nd rd th th th th st nd rd st th");
    }

    #[test]
    fn timesince_pivots_on_calendar_months() {
        let ts = |a: &str, b: &str| time_since(&m(a), &m(b)).unwrap();
        // pivot 2024-02-28 (day capped at 28 for February): 1 month, 0 weeks
        // (stop), 2 days
        assert_eq!(
            ts("2024-01-31T00:00:00", "2024-03-01T00:00:00"),
            "1\u{a0}month"
        );
        assert_eq!(ts("2023-01-15", "2024-03-20"), "1\u{a0}year, 2\u{a0}months");
        // the unit after a zero unit is never shown ("1 year, 0 months, 5 days")
        assert_eq!(ts("2023-01-15", "2024-01-20"), "1\u{a0}year");
        assert_eq!(ts("2024-01-31", "2024-02-29"), "4\u{a0}weeks, 1\u{a0}day");
        assert_eq!(
            ts("2024-05-01T10:00", "2024-05-01T10:00:59"),
            "0\u{a0}minutes"
        );
        assert_eq!(time_since(&m("10:00"), &m("2024-01-01")), None);
    }

    #[test]
    fn date_default_and_named_formats() {
        let dt = "2024-03-05T14:07:09";
        assert_eq!(apply(dt, "date"), "March 5, 2024");
        assert_eq!(apply(dt, "date(\"DATE_FORMAT\")"), "March 5, 2024");
        assert_eq!(
            apply(dt, "date(\"DATETIME_FORMAT\")"),
            "March 5, 2024, 2:07 p.m."
        );
        assert_eq!(apply_txt(dt, "date(\"SHORT_DATE_FORMAT\")"), "03/05/2024");
        assert_eq!(
            apply_txt(dt, "date(\"SHORT_DATETIME_FORMAT\")"),
            "03/05/2024 2:07 p.m."
        );
        // not marked safe: minijinja's autoescape turns `/` into `&#x2f;`
        assert_eq!(apply(dt, "date(\"m/d\")"), "03&#x2f;05");
        assert_eq!(apply("2008-01-02", "date"), "Jan. 2, 2008");
        assert_eq!(apply("2024-09-30 08:00:00", "date"), "Sept. 30, 2024");
        assert_eq!(
            apply("2024-06-30", "date(\"DATETIME_FORMAT\")"),
            "June 30, 2024, midnight"
        );
        let months: Vec<String> = (1..=12)
            .map(|m| apply(format!("2024-{m:02}-01"), "date(\"N\")"))
            .collect();
        assert_eq!(
            months.join(" "),
            "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec."
        );
    }

    #[test]
    fn date_format_characters() {
        let v = "2024-02-29T13:05:09.012345";
        let cases = [
            ("d j D l S w z", "29 29 Thu Thursday th 4 60"),
            ("N F M b m n E", "Feb. February Feb feb 02 2 February"),
            ("y Y L t W o", "24 2024 True 29 9 2024"),
            (
                "a A f g G h H i s u",
                "p.m. PM 1:05 1 13 01 13 05 09 012345",
            ),
            ("P|e|T|O|Z|I", "1:05 p.m.||UTC|+0000|0|0"),
            ("U", "1709211909"),
            ("c", "2024-02-29T13:05:09.012345"),
            ("r", "Thu, 29 Feb 2024 13:05:09 +0000"),
        ];
        for (format, expected) in cases {
            assert_eq!(apply(v, &format!("date({format:?})")), expected, "{format}");
        }
        assert_eq!(
            apply("2021-01-02", "date(\"W o L t y\")"),
            "53 2020 False 31 21"
        );
        assert_eq!(
            apply("2024-01-01T09:00:00", r#"date("jS \\o\\f F")"#),
            "1st of January"
        );
        assert_eq!(apply("2024-01-22", "date(\"jS\")"), "22nd");
        assert_eq!(apply("2024-01-13", "date(\"jS\")"), "13th");
        // date output is not marked safe
        assert_eq!(apply("2024-01-13", "date(\"<j>\")"), "&lt;13&gt;");
    }

    #[test]
    fn date_times_of_day() {
        let cases = [
            ("00:00", "midnight 12 a.m."),
            ("12:00", "noon 12 p.m."),
            ("12:30", "12:30 p.m. 12:30 p.m."),
            ("09:00", "9 a.m. 9 a.m."),
            ("23:59", "11:59 p.m. 11:59 p.m."),
        ];
        for (t, expected) in cases {
            let dt = format!("2024-01-01T{t}:00");
            assert_eq!(apply(dt, "date(\"P f a\")"), expected, "{t}");
        }
    }

    #[test]
    fn date_inputs_offsets_and_failures() {
        let aware = "2024-03-05T01:30:00+02:00";
        assert_eq!(
            apply(aware, "date(\"Y-m-d H:i e O|c\")"),
            "2024-03-04 23:30 UTC +0000|2024-03-04T23:30:00+00:00"
        );
        assert_eq!(
            apply("2024-03-05T14:07:09.5Z", "date(\"H:i:s.u\")"),
            "14:07:09.500000"
        );
        assert_eq!(
            apply("2024-03-05 14:07:09+00:00", "date(\"c\")"),
            "2024-03-05T14:07:09+00:00"
        );
        assert_eq!(apply(0, "date(\"c\")"), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            apply(86_400.5, "date(\"DATETIME_FORMAT\")"),
            "Jan. 2, 1970, midnight"
        );
        assert_eq!(apply("2024-03-05", "date(\"c|e|O\")"), "2024-03-05||");
        assert_eq!(apply("2024-03-05", "date(\"\")"), "March 5, 2024");
        for bad in [
            Value::from(""),
            Value::from(()),
            Value::from("soon"),
            Value::from(true),
        ] {
            assert_eq!(apply(bad.clone(), "date"), "", "{bad:?}");
        }
        assert_eq!(render("[{{ missing|date }}]", context! {}), "[]");
        // a time of day has no date parts (Django fails, renders "")
        assert_eq!(apply("14:30", "date(\"H:i\")"), "14:30");
        assert_eq!(apply("14:30", "date(\"Y H:i\")"), "");
    }

    #[test]
    fn time_filter() {
        assert_eq!(apply("2024-03-05T14:07:09", "time"), "2:07 p.m.");
        assert_eq!(
            apply("2024-03-05T14:07:09Z", "time(\"H:i e\")"),
            "14:07 UTC"
        );
        assert_eq!(
            apply("2024-03-05T00:00:00", "time(\"TIME_FORMAT\")"),
            "midnight"
        );
        assert_eq!(apply("09:30:00", "time"), "9:30 a.m.");
        assert_eq!(apply("09:30:00", "time(\"H:i O\")"), "09:30 ");
        // only time-related characters are allowed, like Django's TimeFormat
        assert_eq!(apply("2024-03-05T14:07:09", "time(\"Y H\")"), "");
        assert_eq!(apply("2024-03-05", "time"), "");
        assert_eq!(apply(Value::from(()), "time"), "");
    }

    #[test]
    fn timesince_and_timeuntil() {
        let since = |d: &str, now: &str| apply(d, &format!("timesince({now:?})"));
        assert_eq!(
            since("2024-01-01T00:00:00", "2024-01-04T02:30:00"),
            "3\u{a0}days, 2\u{a0}hours"
        );
        assert_eq!(
            since("2024-01-01", "2024-01-16"),
            "2\u{a0}weeks, 1\u{a0}day"
        );
        assert_eq!(
            since("2023-01-01", "2024-02-01 00:01"),
            "1\u{a0}year, 1\u{a0}month"
        );
        assert_eq!(
            since("2024-01-01T00:00:00+02:00", "2024-01-01T00:00:00Z"),
            "2\u{a0}hours"
        );
        assert_eq!(since("2024-01-05", "2024-01-01"), "0\u{a0}minutes");
        assert_eq!(since("2024-01-05", "2024-01-05"), "0\u{a0}minutes");
        assert_eq!(since("2024-01-05", "garbage"), "");
        assert_eq!(since("garbage", "2024-01-05"), "");
        assert_eq!(apply(0, "timesince(60)"), "1\u{a0}minute");
        assert_eq!(apply(Value::from(()), "timesince"), "");
        let past = chrono::Utc::now() - chrono::TimeDelta::seconds(3 * 86_400 + 2 * 3_600 + 60);
        assert_eq!(
            apply(past.to_rfc3339(), "timesince"),
            "3\u{a0}days, 2\u{a0}hours"
        );
        let until = |d: &str, now: &str| apply(d, &format!("timeuntil({now:?})"));
        assert_eq!(until("2024-01-04", "2024-01-01"), "3\u{a0}days");
        assert_eq!(until("2024-01-01", "2024-01-04"), "0\u{a0}minutes");
    }
}
