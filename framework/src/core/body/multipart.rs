//! `multipart/form-data`: the text fields of a form, split by [`multer`].
//!
//! Security: the body is already in memory and capped by `DATA_UPLOAD_MAX_MEMORY_SIZE`;
//! multer finds each delimiter with a linear substring search, so splitting costs one pass
//! over the body however it is crafted. On top of it pony enforces Django's rules: a boundary
//! of 1–70 characters, at most `DATA_UPLOAD_MAX_NUMBER_FIELDS` fields and
//! `DATA_UPLOAD_MAX_NUMBER_FILES` files, and nothing trusted to be UTF-8. File parts are
//! counted but their content is dropped: forms handle text fields only. A part without a
//! `form-data` name is skipped, as Django's parser skips it.

use std::convert::Infallible;

use axum::body::Bytes;
use futures_util::FutureExt;

use super::BodyLimits;
use crate::core::QueryDict;
use crate::error::Error;

/// The boundary of a `multipart/form-data; boundary=…` content type (RFC 2046: 1–70
/// characters), else Django's `MultiPartParserError`.
pub(super) fn boundary(content_type: &str) -> Result<String, Error> {
    let found = content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| unquote(value.trim()))
    });
    match found {
        Some(boundary) if (1..=70).contains(&boundary.len()) => Ok(boundary),
        Some(boundary) if boundary.len() > 70 => Err(invalid("a boundary over 70 characters")),
        _ => Err(Error::MultiPartParserError(
            "Invalid boundary in multipart: None".to_owned(),
        )),
    }
}

fn invalid(what: &str) -> Error {
    Error::MultiPartParserError(format!("Invalid multipart body: {what}."))
}

/// Parses the parts of `body`, delimited by `boundary`.
pub(super) fn parse(body: Bytes, boundary: &str, limits: &BodyLimits) -> Result<QueryDict, Error> {
    // The whole body is one ready chunk: every future below completes on its first poll, so
    // they are driven synchronously; one that did not would be a bug, reported as a 400.
    let stream = futures_util::stream::once(std::future::ready(Ok::<_, Infallible>(body)));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = QueryDict::default();
    let (mut field_count, mut file_count) = (0, 0);
    loop {
        let next = multipart
            .next_field()
            .now_or_never()
            .ok_or_else(|| invalid("the parser stalled"))?;
        let field = match next {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(fields),
            Err(error) => return Err(from_multer(error)),
        };
        let disposition = field
            .headers()
            .get(axum::http::header::CONTENT_DISPOSITION)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let params = disposition.as_deref().and_then(disposition_params);
        let Some(params) = params else {
            continue; // no form-data name: skipped, its content with it
        };
        if params.iter().any(|(key, _)| key == "filename") {
            file_count += 1;
            if limits.max_number_files.is_some_and(|max| file_count > max) {
                return Err(Error::TooManyFilesSent);
            }
            continue; // a file upload: not a text field
        }
        let Some(name) = params
            .into_iter()
            .find(|(key, _)| key == "name")
            .map(|(_, v)| v)
        else {
            continue;
        };
        field_count += 1;
        limits.check_fields(field_count)?;
        let content = field
            .bytes()
            .now_or_never()
            .ok_or_else(|| invalid("the parser stalled"))?
            .map_err(from_multer)?;
        fields.push(
            name,
            String::from_utf8(content.to_vec()).map_err(|e| e.into_bytes()),
        );
    }
}

/// multer's errors as Django's `MultiPartParserError` (a 400).
fn from_multer(error: multer::Error) -> Error {
    let what = match error {
        multer::Error::IncompleteStream | multer::Error::IncompleteFieldData { .. } => {
            "it is not closed by the boundary"
        }
        multer::Error::IncompleteHeaders | multer::Error::ReadHeaderFailed(_) => {
            "a part's headers are malformed"
        }
        multer::Error::DecodeHeaderName { .. } | multer::Error::DecodeHeaderValue { .. } => {
            "a part's headers are not valid"
        }
        _ => "it cannot be read",
    };
    invalid(what)
}

