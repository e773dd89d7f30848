//! `application/x-www-form-urlencoded`: query strings and form bodies.

use super::BodyLimits;
use crate::core::QueryDict;
use crate::error::Error;

/// Parses `a=1&b=2&flag` (keeping blank values, as Django does). Fields are counted before
/// any is decoded, as Python's `parse_qsl(max_num_fields=…)` counts them: one more than the
/// `&` separators.
pub(super) fn parse(input: &[u8], limits: &BodyLimits) -> Result<QueryDict, Error> {
    let separators = input.iter().filter(|b| **b == b'&').count();
    limits.check_fields(separators + 1)?;
    let mut dict = QueryDict::default();
    for field in input
        .split(|b| *b == b'&')
        .filter(|field| !field.is_empty())
    {
        let (name, value) = match field.iter().position(|b| *b == b'=') {
            Some(at) => (&field[..at], &field[at + 1..]),
            None => (field, &field[..0]),
        };
        let name = String::from_utf8_lossy(&decode(name)).into_owned();
        dict.push(
            name,
            String::from_utf8(decode(value)).map_err(|e| e.into_bytes()),
        );
    }
    Ok(dict)
}

/// Form decoding to bytes: `+` is a space, `%XX` a byte; the bytes may not be UTF-8.
fn decode(input: &[u8]) -> Vec<u8> {
    let plus_as_space: Vec<u8> = input
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_encoding::percent_decode(&plus_as_space).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: BodyLimits = BodyLimits {
        max_memory_size: 1 << 20,
        max_number_fields: Some(1000),
        max_number_files: Some(100),
        read_timeout: std::time::Duration::from_secs(30),
    };

    #[test]
    fn values_decode_blanks_are_kept_and_the_last_value_wins() {
        let dict = parse(b"name=Ada+L%C3%B6we&tag=a&tag=b&flag&=x&&", &LIMITS).unwrap();
        assert_eq!(dict.get("name"), Some("Ada Löwe"));
        assert_eq!(dict.get("tag"), Some("b"));
        assert_eq!(dict.get_list("tag"), ["a", "b"]);
        assert_eq!(dict.get("flag"), Some(""));
        assert_eq!(dict.get(""), Some("x"));
        assert_eq!(dict.get("missing"), None);
    }

    #[test]
    fn values_that_are_not_utf8_are_marked() {
        let dict = parse(b"a=ok&b=%FF&c=%C3&c=fine&d=x&d=%FE&%FF=1", &LIMITS).unwrap();
        assert!(!dict.is_undecodable("a"));
        assert!(dict.is_undecodable("b"));
        assert_eq!(
            dict.get("b"),
            Some("\u{FFFD}"),
            "shown replaced, as Django does"
        );
        assert!(!dict.is_undecodable("c"), "a later good value wins");
        assert_eq!(dict.get("c"), Some("fine"));
        assert!(dict.is_undecodable("d"));
        assert_eq!(
            dict.get("\u{FFFD}"),
            Some("1"),
            "names are decoded with replacement"
        );
    }

    #[test]
    fn django_counts_fields_by_separators() {
        let limits = BodyLimits {
            max_number_fields: Some(2),
            ..LIMITS
        };
        assert_eq!(parse(b"a=1&b=2", &limits).unwrap().len(), 2);
        assert!(matches!(
            parse(b"a=1&b=2&", &limits),
            Err(Error::TooManyFieldsSent)
        ));
        let body = "a&".repeat(1_300_000);
        assert!(matches!(
            parse(body.as_bytes(), &LIMITS),
            Err(Error::TooManyFieldsSent)
        ));
        let unlimited = BodyLimits {
            max_number_fields: None,
            ..LIMITS
        };
        assert_eq!(parse(b"a&b&c", &unlimited).unwrap().len(), 3);
    }
}
