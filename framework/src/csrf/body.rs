//! Finding `csrfmiddlewaretoken` in a POST body, as Django's `request.POST` would.
//!
//! Only `application/x-www-form-urlencoded` and `multipart/form-data` bodies carry form
//! fields; any other body (JSON, say) has none, and the token must come in the header.

use axum::http::{HeaderMap, header};

/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrfmiddlewaretoken";

/// The value of `csrfmiddlewaretoken` in a form body (the last one, like `QueryDict.get`), or
/// `None` when the body is not a form or has no such field.
pub(crate) fn form_token(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())?;
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => form_urlencoded::parse(body)
            .filter(|(key, _)| key == FORM_FIELD)
            .last()
            .map(|(_, value)| value.into_owned()),
        "multipart/form-data" => multipart_field(body, &boundary(content_type)?, FORM_FIELD),
        _ => None,
    }
}

/// Whether the body must be read to look for the field (a form content type).
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start().to_ascii_lowercase())
        .is_some_and(|v| {
            v.starts_with("application/x-www-form-urlencoded")
                || v.starts_with("multipart/form-data")
        })
}

/// The `boundary` parameter of a multipart content type.
fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// The text value of a non-file field of a multipart body (the last one with that name).
fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let mut found = None;
    for part in split(body, delimiter.as_bytes()).skip(1) {
        if part.starts_with(b"--") {
            break; // the closing delimiter
        }
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(header_end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..header_end]);
        let value = &part[header_end + 4..];
        let value = value.strip_suffix(b"\r\n").unwrap_or(value);
        let disposition = headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        });
        let Some(disposition) = disposition else {
            continue;
        };
        let params: Vec<(String, String)> = disposition
            .split(';')
            .skip(1)
            .filter_map(|param| {
                let (key, value) = param.split_once('=')?;
                Some((
                    key.trim().to_ascii_lowercase(),
                    value.trim().trim_matches('"').to_owned(),
                ))
            })
            .collect();
        let is_file = params.iter().any(|(key, _)| key == "filename");
        if !is_file
            && params
                .iter()
                .any(|(key, value)| key == "name" && value == name)
        {
            found = Some(String::from_utf8_lossy(value).into_owned());
        }
    }
    found
}

/// Splits `haystack` at every occurrence of `needle`.
fn split<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(haystack);
    std::iter::from_fn(move || {
        let current = rest?;
        match find(current, needle) {
            Some(at) => {
                rest = Some(&current[at + needle.len()..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
        headers
    }

    #[test]
    fn urlencoded_field_is_found() {
        let h = headers("application/x-www-form-urlencoded; charset=utf-8");
        assert!(is_form(&h));
        assert_eq!(
            form_token(&h, b"a=1&csrfmiddlewaretoken=abc&b=2").as_deref(),
            Some("abc")
        );
        assert_eq!(form_token(&h, b"a=1"), None);
        assert_eq!(form_token(&headers("application/json"), b"{}"), None);
        assert!(!is_form(&headers("application/json")));
    }

    #[test]
    fn multipart_field_is_found_but_not_a_file() {
        let h = headers("multipart/form-data; boundary=\"XyZ\"");
        assert!(is_form(&h));
        let body = b"--XyZ\r\n\
Content-Disposition: form-data; name=\"csrfmiddlewaretoken\"; filename=\"t.txt\"\r\n\
Content-Type: text/plain\r\n\r\nFROMFILE\r\n\
--XyZ\r\n\
Content-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n\
--XyZ\r\n\
content-disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\ntoken123\r\n\
--XyZ--\r\n";
        assert_eq!(form_token(&h, body).as_deref(), Some("token123"));
        assert_eq!(form_token(&h, b"--XyZ--\r\n"), None);
        assert_eq!(form_token(&headers("multipart/form-data"), body), None);
    }
}
