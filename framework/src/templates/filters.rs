//! Django's most used template filters for minijinja.
//!
//! [`register`] adds them to an [`Environment`], replacing minijinja's
//! builtins of the same name (`default`, `length`, `urlencode`) with Django's
//! semantics. Arguments use Jinja call syntax:
//!
//! ```ignore
//! let mut env = minijinja::Environment::new();
//! filters::register(&mut env); // after the builtins: overrides `default` & co.
//! env.add_template(
//!     "post.html",
//!     "{{ post.created|date(\"N j, Y\") }}: {{ n }} comment{{ n|pluralize }}\n\
//!      {{ post.body|truncatewords(30)|linebreaks }}",
//! )?;
//! ```
//!
//! Dates are handled in UTC (see the `date_format` submodule). Like Django,
//! filters fail silently on odd *values* (rendering `""` or the value
//! unchanged) and only raise errors for arguments of an unusable type.

mod date_format;
pub mod strip_tags;

use std::borrow::Cow;

use minijinja::value::{Rest, StringInput, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, Value};

/// Registers Django's most used filters on a minijinja environment.
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("add", add);
    env.add_filter("capfirst", capfirst);
    env.add_filter("cut", cut);
    env.add_filter("date", date_format::date);
    env.add_filter("default", default);
    env.add_filter("default_if_none", default_if_none);
    env.add_filter("filesizeformat", filesizeformat);
    env.add_filter("floatformat", floatformat);
    env.add_filter("length", length);
    env.add_filter("linebreaks", linebreaks);
    env.add_filter("linebreaksbr", linebreaksbr);
    env.add_filter("pluralize", pluralize);
    env.add_filter("slugify", slugify);
    env.add_filter("striptags", striptags);
    env.add_filter("time", date_format::time);
    env.add_filter("timesince", date_format::timesince);
    env.add_filter("timeuntil", date_format::timeuntil);
    env.add_filter("truncatechars", truncatechars);
    env.add_filter("truncatewords", truncatewords);
    env.add_filter("urlencode", urlencode);
    env.add_filter("wordcount", wordcount);
    env.add_filter("yesno", yesno);
}

// ---------------------------------------------------------------------------
// helpers

/// `needs_autoescape` filters escape unless autoescape is off or the input
/// is already safe.
fn escape_unless_safe(state: &State<'_, '_>, value: &StringInput<'_>, text: String) -> String {
    if value.is_safe() || matches!(state.auto_escape(), AutoEscape::None) {
        text
    } else {
        super::escape(&text)
    }
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Python's `int(arg)` for count arguments: `Ok(None)` where Django catches
/// the `ValueError` and returns the value unchanged, `Err` for a `TypeError`.
fn int_arg(arg: &Value, filter: &str) -> Result<Option<i64>, Error> {
    match arg.kind() {
        ValueKind::Bool => Ok(Some(i64::from(arg.is_true()))),
        // floats truncate; NaN/inf are treated as invalid literals
        ValueKind::Number => Ok(i64::try_from(arg.clone()).ok().or_else(|| {
            let f = f64::try_from(arg.clone()).ok()?;
            f.is_finite().then_some(f as i64)
        })),
        ValueKind::String => Ok(arg.as_str().and_then(|s| s.trim().parse().ok())),
        ValueKind::Undefined => Ok(None),
        kind => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{filter} expects an integer argument, got {kind}"),
        )),
    }
}

/// Python's `int(value)` on a template value (floats truncate); `None` where
/// Python raises.
fn int_value(value: &Value) -> Option<i128> {
    match value.kind() {
        ValueKind::Number => i128::try_from(value.clone()).ok().or_else(|| {
            let f = f64::try_from(value.clone()).ok()?;
            f.is_finite().then_some(f.trunc() as i128)
        }),
        ValueKind::Bool => Some(i128::from(value.is_true())),
        ValueKind::String => value.as_str()?.trim().parse().ok(),
        _ => None,
    }
}

/// `unicodedata.combining` for the common combining-mark blocks.
fn is_combining(c: char) -> bool {
    let c = u32::from(c);
    (0x300..=0x36F).contains(&c)
        || (0x1AB0..=0x1AFF).contains(&c)
        || (0x1DC0..=0x1DFF).contains(&c)
        || (0x20D0..=0x20FF).contains(&c)
        || (0xFE20..=0xFE2F).contains(&c)
}

// ---------------------------------------------------------------------------
// text