/// `form-data; name="title"; filename="a.txt"` → `[("name", "title"), ("filename", "a.txt")]`;
/// `None` unless it is `form-data` with well-formed parameters.
fn disposition_params(value: &str) -> Option<Vec<(String, String)>> {
    let mut chars = value.chars();
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            '\\' if quoted => {
                // A quoted-pair: keep the escaped character as it is.
                current.push(c);
                current.extend(chars.next());
            }
            ';' if !quoted => segments.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted {
        return None;
    }
    segments.push(current);
    let mut segments = segments.into_iter();
    let kind = segments.next().unwrap_or_default();
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    segments
        .filter(|s| !s.trim().is_empty())
        .map(|segment| {
            let (key, raw) = segment.split_once('=')?;
            Some((key.trim().to_ascii_lowercase(), unquote(raw.trim())))
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: BodyLimits = BodyLimits {
        max_memory_size: 2_621_440,
        max_number_fields: Some(1000),
        max_number_files: Some(100),
        read_timeout: std::time::Duration::from_secs(30),
    };

    fn parse_str(body: &[u8], boundary: &str) -> Result<QueryDict, Error> {
        parse(Bytes::copy_from_slice(body), boundary, &LIMITS)
    }

    #[test]
    fn boundaries_come_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----WebKitFormBoundaryX").unwrap(),
            "----WebKitFormBoundaryX"
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; Boundary=\"a b\"").unwrap(),
            "a b"
        );
        for bad in ["multipart/form-data", "multipart/form-data; boundary="] {
            assert_eq!(
                boundary(bad).unwrap_err().to_string(),
                "Invalid boundary in multipart: None"
            );
        }
        let long = format!("multipart/form-data; boundary={}", "-".repeat(400_000));
        assert!(matches!(
            boundary(&long),
            Err(Error::MultiPartParserError(_))
        ));
        assert!(boundary(&format!("multipart/form-data; boundary={}", "x".repeat(70))).is_ok());
    }

    #[test]
    fn text_parts_are_read_and_files_skipped() {
        let body = b"preamble\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"title\"\r\n\r\n\
Hello\r\nworld\r\n--XyZ\r\n\
content-disposition: form-data; name=\"upload\"; filename=\"a;b.txt\"\r\n\
Content-Type: text/plain\r\n\r\n\
file body\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"quote\\\"d\"\r\n\r\n\
\r\n--XyZ\r\n\
Content-Disposition: attachment; name=\"skipped\"\r\n\r\nx\r\n--XyZ\r\n\
X-No-Disposition: 1\r\n\r\nskipped too\r\n--XyZ--\r\nepilogue";
        let dict = parse_str(body, "XyZ").unwrap();
        let pairs: Vec<_> = dict.iter().collect();
        assert_eq!(pairs, [("title", "Hello\r\nworld"), ("quote\"d", "")]);
    }

    #[test]
    fn values_that_are_not_utf8_are_marked() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n\xff\xfe\r\n--b--";
        assert!(parse_str(body, "b").unwrap().is_undecodable("n"));
    }

    #[test]
    fn malformed_bodies_are_multipart_parser_errors() {
        for body in [
            &b""[..],
            b"no boundary here",
            b"--b",
            b"--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nvalue",
            b"--b\r\nContent-Disposition: form-data; name=\"n\"",
            b"--b\r\nno colon\r\n\r\nx\r\n--b--",
        ] {
            let error = parse_str(body, "b").unwrap_err();
            assert_eq!(error.kind_name(), "MultiPartParserError", "{body:?}");
        }
    }

    #[test]
    fn fields_and_files_are_counted_with_djangos_limits() {
        let part = "--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nx\r\n";
        let body = format!("{}--b--", part.repeat(1000));
        assert_eq!(parse_str(body.as_bytes(), "b").unwrap().len(), 1000);
        let body = format!("{}--b--", part.repeat(1001));
        assert!(matches!(
            parse_str(body.as_bytes(), "b"),
            Err(Error::TooManyFieldsSent)
        ));
        let file = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nx\r\n";
        let body = format!("{}--b--", file.repeat(101));
        assert!(matches!(
            parse_str(body.as_bytes(), "b"),
            Err(Error::TooManyFilesSent)
        ));
    }

    #[test]
    fn near_miss_delimiters_are_not_delimiters() {
        // Every line almost closes the part: the boundary with its last character changed.
        let boundary = "-".repeat(70);
        let near_miss = format!("\r\n--{}x", "-".repeat(69));
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n{}",
            near_miss.repeat(30_000)
        );
        let error = parse_str(body.as_bytes(), &boundary).unwrap_err();
        assert_eq!(error.kind_name(), "MultiPartParserError");
    }
}
