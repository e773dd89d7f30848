//! The submitted data a form is bound to: a request's urlencoded or multipart body, or a
//! [`QueryDict`]. Bad input (invalid UTF-8, a malformed body) is recorded here and becomes
//! form errors; it never fails the request.

use axum::http::{HeaderMap, header};

use crate::http::QueryDict;

use super::multipart;

/// Submitted form data: name/value pairs (a repeated name's last value wins, like Django's
/// `QueryDict.__getitem__`), plus what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormData {
    pairs: Vec<(String, String)>,
    /// Names whose value was not UTF-8.
    undecodable: Vec<String>,
    /// Why the body as a whole could not be read.
    unreadable: Option<String>,
}

impl FormData {
    /// Data from name/value pairs.
    ///
    /// ```
    /// let data = pony::forms::FormData::from_pairs([("q", "a"), ("q", "b")]);
    /// assert_eq!(data.get("q"), Some("b"));
    /// ```
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        FormData {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..FormData::default()
        }
    }

    /// The data of a [`QueryDict`] (`request.query()` for a search form).
    pub fn from_query(query: &QueryDict) -> Self {
        Self::from_pairs(query.pairs().iter().cloned())
    }

    /// A request's form body: `application/x-www-form-urlencoded` or `multipart/form-data`
    /// (text fields). Any other content type is no data, like Django's empty `request.POST`.
    pub fn from_body(headers: &HeaderMap, body: &[u8]) -> Self {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mime = content_type.split(';').next().unwrap_or("").trim();
        if mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            Self::from_urlencoded(body)
        } else if mime.eq_ignore_ascii_case("multipart/form-data") {
            Self::from_multipart(content_type, body)
        } else {
            FormData::default()
        }
    }

    /// Parses `a=1&b=2`, keeping track of values that are not UTF-8 once decoded.
    pub fn from_urlencoded(body: &[u8]) -> Self {
        let mut data = FormData::default();
        let fields = body.split(|b| *b == b'&').filter(|field| !field.is_empty());
        for (index, field) in fields.enumerate() {
            if index == multipart::MAX_PARTS {
                data.unreadable = Some(format!(
                    "more than {} fields were submitted",
                    multipart::MAX_PARTS
                ));
                break;
            }
            let (name, value) = match field.iter().position(|b| *b == b'=') {
                Some(at) => (&field[..at], &field[at + 1..]),
                None => (field, &field[..0]),
            };
            let Ok(name) = String::from_utf8(url_decode(name)) else {
                data.unreadable = Some("a field name is not UTF-8 text".to_owned());
                continue;
            };
            data.push(name, String::from_utf8(url_decode(value)).map_err(|_| ()));
        }
        data
    }

    fn from_multipart(content_type: &str, body: &[u8]) -> Self {
        let Some(boundary) = multipart::boundary(content_type) else {
            return FormData::unreadable(multipart::MultipartError::NoBoundary.to_string());
        };
        match multipart::parse(body, &boundary) {
            Ok(parts) => {
                let mut data = FormData::default();
                for part in parts {
                    data.push(part.name, part.value.map_err(|_| ()));
                }
                data
            }
            Err(error) => FormData::unreadable(error.to_string()),
        }
    }

    fn unreadable(reason: String) -> Self {
        FormData {
            unreadable: Some(reason),
            ..FormData::default()
        }
    }

    fn push(&mut self, name: String, value: Result<String, ()>) {
        match value {
            Ok(value) => {
                self.undecodable.retain(|n| *n != name);
                self.pairs.push((name, value));
            }
            Err(()) => {
                // The last value wins: an undecodable one hides earlier good ones.
                self.pairs.retain(|(n, _)| *n != name);
                self.undecodable.push(name);
            }
        }
    }

    /// The last value submitted for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the value of `name` was sent but is not UTF-8 text.
    pub fn is_undecodable(&self, name: &str) -> bool {
        self.undecodable.iter().any(|n| n == name)
    }

    /// Why the body could not be read at all, if it could not.
    pub fn unreadable_reason(&self) -> Option<&str> {
        self.unreadable.as_deref()
    }
}

/// `application/x-www-form-urlencoded` decoding to bytes: `+` is a space, `%XX` a byte.
fn url_decode(input: &[u8]) -> Vec<u8> {
    let plus_as_space: Vec<u8> = input
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_encoding::percent_decode(&plus_as_space).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        headers
    }

    #[test]
    fn urlencoded_bodies_decode_and_last_value_wins() {
        let data = FormData::from_urlencoded(b"name=Ada+L%C3%B6we&tag=a&tag=b&flag&=x&&");
        assert_eq!(data.get("name"), Some("Ada Löwe"));
        assert_eq!(data.get("tag"), Some("b"));
        assert_eq!(data.get("flag"), Some(""));
        assert_eq!(data.get(""), Some("x"));
        assert_eq!(data.get("missing"), None);
        assert_eq!(data.unreadable_reason(), None);
    }

    #[test]
    fn invalid_utf8_is_recorded_not_replaced() {
        let data = FormData::from_urlencoded(b"a=ok&b=%FF&c=%C3&c=fine&d=x&d=%FE");
        assert_eq!(data.get("a"), Some("ok"));
        assert!(data.is_undecodable("b") && data.get("b").is_none());
        assert!(!data.is_undecodable("c"), "a later good value wins");
        assert_eq!(data.get("c"), Some("fine"));
        assert!(data.is_undecodable("d") && data.get("d").is_none());
        let data = FormData::from_urlencoded(b"%FF=1");
        assert!(data.unreadable_reason().is_some());
    }

    #[test]
    fn too_many_fields_is_unreadable() {
        let body = "a=1&".repeat(multipart::MAX_PARTS + 1);
        let data = FormData::from_urlencoded(body.as_bytes());
        assert!(data.unreadable_reason().unwrap().contains("more than 1000"));
    }

    #[test]
    fn bodies_are_read_by_content_type() {
        let urlencoded = headers("application/x-www-form-urlencoded; charset=UTF-8");
        assert_eq!(FormData::from_body(&urlencoded, b"a=1").get("a"), Some("1"));
        let multipart = headers("multipart/form-data; boundary=b");
        let body = b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--b\r\nContent-Disposition: form-data; name=\"u\"\r\n\r\n\xff\r\n--b--\r\n";
        let data = FormData::from_body(&multipart, body);
        assert_eq!(data.get("a"), Some("2"));
        assert!(data.is_undecodable("u"));
        let broken = FormData::from_body(
            &multipart,
            b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2",
        );
        assert_eq!(
            broken.unreadable_reason(),
            Some("a part is not closed by the boundary")
        );
        let no_boundary = FormData::from_body(&headers("multipart/form-data"), b"");
        assert!(no_boundary.unreadable_reason().is_some());
        assert_eq!(
            FormData::from_body(&headers("application/json"), b"{\"a\":1}"),
            FormData::default()
        );
        assert_eq!(
            FormData::from_body(&HeaderMap::new(), b"a=1"),
            FormData::default()
        );
    }
}
