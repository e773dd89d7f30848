//! Making a URL safe to send in a `Location` header: Django's `iri_to_uri`
//! (`django.utils.encoding`) and `escape_leading_slashes` (`django.utils.http`).
//!
//! ```
//! use pony::encoding::{escape_leading_slashes, iri_to_uri};
//!
//! assert_eq!(iri_to_uri("/blog/for/Jürgen Münster/"), "/blog/for/J%C3%BCrgen%20M%C3%BCnster/");
//! assert_eq!(escape_leading_slashes("//evil.example/"), "/%2Fevil.example/");
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What `iri_to_uri` leaves alone: RFC 3986's reserved and unreserved characters, and `%`
/// (so that an already encoded URL stays as it is).
const IRI_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'#')
    .remove(b'%')
    .remove(b'[')
    .remove(b']')
    .remove(b'=')
    .remove(b':')
    .remove(b';')
    .remove(b'$')
    .remove(b'&')
    .remove(b'(')
    .remove(b')')
    .remove(b'+')
    .remove(b',')
    .remove(b'!')
    .remove(b'?')
    .remove(b'*')
    .remove(b'@')
    .remove(b'\'');

/// Django's `iri_to_uri`: percent-encodes the UTF-8 bytes of every character outside
/// `/#%[]=:;$&()+,!?*@'~` and the unreserved ones (letters, digits, `-._~`).
///
/// The result is plain ASCII without spaces or control characters, so it is always a valid
/// header value; encoding twice changes nothing. A backslash becomes `%5C`, which no browser
/// reads as a slash.
///
/// ```
/// use pony::encoding::iri_to_uri;
///
/// assert_eq!(iri_to_uri("/é"), "/%C3%A9");
/// assert_eq!(iri_to_uri("red&♥ros%#red"), "red&%E2%99%A5ros%#red");
/// assert_eq!(iri_to_uri("/\\evil.example"), "/%5Cevil.example");
/// ```
pub fn iri_to_uri(iri: &str) -> String {
    utf8_percent_encode(iri, IRI_SAFE).to_string()
}

/// Django's `escape_leading_slashes`: a path that starts with `//` would be read by browsers as
/// a link to another host, so its second slash is encoded.
///
/// ```
/// use pony::encoding::escape_leading_slashes;
///
/// assert_eq!(escape_leading_slashes("//evil.example/x/"), "/%2Fevil.example/x/");
/// assert_eq!(escape_leading_slashes("/articles/"), "/articles/");
/// ```
pub fn escape_leading_slashes(url: &str) -> String {
    match url.strip_prefix("//") {
        Some(rest) => format!("/%2F{rest}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Django's `test_iri_to_uri` (tests/utils_tests/test_encoding.py), idempotency included.
    #[test]
    fn iri_to_uri_like_django() {
        let cases = [
            // Valid UTF-8 sequences are encoded.
            ("red%09rosé#red", "red%09ros%C3%A9#red"),
            (
                "/blog/for/Jürgen Münster/",
                "/blog/for/J%C3%BCrgen%20M%C3%BCnster/",
            ),
            // urlquote_plus("Paris & Orléans")
            (
                "locations/Paris+%26+Orl%C3%A9ans",
                "locations/Paris+%26+Orl%C3%A9ans",
            ),
            // Reserved chars remain unescaped.
            ("%&", "%&"),
            ("red&♥ros%#red", "red&%E2%99%A5ros%#red"),
        ];
        for (iri, uri) in cases {
            assert_eq!(iri_to_uri(iri), uri, "{iri}");
            assert_eq!(iri_to_uri(&iri_to_uri(iri)), uri, "{iri} twice");
        }
    }

    /// Django's `test_complementarity`, the `iri_to_uri` half: encoded URIs come back unchanged.
    #[test]
    fn encoded_uris_are_unchanged() {
        for uri in [
            "/blog/for/J%C3%BCrgen%20M%C3%BCnster/",
            "red&%E2%99%A5ros%#red",
            "/%E2%99%A5%E2%99%A5/?utf8=%E2%9C%93",
            "/%AAd%AAj%AAa%AAn%AAg%AAo%AA/",
        ] {
            assert_eq!(iri_to_uri(uri), uri);
        }
    }

    #[test]
    fn every_character_outside_the_safe_set_is_encoded() {
        let safe = "/#%[]=:;$&()+,!?*@'~-._";
        assert_eq!(iri_to_uri(safe), safe);
        assert_eq!(iri_to_uri("AZaz09"), "AZaz09");
        assert_eq!(
            iri_to_uri(" \"<>\\^`{|}\t\n\r\x00\x7f"),
            "%20%22%3C%3E%5C%5E%60%7B%7C%7D%09%0A%0D%00%7F"
        );
        assert_eq!(iri_to_uri("/I ♥ Django/"), "/I%20%E2%99%A5%20Django/");
    }

    /// Django's `EscapeLeadingSlashesTests` (tests/utils_tests/test_http.py), and a few more.
    #[test]
    fn escape_leading_slashes_like_django() {
        let cases = [
            ("//example.com", "/%2Fexample.com"),
            ("//", "/%2F"),
            ("/a", "/a"),
            ("///x", "/%2F/x"),
            ("", ""),
        ];
        for (url, expected) in cases {
            assert_eq!(escape_leading_slashes(url), expected, "{url}");
        }
    }
}