/// Django's `linebreaks`: paragraphs in `<p>`, single newlines as `<br>`.
fn linebreaks(state: &State<'_, '_>, value: StringInput<'_>) -> Value {
    let text = escape_unless_safe(state, &value, normalize_newlines(value.as_str()));
    let (mut paragraphs, mut current) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\n' {
            current.push(c);
        } else if chars.peek() == Some(&'\n') {
            while chars.next_if_eq(&'\n').is_some() {}
            paragraphs.push(std::mem::take(&mut current));
        } else {
            current.push_str("<br>");
        }
    }
    paragraphs.push(current);
    let html: Vec<String> = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    Value::from_safe_string(html.join("\n\n"))
}

/// Django's `linebreaksbr`: every newline becomes `<br>`.
fn linebreaksbr(state: &State<'_, '_>, value: StringInput<'_>) -> Value {
    let text = escape_unless_safe(state, &value, normalize_newlines(value.as_str()));
    Value::from_safe_string(text.replace('\n', "<br>"))
}

/// Django's `capfirst`: uppercases the first character.
fn capfirst(value: StringInput<'_>) -> Value {
    let mut chars = value.as_str().chars();
    let out = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    value.preserve_safety(out)
}

/// Django's `truncatechars`: at most `n` characters, ending in "…" if cut.
fn truncatechars(value: StringInput<'_>, n: &Value) -> Result<Value, Error> {
    let Some(n) = int_arg(n, "truncatechars")? else {
        return Ok(value.preserve_safety(value.as_str().to_string()));
    };
    if n <= 0 {
        return Ok(value.preserve_safety(String::new()));
    }
    let text = value.as_str();
    let (mut count, mut end) = (0, None);
    for (i, c) in text.char_indices() {
        if is_combining(c) {
            continue;
        }
        count += 1;
        if end.is_none() && count >= n {
            end = Some(i);
        }
        if count > n {
            let kept = &text[..end.unwrap_or(0)];
            return Ok(value.preserve_safety(format!("{kept}…")));
        }
    }
    Ok(value.preserve_safety(text.to_string()))
}

/// Django's `truncatewords`: the first `n` words, then " …" if cut.
fn truncatewords(value: StringInput<'_>, n: &Value) -> Result<Value, Error> {
    let Some(n) = int_arg(n, "truncatewords")? else {
        return Ok(value.preserve_safety(value.as_str().to_string()));
    };
    if n <= 0 {
        return Ok(value.preserve_safety(String::new()));
    }
    let words: Vec<&str> = value.as_str().split_whitespace().collect();
    let limit = usize::try_from(n).unwrap_or(usize::MAX);
    let out = if words.len() > limit {
        let kept = words[..limit].join(" ");
        // Django does not append the marker to text already ending in it
        if kept.ends_with(" …") {
            kept
        } else {
            format!("{kept} …")
        }
    } else {
        words.join(" ")
    };
    Ok(value.preserve_safety(out))
}

/// Django's `wordcount`: number of whitespace-separated words.
fn wordcount(value: StringInput<'_>) -> usize {
    value.as_str().split_whitespace().count()
}

/// Django's `cut`: removes every occurrence of `arg`.
fn cut(value: StringInput<'_>, arg: Cow<'_, str>) -> Value {
    let out = value.as_str().replace(arg.as_ref(), "");
    if value.is_safe() && arg != ";" {
        Value::from_safe_string(out)
    } else {
        Value::from(out)
    }
}

/// Django's `striptags`: removes tags, comments and declarations (see [`strip_tags`]).
fn striptags(value: StringInput<'_>) -> Value {
    value.preserve_safety(strip_tags::strip_tags(value.as_str()))
}

/// Django's `slugify` (ASCII): lowercase, word characters, hyphens.
fn slugify(value: StringInput<'_>) -> String {
    const ACCENTED: &str = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿ";
    const BASE: &str = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyy";
    let mut slug = String::new();
    let mut pending_dash = false;
    for c in value.as_str().chars() {
        let c = match ACCENTED.chars().position(|a| a == c) {
            Some(i) => BASE.chars().nth(i).unwrap_or(c),
            None => c,
        };
        if c == '-' || matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
            pending_dash = true;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            if pending_dash {
                slug.push('-');
                pending_dash = false;
            }
            slug.push(c.to_ascii_lowercase());
        }
    }
    slug.trim_matches(['-', '_']).to_string()
}

