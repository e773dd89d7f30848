//! Request bodies: read once with a size limit and a deadline, parsed once into form fields.
//!
//! Everything that looks inside a body goes through here — the CSRF check, `request.post()`,
//! form binding — so Django's limits hold everywhere:
//!
//! - `DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MiB): a longer body is refused with 413 while it is
//!   read, so no more than that is ever buffered;
//! - `DATA_UPLOAD_MAX_NUMBER_FIELDS` (1000) and `DATA_UPLOAD_MAX_NUMBER_FILES` (100): more
//!   fields or files are a 400 (`TooManyFieldsSent`, `TooManyFilesSent`), checked while
//!   parsing, before anything is allocated for the fields past the limit;
//! - the whole body must arrive within `REQUEST_BODY_TIMEOUT` seconds (30; a client trickling
//!   bytes holds a connection, not a worker, and not for long), else 408;
//! - a multipart boundary has 1–70 characters (RFC 2046) and the parts are split by
//!   [`multer`], whose search is linear in the body's size: a hostile body costs no more
//!   than reading it.
//!
//! Only `application/x-www-form-urlencoded` and `multipart/form-data` bodies have fields;
//! any other body (JSON, say) parses to no fields, as Django's `request.POST` is empty then.

mod multipart;
mod urlencoded;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;

use super::QueryDict;
use crate::conf::Settings;
use crate::error::Error;

/// A form body the CSRF check already parsed, handed on to the [`Request`](super::Request)
/// extractor in the request's extensions, so that each body is parsed once.
#[derive(Debug, Clone)]
pub(crate) struct ParsedForm(pub(crate) Arc<QueryDict>);

/// Django's upload limits, from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyLimits {
    /// `DATA_UPLOAD_MAX_MEMORY_SIZE`: the most bytes read into memory.
    pub(crate) max_memory_size: usize,
    /// `DATA_UPLOAD_MAX_NUMBER_FIELDS`: the most fields (`None`: no limit).
    pub(crate) max_number_fields: Option<usize>,
    /// `DATA_UPLOAD_MAX_NUMBER_FILES`: the most file parts (`None`: no limit).
    pub(crate) max_number_files: Option<usize>,
    /// `REQUEST_BODY_TIMEOUT`: how long the whole body may take to arrive.
    pub(crate) read_timeout: Duration,
}

impl BodyLimits {
    pub(crate) fn of(settings: &Settings) -> Self {
        BodyLimits {
            max_memory_size: settings.data_upload_max_memory_size,
            max_number_fields: settings.data_upload_max_number_fields,
            max_number_files: settings.data_upload_max_number_files,
            read_timeout: settings.request_body_timeout,
        }
    }

    /// Django's `TooManyFieldsSent` once `count` fields are more than allowed.
    fn check_fields(&self, count: usize) -> Result<(), Error> {
        match self.max_number_fields {
            Some(max) if count > max => Err(Error::TooManyFieldsSent),
            _ => Ok(()),
        }
    }
}

/// Reads a whole body: 413 past `DATA_UPLOAD_MAX_MEMORY_SIZE`, 408 past
/// `REQUEST_BODY_TIMEOUT`, 400 when the client breaks off.
pub(crate) async fn read(body: Body, limits: &BodyLimits) -> Result<Bytes, Error> {
    let limit = limits.max_memory_size;
    let collect = http_body_util::Limited::new(body, limit).collect();
    match tokio::time::timeout(limits.read_timeout, collect).await {
        Err(_elapsed) => Err(Error::RequestTimeout),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
            Err(Error::RequestDataTooBig(limit))
        }
        Ok(Err(error)) => Err(Error::BadRequest(format!(
            "The request body could not be read: {error}"
        ))),
    }
}

/// The kinds of body that carry form fields.
enum FormEncoding {
    UrlEncoded,
    Multipart,
}

/// The form encoding a `Content-Type` names, if any.
fn form_encoding(headers: &HeaderMap) -> Option<(FormEncoding, &str)> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some((FormEncoding::UrlEncoded, content_type))
    } else if mime.eq_ignore_ascii_case("multipart/form-data") {
        Some((FormEncoding::Multipart, content_type))
    } else {
        None
    }
}

/// Whether the body is a form (urlencoded or multipart), so that it has fields to parse.
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    form_encoding(headers).is_some()
}

