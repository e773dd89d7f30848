//! A `multipart/form-data` parser for a body already in memory: the text parts of a form.
//!
//! Security: the body's size is already capped by `DATA_UPLOAD_MAX_MEMORY_SIZE` when the
//! request is read; here the number of parts and the size of each part's headers are capped
//! too, every index is checked, and nothing is trusted to be UTF-8. Parts with a `filename`
//! (file uploads) are skipped: forms handle text fields only.

use std::fmt;

/// Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS`.
pub(crate) const MAX_PARTS: usize = 1000;
/// The most bytes of headers one part may have.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// One text part: its field name and its value, `Err` holding bytes that are not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextPart {
    pub(crate) name: String,
    pub(crate) value: Result<String, Vec<u8>>,
}

/// Why a body is not a readable multipart form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MultipartError {
    NoBoundary,
    NoFirstBoundary,
    Unterminated,
    BadHeaders,
    NoName,
    TooManyParts,
}

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MultipartError::NoBoundary => "the Content-Type has no valid boundary",
            MultipartError::NoFirstBoundary => "the body does not start with the boundary",
            MultipartError::Unterminated => "a part is not closed by the boundary",
            MultipartError::BadHeaders => "a part's headers are malformed or too long",
            MultipartError::NoName => "a part has no form-data name",
            MultipartError::TooManyParts => "the form has too many fields",
        })
    }
}

/// The boundary of a `multipart/form-data; boundary=…` content type (RFC 2046: 1–70
/// characters), `None` if it has none.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (1..=70).contains(&value.len()).then(|| value.to_owned())
    })
}

/// Parses the text parts of `body`, delimited by `boundary`.
pub(crate) fn parse(body: &[u8], boundary: &str) -> Result<Vec<TextPart>, MultipartError> {
    if boundary.is_empty() {
        return Err(MultipartError::NoBoundary);
    }
    let delimiter = [b"--", boundary.as_bytes()].concat();
    // Each later delimiter starts a line: CRLF, "--", boundary.
    let next_delimiter = [b"\r\n", delimiter.as_slice()].concat();
    // The first delimiter may follow a preamble (which is ignored).
    let mut position = if body.starts_with(&delimiter) {
        delimiter.len()
    } else {
        find(body, &next_delimiter, 0).ok_or(MultipartError::NoFirstBoundary)?
            + next_delimiter.len()
    };
    let mut parts = Vec::new();
    loop {
        let rest = body.get(position..).ok_or(MultipartError::Unterminated)?;
        if rest.starts_with(b"--") {
            return Ok(parts); // the close delimiter; an epilogue is ignored
        }
        // Transport padding (spaces, tabs), then the end of the delimiter line.
        let padding = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        if !rest[padding..].starts_with(b"\r\n") {
            return Err(MultipartError::Unterminated);
        }
        let headers_start = position + padding + 2;
        let (headers, content_start) = split_headers(body, headers_start)?;
        let content_end =
            find(body, &next_delimiter, content_start).ok_or(MultipartError::Unterminated)?;
        position = content_end + next_delimiter.len();
        if parts.len() == MAX_PARTS {
            return Err(MultipartError::TooManyParts);
        }
        let disposition = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-disposition"))
            .map(|(_, value)| value.as_str())
            .ok_or(MultipartError::NoName)?;
        let params = disposition_params(disposition)?;
        if params.iter().any(|(key, _)| key == "filename") {
            continue; // a file upload: not a text field
        }
        let name = params
            .into_iter()
            .find(|(key, _)| key == "name")
            .map(|(_, value)| value)
            .ok_or(MultipartError::NoName)?;
        let content = &body[content_start..content_end];
        let value = String::from_utf8(content.to_vec()).map_err(|e| e.into_bytes());
        parts.push(TextPart { name, value });
    }
}