/// Django's `urlencode`: `urllib.parse.quote` with `safe="/"` by default.
fn urlencode(value: StringInput<'_>, safe: Option<Cow<'_, str>>) -> String {
    let safe = safe.unwrap_or(Cow::Borrowed("/"));
    let mut out = String::new();
    for b in value.as_str().bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.as_bytes().contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// logic and numbers

/// Django's `default`: `arg` when the value is falsy.
fn default(value: &Value, args: Rest<Value>) -> Result<Value, Error> {
    // A second argument (Jinja's `boolean`) is accepted and ignored.
    if args.len() > 2 {
        return Err(Error::from(ErrorKind::TooManyArguments));
    }
    if value.is_true() {
        Ok(value.clone())
    } else {
        Ok(args.first().cloned().unwrap_or_else(|| Value::from("")))
    }
}

/// Django's `default_if_none`: `arg` only when the value is none/undefined.
fn default_if_none(value: &Value, arg: Value) -> Value {
    if value.is_none() || value.is_undefined() {
        arg
    } else {
        value.clone()
    }
}

/// Django's `length` that never fails: 0 for values without a length.
fn length(value: &Value) -> usize {
    value.len().unwrap_or(0)
}

/// Django's `yesno`: maps true/false/none to "yes,no,maybe" style choices.
fn yesno(value: &Value, mapping: Option<Cow<'_, str>>) -> Value {
    let mapping = mapping.unwrap_or(Cow::Borrowed("yes,no,maybe"));
    let bits: Vec<&str> = mapping.split(',').collect();
    if bits.len() < 2 {
        return value.clone();
    }
    let maybe = if bits.len() == 3 { bits[2] } else { bits[1] };
    Value::from(if value.is_none() || value.is_undefined() {
        maybe
    } else if value.is_true() {
        bits[0]
    } else {
        bits[1]
    })
}

/// Django's `pluralize`: "s" (or "singular,plural") unless the count is 1.
fn pluralize(value: &Value, suffix: Option<Cow<'_, str>>) -> String {
    let suffix = suffix.unwrap_or(Cow::Borrowed("s"));
    let bits: Vec<&str> = match suffix.split_once(',') {
        Some(_) => suffix.split(',').collect(),
        None => vec!["", &suffix],
    };
    let [singular, plural] = bits[..] else {
        return String::new();
    };
    let is_one = match value.kind() {
        ValueKind::Number => f64::try_from(value.clone()).ok().map(|f| f == 1.0),
        ValueKind::Bool => Some(value.is_true()),
        ValueKind::String | ValueKind::Bytes => value
            .as_str()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map(|f| f == 1.0),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain => {
            value.len().map(|n| n == 1)
        }
        _ => None,
    };
    match is_one {
        Some(true) => singular.to_string(),
        Some(false) => plural.to_string(),
        None => String::new(),
    }
}

/// Django's `add`: integer addition, else concatenation, else "".
fn add(value: &Value, arg: &Value) -> Value {
    if let (Some(a), Some(b)) = (int_value(value), int_value(arg)) {
        return a
            .checked_add(b)
            .map_or_else(|| Value::from(""), Value::from);
    }
    let as_str = |v: &Value| match v.kind() {
        ValueKind::Undefined => Some(String::new()),
        ValueKind::String => v.as_str().map(str::to_string),
        _ => None,
    };
    if let (Some(a), Some(b)) = (as_str(value), as_str(arg)) {
        return Value::from(a + &b);
    }
    if let (ValueKind::Seq, ValueKind::Seq, Ok(a), Ok(b)) =
        (value.kind(), arg.kind(), value.try_iter(), arg.try_iter())
    {
        return Value::from(a.chain(b).collect::<Vec<_>>());
    }
    Value::from("")
}

/// Django's `filesizeformat`: "13\u{a0}KB", "4.1\u{a0}MB", "1\u{a0}byte".
fn filesizeformat(value: &Value) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    let bytes = int_value(value).unwrap_or(0);
    let size = bytes.unsigned_abs();
    let mut text = if size < 1024 {
        format!("{size} byte{}", if size == 1 { "" } else { "s" })
    } else {
        let power = (1..UNITS.len())
            .take_while(|p| size >= 1u128 << (10 * (p + 1)))
            .count();
        let scaled = size as f64 / (1u128 << (10 * (power + 1))) as f64;
        format!("{scaled:.1} {}", UNITS[power])
    };
    if bytes < 0 {
        text.insert(0, '-');
    }
    text.replace(' ', "\u{a0}")
}