/// The fields of a form body (Django's `request.POST`); no fields for other content types.
///
/// Errors are Django's: `TooManyFieldsSent`, `TooManyFilesSent` and `MultiPartParserError`
/// (a missing or invalid boundary, a body that is not multipart), each a 400.
pub(crate) fn parse_form(
    headers: &HeaderMap,
    body: &Bytes,
    limits: &BodyLimits,
) -> Result<QueryDict, Error> {
    match form_encoding(headers) {
        None => Ok(QueryDict::default()),
        Some((FormEncoding::UrlEncoded, _)) => urlencoded::parse(body, limits),
        Some((FormEncoding::Multipart, content_type)) => {
            let boundary = multipart::boundary(content_type)?;
            multipart::parse(body.clone(), &boundary, limits)
        }
    }
}

/// A query string's parameters (Django's `request.GET`), with the field limit.
pub(crate) fn parse_query(query: &str, limits: &BodyLimits) -> Result<QueryDict, Error> {
    urlencoded::parse(query.as_bytes(), limits)
}

/// Parses `a=1&b=2` with no limit, for [`QueryDict::parse`].
pub(super) fn parse_urlencoded_unlimited(input: &[u8]) -> QueryDict {
    let unlimited = BodyLimits {
        max_memory_size: usize::MAX,
        max_number_fields: None,
        max_number_files: None,
        read_timeout: Duration::MAX,
    };
    urlencoded::parse(input, &unlimited).unwrap_or_default()
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

    const LIMITS: BodyLimits = BodyLimits {
        max_memory_size: 2_621_440,
        max_number_fields: Some(1000),
        max_number_files: Some(100),
        read_timeout: Duration::from_secs(30),
    };

    #[test]
    fn bodies_are_parsed_by_content_type() {
        let urlencoded = headers("application/x-www-form-urlencoded; charset=UTF-8");
        let post = parse_form(&urlencoded, &Bytes::from_static(b"a=1"), &LIMITS).unwrap();
        assert_eq!(post.get("a"), Some("1"));
        let multipart = headers("multipart/form-data; boundary=b");
        let body = b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--b\r\nContent-Disposition: form-data; name=\"u\"\r\n\r\n\xff\r\n--b--\r\n";
        let post = parse_form(&multipart, &Bytes::from_static(body), &LIMITS).unwrap();
        assert_eq!(post.get("a"), Some("2"));
        assert!(post.is_undecodable("u"));
        assert!(
            parse_form(
                &headers("application/json"),
                &Bytes::from_static(b"{}"),
                &LIMITS
            )
            .unwrap()
            .is_empty()
        );
        assert!(
            parse_form(&HeaderMap::new(), &Bytes::from_static(b"a=1"), &LIMITS)
                .unwrap()
                .is_empty()
        );
        assert!(is_form(&multipart) && is_form(&urlencoded));
        assert!(!is_form(&headers("text/plain")));
    }

    #[test]
    fn a_multipart_body_needs_a_valid_boundary() {
        for content_type in [
            "multipart/form-data",
            "multipart/form-data; boundary=",
            &format!("multipart/form-data; boundary={}", "-".repeat(71)),
        ] {
            let error = parse_form(&headers(content_type), &Bytes::new(), &LIMITS).unwrap_err();
            assert_eq!(error.status(), axum::http::StatusCode::BAD_REQUEST);
            assert_eq!(error.kind_name(), "MultiPartParserError");
        }
    }

    #[test]
    fn query_strings_have_the_field_limit_too() {
        let limits = BodyLimits {
            max_number_fields: Some(3),
            ..LIMITS
        };
        assert_eq!(parse_query("a&b&c", &limits).unwrap().len(), 3);
        assert!(matches!(
            parse_query("a&b&c&d", &limits),
            Err(Error::TooManyFieldsSent)
        ));
    }

    #[tokio::test]
    async fn reading_stops_at_the_size_limit() {
        let limits = BodyLimits {
            max_memory_size: 4,
            ..LIMITS
        };
        assert_eq!(
            read(Body::from("abcd"), &limits).await.unwrap(),
            Bytes::from("abcd")
        );
        assert!(matches!(
            read(Body::from("abcde"), &limits).await,
            Err(Error::RequestDataTooBig(4))
        ));
    }
}