/// The headers of the part starting at `start` and where its content starts.
fn split_headers(
    body: &[u8],
    start: usize,
) -> Result<(Vec<(String, String)>, usize), MultipartError> {
    let rest = body.get(start..).ok_or(MultipartError::Unterminated)?;
    // No headers at all: the blank line comes at once.
    let (block, content_start) = if rest.starts_with(b"\r\n") {
        (&rest[..0], start + 2)
    } else {
        let end = find(rest, b"\r\n\r\n", 0).ok_or(MultipartError::BadHeaders)?;
        (&rest[..end], start + end + 4)
    };
    if block.len() > MAX_HEADER_BYTES {
        return Err(MultipartError::BadHeaders);
    }
    let text = std::str::from_utf8(block).map_err(|_| MultipartError::BadHeaders)?;
    let mut headers = Vec::new();
    for line in text.split("\r\n").filter(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(MultipartError::BadHeaders)?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok((headers, content_start))
}

/// `form-data; name="title"; filename="a.txt"` → `[("name", "title"), ("filename", "a.txt")]`.
fn disposition_params(value: &str) -> Result<Vec<(String, String)>, MultipartError> {
    let mut chars = value.char_indices().peekable();
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            '\\' if quoted => {
                // A quoted-pair: keep the escaped character as it is.
                current.push(c);
                if let Some((_, escaped)) = chars.next() {
                    current.push(escaped);
                }
            }
            ';' if !quoted => segments.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted {
        return Err(MultipartError::BadHeaders);
    }
    segments.push(current);
    let mut segments = segments.into_iter();
    let kind = segments.next().unwrap_or_default();
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return Err(MultipartError::NoName);
    }
    let mut params = Vec::new();
    for segment in segments.filter(|s| !s.trim().is_empty()) {
        let (key, raw) = segment.split_once('=').ok_or(MultipartError::BadHeaders)?;
        params.push((key.trim().to_ascii_lowercase(), unquote(raw.trim())));
    }
    Ok(params)
}

/// `"a \"b\""` → `a "b"`; an unquoted token is returned as it is.
fn unquote(raw: &str) -> String {
    let Some(inner) = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| raw.len() >= 2)
    else {
        return raw.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            _ => out.push(c),
        }
    }
    out
}

/// The first index of `needle` in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|index| index + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, value: &str) -> TextPart {
        TextPart {
            name: name.into(),
            value: Ok(value.into()),
        }
    }

    #[test]
    fn boundaries_come_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----WebKitFormBoundaryX").as_deref(),
            Some("----WebKitFormBoundaryX")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; Boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(boundary("multipart/form-data; boundary="), None);
        assert_eq!(boundary("text/plain; boundary=x"), None);
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={}", "x".repeat(71))),
            None
        );
    }

    #[test]
    fn parses_text_parts_and_skips_files() {
        let body = b"preamble\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"title\"\r\n\r\n\
Hello\r\nworld\r\n--XyZ\r\n\
content-disposition: form-data; name=\"upload\"; filename=\"a;b.txt\"\r\n\
Content-Type: text/plain\r\n\r\n\
file body\r\n--XyZ  \r\n\
Content-Disposition: form-data; name=\"quote\\\"d\"\r\n\r\n\
\r\n--XyZ--\r\nepilogue";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(
            parts,
            [text("title", "Hello\r\nworld"), text("quote\"d", "")]
        );
    }

    #[test]
    fn invalid_utf8_is_kept_as_bytes() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n\xff\xfe\r\n--b--";
        let parts = parse(body, "b").unwrap();
        assert_eq!(parts[0].value, Err(vec![0xff, 0xfe]));
    }

    #[test]
    fn malformed_bodies_are_errors() {
        let cases: &[(&[u8], MultipartError)] = &[
            (b"", MultipartError::NoFirstBoundary),
            (b"no boundary here", MultipartError::NoFirstBoundary),
            (b"--b", MultipartError::Unterminated),
            (b"--bogus\r\n", MultipartError::Unterminated),
            (
                b"--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nvalue",
                MultipartError::Unterminated,
            ),
            (
                b"--b\r\nContent-Disposition: form-data; name=\"n\"",
                MultipartError::BadHeaders,
            ),
            (
                b"--b\r\nno colon\r\n\r\nx\r\n--b--",
                MultipartError::BadHeaders,
            ),
            (b"--b\r\n\r\nx\r\n--b--", MultipartError::NoName),
            (
                b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
                MultipartError::NoName,
            ),
            (
                b"--b\r\nContent-Disposition: attachment; name=\"n\"\r\n\r\nx\r\n--b--",
                MultipartError::NoName,
            ),
            (
                b"--b\r\nContent-Disposition: form-data; name=\"n\r\n\r\nx\r\n--b--",
                MultipartError::BadHeaders,
            ),
            (
                b"--b\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nx\r\n--b--",
                MultipartError::BadHeaders,
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                parse(body, "b").as_ref(),
                Err(expected),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        let long_headers = format!(
            "--b\r\nX: {}\r\n\r\nx\r\n--b--",
            "a".repeat(MAX_HEADER_BYTES)
        );
        assert_eq!(
            parse(long_headers.as_bytes(), "b"),
            Err(MultipartError::BadHeaders)
        );
    }

    #[test]
    fn the_number_of_parts_is_capped() {
        let part = "--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nx\r\n";
        let body = format!("{}--b--", part.repeat(MAX_PARTS + 1));
        assert_eq!(
            parse(body.as_bytes(), "b"),
            Err(MultipartError::TooManyParts)
        );
        let body = format!("{}--b--", part.repeat(MAX_PARTS));
        assert_eq!(parse(body.as_bytes(), "b").map(|p| p.len()), Ok(MAX_PARTS));
    }
}