/// A finite decimal number: `digits` × 10^`exp`, digits most significant first.
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

enum ParsedDecimal {
    Finite(Decimal),
    /// `inf`/`nan`: Django returns the input unchanged.
    NonFinite,
    Invalid,
}

/// Python's `Decimal(str)` syntax.
fn parse_decimal(s: &str) -> ParsedDecimal {
    let s = s.trim();
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if ["inf", "infinity", "nan", "snan"].contains(&lower.as_str()) {
        return ParsedDecimal::NonFinite;
    }
    let (mantissa, exp) = match lower.split_once('e') {
        Some((m, e)) => match e.parse::<i64>() {
            Ok(e) if e.abs() <= 1000 => (m, e),
            _ => return ParsedDecimal::Invalid,
        },
        None => (lower.as_str(), 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part) {
        return ParsedDecimal::Invalid;
    }
    let digits = int_part.bytes().chain(frac_part.bytes()).map(|b| b - b'0');
    ParsedDecimal::Finite(Decimal {
        negative,
        digits: digits.skip_while(|d| *d == 0).collect(),
        exp: exp - frac_part.len() as i64,
    })
}

/// Inserts thousands separators into the integer part of `number`.
fn group_thousands(number: &str) -> String {
    let (sign, unsigned) = number.split_at(usize::from(number.starts_with('-')));
    let (int_part, rest) = unsigned.split_at(unsigned.find('.').unwrap_or(unsigned.len()));
    let mut grouped = String::new();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}{rest}")
}

/// Django's `floatformat`: `arg` decimals (if needed when negative), rounding
/// half up; "g" suffix groups thousands, "u" is accepted.
fn floatformat(value: &Value, arg: Option<Value>) -> Result<Value, Error> {
    let input = match value.kind() {
        ValueKind::Bool => i32::from(value.is_true()).to_string(),
        ValueKind::Number | ValueKind::String => value.to_string(),
        _ => return Ok(Value::from("")),
    };
    let dec = match parse_decimal(&input) {
        ParsedDecimal::Finite(dec) => dec,
        ParsedDecimal::NonFinite => return Ok(Value::from(input)),
        ParsedDecimal::Invalid => return Ok(Value::from("")),
    };
    let (places, grouping) = match &arg {
        None => (Some(-1), false),
        Some(arg) if arg.kind() == ValueKind::String => {
            let s = arg.as_str().unwrap_or_default();
            let stem = ["gu", "ug", "g", "u"]
                .iter()
                .find_map(|suffix| s.strip_suffix(suffix))
                .unwrap_or(s);
            // "u" turns localization off, and with it Django's default grouping
            let grouping = &s[stem.len()..] == "g";
            let places = if stem.is_empty() {
                Some(-1)
            } else {
                stem.trim().parse::<i64>().ok()
            };
            (places, grouping)
        }
        Some(arg) => (int_arg(arg, "floatformat")?, false),
    };
    let Some(places) = places.filter(|p| p.abs() <= 1000) else {
        return Ok(Value::from(input));
    };
    let Decimal {
        negative,
        mut digits,
        exp,
    } = dec;
    let frac_len = usize::try_from(-exp).unwrap_or(0);
    let is_integral = digits.iter().rev().take(frac_len).all(|d| *d == 0);
    let decimals = if is_integral && places <= 0 {
        0
    } else {
        places.unsigned_abs() as usize
    };
    // quantize to `decimals` places, rounding half away from zero
    let shift = exp + decimals as i64;
    if shift >= 0 {
        digits.extend(std::iter::repeat_n(0, shift as usize));
    } else {
        let drop = shift.unsigned_abs() as usize;
        let keep = digits.len().saturating_sub(drop);
        let round_up = drop <= digits.len() && digits[keep] >= 5;
        digits.truncate(keep);
        if round_up {
            increment(&mut digits);
        }
    }
    let mut number: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    if number.len() <= decimals {
        number.insert_str(0, &"0".repeat(decimals + 1 - number.len()));
    }
    if decimals > 0 {
        number.insert(number.len() - decimals, '.');
    }
    if negative && digits.iter().any(|d| *d != 0) {
        number.insert(0, '-');
    }
    if grouping {
        number = group_thousands(&number);
    }
    Ok(Value::from_safe_string(number))
}

/// Adds one to a big-endian digit string.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    /// Renders `src` as template `name` (`.html`: autoescaped) with
    /// `register` applied.
    fn render_as(name: &str, src: &str, ctx: Value) -> Result<String, Error> {
        let mut env = Environment::new();
        register(&mut env);
        env.add_template_owned(name.to_string(), src.to_string())?;
        env.get_template(name)?.render(ctx)
    }

    fn render_with(src: &str, ctx: Value) -> Result<String, Error> {
        render_as("t.html", src, ctx)
    }

    pub(super) fn render(src: &str, ctx: Value) -> String {
        render_with(src, ctx).unwrap_or_else(|e| panic!("{src}: {e:#}"))
    }

    /// Like [`apply`] in a `.txt` template: no autoescaping, so minijinja's
    /// HTML escaping of `/` (to `&#x2f;`, which Django leaves) stays out.
    pub(super) fn apply_txt(value: impl Into<Value>, filter: &str) -> String {
        let src = format!("{{{{ v|{filter} }}}}");
        render_as("t.txt", &src, context! { v => value.into() }).unwrap()
    }

    /// Renders `{{ v|<filter> }}` with `v` bound to `value`.
    pub(super) fn apply(value: impl Into<Value>, filter: &str) -> String {
        render(
            &format!("{{{{ v|{filter} }}}}"),
            context! { v => value.into() },
        )
    }

    fn assert_cases(filter: &str, cases: &[(Value, &str)]) {
        for (value, expected) in cases {
            assert_eq!(
                apply(value.clone(), filter),
                *expected,
                "{value:?}|{filter}"
            );
        }
    }

    #[test]
    fn linebreaks_paragraphs_escaping_and_safety() {
        assert_eq!(
            apply("a\r\nb\n\nc\r\rd\n\n\n\ne", "linebreaks"),
            "<p>a<br>b</p>\n\n<p>c</p>\n\n<p>d</p>\n\n<p>e</p>"
        );
        assert_eq!(apply("", "linebreaks"), "<p></p>");
        assert_eq!(apply("\n\nx", "linebreaks"), "<p></p>\n\n<p>x</p>");
        assert_eq!(
            apply("<b>&'\"/", "linebreaks"),
            "<p>&lt;b&gt;&amp;&#x27;&quot;/</p>"
        );
        assert_eq!(apply("<b>x</b>", "safe|linebreaks"), "<p><b>x</b></p>");
        let ctx = context! { v => "<i>\nx" };
        let off = "{% autoescape false %}{{ v|linebreaks }}{% endautoescape %}";
        assert_eq!(render(off, ctx), "<p><i><br>x</p>");
        assert_eq!(apply("a\r\nb<c>\n", "linebreaksbr"), "a<br>b&lt;c&gt;<br>");
        assert_eq!(apply("<i>\r", "safe|linebreaksbr"), "<i><br>");
    }

    #[test]
    fn default_overrides_builtin() {
        let falsy = [
            Value::from(()),
            Value::from(""),
            Value::from(0),
            Value::from(0.0),
            Value::from(false),
            Value::from(Vec::<i32>::new()),
            Value::from(std::collections::BTreeMap::<String, i32>::new()),
        ];
        for v in falsy {
            assert_eq!(apply(v.clone(), "default(\"x\")"), "x", "{v:?}");
        }
        assert_eq!(render("{{ missing|default(\"x\") }}", context! {}), "x");
        assert_eq!(apply("a", "default(\"x\")"), "a");
        assert_eq!(apply(7, "default(\"x\", true)"), "7");
        assert_eq!(apply("", "default"), "");
        assert!(render_with("{{ 1|default(1, 2, 3) }}", context! {}).is_err());
        assert_eq!(apply(Value::from(()), "default_if_none(\"x\")"), "x");
        assert_eq!(
            render("{{ missing|default_if_none(\"x\") }}", context! {}),
            "x"
        );
        assert_eq!(apply("", "default_if_none(\"x\")"), "");
        assert_eq!(apply(0, "default_if_none(\"x\")"), "0");
        assert_eq!(apply(false, "default_if_none(\"x\")"), "False");
    }

    #[test]
    fn undefined_aware_filters_work_in_strict_mode() {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        register(&mut env);
        let src = "{{ m|default('x') }} {{ m|default_if_none('y') }} {{ m|length }} \
                   {{ m|yesno }} [{{ m|date }}{{ m|pluralize }}{{ m|floatformat }}]";
        assert_eq!(env.render_str(src, context! {}).unwrap(), "x y 0 maybe []");
        // string filters follow minijinja's strict mode, like its builtins
        assert!(env.render_str("{{ m|capfirst }}", context! {}).is_err());
    }

    #[test]
    fn truncatechars_counts_characters() {
        let v = "Hello world";
        assert_eq!(apply(v, "truncatechars(5)"), "Hell…");
        assert_eq!(apply(v, "truncatechars(11)"), v);
        assert_eq!(apply(v, "truncatechars(10)"), "Hello wor…");
        assert_eq!(apply(v, "truncatechars(1)"), "…");
        assert_eq!(apply(v, "truncatechars(0)"), "");
        assert_eq!(apply(v, "truncatechars(-3)"), "");
        assert_eq!(apply(v, "truncatechars(\"5\")"), "Hell…");
        assert_eq!(apply(v, "truncatechars(5.9)"), "Hell…");
        assert_eq!(apply(v, "truncatechars(\"five\")"), v);
        assert_eq!(apply("héllo wörld", "truncatechars(7)"), "héllo …");
        // combining marks do not count (Django also NFC-normalizes, giving "cafés")
        assert_eq!(apply("cafe\u{301}s", "truncatechars(5)"), "cafe\u{301}s");
        assert_eq!(apply("cafe\u{301}s", "truncatechars(4)"), "caf…");
        assert_eq!(apply("ab…cdef", "truncatechars(4)"), "ab……");
        assert_eq!(apply("<b>bold</b>", "truncatechars(5)"), "&lt;b&gt;b…");
        assert_eq!(
            apply("<b>bold</b>", "safe|truncatechars(50)"),
            "<b>bold</b>"
        );
        assert!(render_with("{{ 'abc'|truncatechars([1]) }}", context! {}).is_err());
        assert!(render_with("{{ 'abc'|truncatechars(none) }}", context! {}).is_err());
    }

    #[test]
    fn truncatewords_and_wordcount() {
        let v = "The quick  brown\nfox";
        assert_eq!(apply(v, "truncatewords(2)"), "The quick …");
        assert_eq!(apply(v, "truncatewords(4)"), "The quick brown fox");
        assert_eq!(apply(v, "truncatewords(9)"), "The quick brown fox");
        assert_eq!(apply(v, "truncatewords(0)"), "");
        assert_eq!(apply(v, "truncatewords(\"x\")"), v);
        assert_eq!(apply("a … b c", "truncatewords(2)"), "a …");
        assert_eq!(apply(v, "wordcount"), "4");
        assert_eq!(apply("", "wordcount"), "0");
        assert_eq!(render("{{ missing|wordcount }}", context! {}), "0");
    }

    #[test]
    fn pluralize_counts() {
        let cases = [
            (Value::from(1), ""),
            (Value::from(0), "s"),
            (Value::from(2), "s"),
            (Value::from(1.0), ""),
            (Value::from(1.5), "s"),
            (Value::from("1"), ""),
            (Value::from(" 2 "), "s"),
            (Value::from("abc"), ""),
            (Value::from(vec![1]), ""),
            (Value::from(vec![1, 2]), "s"),
            (Value::from(()), ""),
        ];
        assert_cases("pluralize", &cases);
        assert_eq!(apply(1, "pluralize(\"es\")"), "");
        assert_eq!(apply(3, "pluralize(\"es\")"), "es");
        assert_eq!(apply(1, "pluralize(\"y,ies\")"), "y");
        assert_eq!(apply(2, "pluralize(\"y,ies\")"), "ies");
        assert_eq!(apply(2, "pluralize(\"a,b,c\")"), "");
        assert_eq!(render("{{ missing|pluralize }}", context! {}), "");
        let one = Value::from(std::collections::BTreeMap::from([("k".to_string(), 1)]));
        assert_eq!(apply(one, "pluralize"), "");
    }

    #[test]
    fn length_never_fails() {
        assert_cases(
            "length",
            &[
                (Value::from("héllo"), "5"),
                (Value::from(vec![1, 2, 3]), "3"),
                (Value::from(()), "0"),
                (Value::from(42), "0"),
                (Value::from(true), "0"),
            ],
        );
        assert_eq!(render("{{ missing|length }}", context! {}), "0");
    }

    #[test]
    fn yesno_mappings() {
        assert_cases(
            "yesno",
            &[
                (Value::from(true), "yes"),
                (Value::from(false), "no"),
                (Value::from(()), "maybe"),
                (Value::from(0), "no"),
                (Value::from("x"), "yes"),
                (Value::from(Vec::<i32>::new()), "no"),
            ],
        );
        assert_eq!(render("{{ missing|yesno }}", context! {}), "maybe");
        assert_eq!(apply(Value::from(()), "yesno(\"on,off\")"), "off");
        assert_eq!(apply(true, "yesno(\"on,off\")"), "on");
        assert_eq!(apply(Value::from(()), "yesno(\"a,b,c,d\")"), "b");
        assert_eq!(apply(true, "yesno(\"invalid\")"), "True");
    }

    #[test]
    fn capfirst_keeps_safety() {
        assert_eq!(apply("hello world", "capfirst"), "Hello world");
        assert_eq!(apply("élan", "capfirst"), "Élan");
        assert_eq!(apply("ßa", "capfirst"), "SSa");
        assert_eq!(apply("", "capfirst"), "");
        assert_eq!(apply("<b>x", "capfirst"), "&lt;b&gt;x");
        assert_eq!(apply("<b>x", "safe|capfirst"), "<b>x");
    }

    #[test]
    fn floatformat_matches_django() {
        let cases: &[(Value, &str, &str)] = &[
            (7.7.into(), "", "7.7"),
            (7.0.into(), "", "7"),
            (0.7.into(), "", "0.7"),
            ((-0.7).into(), "", "-0.7"),
            (0.07.into(), "", "0.1"),
            ((-0.07).into(), "", "-0.1"),
            (0.007.into(), "", "0.0"),
            (0.0.into(), "", "0"),
            (42.into(), "", "42"),
            (7.7.into(), "(0)", "8"),
            (7.7.into(), "(3)", "7.700"),
            (6.0.into(), "(3)", "6.000"),
            (6.2.into(), "(-3)", "6.200"),
            (13.1031.into(), "(-3)", "13.103"),
            (11.0.into(), "(-2)", "11"),
            (11.000001.into(), "(-2)", "11.00"),
            (8.2798.into(), "(3)", "8.280"),
            (5555.555.into(), "(2)", "5555.56"),
            (0.12345.into(), "(2)", "0.12"),
            (18.125.into(), "(2)", "18.13"),
            ("555.555".into(), "(2)", "555.56"),
            ("09.000".into(), "", "9"),
            ("1e2".into(), "", "100"),
            ("foo".into(), "", ""),
            (13.1031.into(), "(\"bar\")", "13.1031"),
            ((-0.01).into(), "(-1)", "0.0"),
            ((-0.001).into(), "(2)", "0.00"),
            ((-0.499).into(), "(0)", "0"),
            (9.999.into(), "(2)", "10.00"),
            (1234.5678.into(), "(\"2g\")", "1,234.57"),
            (1234567.into(), "(\"g\")", "1,234,567"),
            ((-1234567.891).into(), "(\"2gu\")", "-1234567.89"),
            (1.into(), "(\"2u\")", "1.00"),
            (1.5e-15.into(), "(20)", "0.00000000000000150000"),
            (1.5e-15.into(), "(-20)", "0.00000000000000150000"),
            (
                "-1.323297138040798e35".into(),
                "(2)",
                "-132329713804079800000000000000000000.00",
            ),
            ("nan".into(), "", "nan"),
            (true.into(), "", "1"),
            (Value::from(()), "", ""),
            (Value::from(vec![1]), "", ""),
        ];
        for (value, arg, expected) in cases {
            let filter = format!("floatformat{arg}");
            assert_eq!(
                apply(value.clone(), &filter),
                *expected,
                "{value:?}|{filter}"
            );
        }
        assert_eq!(render("{{ missing|floatformat }}", context! {}), "");
        assert!(render_with("{{ 1.5|floatformat([2]) }}", context! {}).is_err());
    }

    #[test]
    fn filesizeformat_units() {
        const KB: i64 = 1 << 10;
        let cases = [
            (Value::from(0), "0\u{a0}bytes"),
            (Value::from(1), "1\u{a0}byte"),
            (Value::from(1023), "1023\u{a0}bytes"),
            (Value::from(KB), "1.0\u{a0}KB"),
            (Value::from(1280), "1.2\u{a0}KB"),
            (Value::from(10 * KB), "10.0\u{a0}KB"),
            (Value::from(KB * KB - 1), "1024.0\u{a0}KB"),
            (Value::from(KB * KB), "1.0\u{a0}MB"),
            (Value::from(50 * KB * KB), "50.0\u{a0}MB"),
            (Value::from(KB.pow(3)), "1.0\u{a0}GB"),
            (Value::from(KB.pow(4)), "1.0\u{a0}TB"),
            (Value::from(KB.pow(5)), "1.0\u{a0}PB"),
            (Value::from(KB.pow(6)), "1024.0\u{a0}PB"),
            (Value::from(-KB), "-1.0\u{a0}KB"),
            (Value::from(1536.7), "1.5\u{a0}KB"),
            (Value::from("2048"), "2.0\u{a0}KB"),
            (Value::from("abc"), "0\u{a0}bytes"),
            (Value::from(()), "0\u{a0}bytes"),
        ];
        assert_cases("filesizeformat", &cases);
    }

    #[test]
    fn striptags_removes_markup_only() {
        let cases = [
            (Value::from("<p>Hello <b>world</b></p>"), "Hello world"),
            (Value::from("a < b and c > d"), "a &lt; b and c &gt; d"),
            (Value::from("<!-- note -->x<br/>y"), "xy"),
            (Value::from("<a title=\">\">x</a>"), "x"),
            (Value::from("<script>alert(1)</script>"), "alert(1)"),
            (Value::from("x <b"), "x &lt;b"),
            (Value::from("a</ x>b</>c"), "abc"),
            (Value::from("<<b>b>x"), "x"),
            // unterminated comments stay text up to the next `>`
            (Value::from("<!-->x"), "&lt;!--&gt;x"),
            (Value::from("a <!-- b <i>c</i>"), "a &lt;!-- b &lt;i&gt;c"),
            (Value::from("a &amp; <i>b</i>"), "a &amp;amp; b"),
        ];
        assert_cases("striptags", &cases);
        assert_eq!(apply("<i>x</i> &amp;", "safe|striptags"), "x &amp;");
    }

    #[test]
    fn slugify_like_django() {
        let cases = [
            (Value::from(" Joel is a slug "), "joel-is-a-slug"),
            (Value::from("Héllo, Wörld!"), "hello-world"),
            (Value::from("a -- b__c"), "a-b__c"),
            (Value::from("--_hello_--"), "hello"),
            (Value::from("日本語 text\tmore"), "text-more"),
            (Value::from("Ærø 42"), "r-42"),
        ];
        assert_cases("slugify", &cases);
    }

    #[test]
    fn urlencode_keeps_slash() {
        let v = "a b/c?d=é&x~_.-";
        assert_eq!(apply_txt(v, "urlencode"), "a%20b/c%3Fd%3D%C3%A9%26x~_.-");
        assert_eq!(apply(v, "urlencode"), "a%20b&#x2f;c%3Fd%3D%C3%A9%26x~_.-");
        assert_eq!(apply("a/b c", "urlencode(\"\")"), "a%2Fb%20c");
        assert_eq!(apply_txt("a/b c:", "urlencode(\"/:\")"), "a/b%20c:");
        assert_eq!(apply(12, "urlencode"), "12");
    }

    #[test]
    fn add_numbers_then_concatenation() {
        assert_eq!(apply(1, "add(2)"), "3");
        assert_eq!(apply("3", "add(\"4\")"), "7");
        assert_eq!(apply("3", "add(4)"), "7");
        assert_eq!(apply(1.5, "add(2)"), "3");
        assert_eq!(apply(true, "add(1)"), "2");
        assert_eq!(apply("a", "add(\"b\")"), "ab");
        assert_eq!(apply("3.5", "add(\"1\")"), "3.51");
        assert_eq!(apply("a", "add(1)"), "");
        assert_eq!(apply(Value::from(()), "add(1)"), "");
        assert_eq!(apply(vec![1, 2], "add([3])"), "[1, 2, 3]");
        assert_eq!(render("{{ missing|add(\"x\") }}", context! {}), "x");
        assert_eq!(apply(i64::MAX, "add(1)"), "9223372036854775808");
    }

    #[test]
    fn cut_and_safety() {
        assert_eq!(
            apply("String with spaces", "cut(\" \")"),
            "Stringwithspaces"
        );
        assert_eq!(apply(123, "cut(\"2\")"), "13");
        assert_eq!(apply("<b>a b</b>", "safe|cut(\" \")"), "<b>ab</b>");
        assert_eq!(
            apply("<b>a;b</b>", "safe|cut(\";\")"),
            "&lt;b&gt;ab&lt;&#x2f;b&gt;"
        );
        assert_eq!(apply("<b>", "cut(\"x\")"), "&lt;b&gt;");
    }
}
