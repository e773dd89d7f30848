//! Django's `patch_vary_headers`: a response says which request headers it depends on, so
//! caches keep one copy per value (a page with a session differs per `Cookie`).

use axum::http::header::VARY;
use axum::http::{HeaderMap, HeaderValue};

/// Adds `fields` to the response's `Vary`, each once, as one header (`*` already covers all).
///
/// ```
/// use axum::http::{HeaderMap, HeaderValue, header::VARY};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
/// pony::core::patch_vary_headers(&mut headers, &["Cookie"]);
/// pony::core::patch_vary_headers(&mut headers, &["cookie"]);
/// assert_eq!(headers[VARY], "Accept-Encoding, Cookie");
/// ```
pub fn patch_vary_headers(headers: &mut HeaderMap, fields: &[&str]) {
    let mut present: Vec<String> = headers
        .get_all(VARY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|field| field.trim().to_owned())
        .filter(|field| !field.is_empty())
        .collect();
    if present.iter().any(|field| field == "*") {
        return;
    }
    let before = present.len();
    for field in fields {
        if !present.iter().any(|f| f.eq_ignore_ascii_case(field)) {
            present.push((*field).to_owned());
        }
    }
    if present.len() == before {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&present.join(", ")) {
        headers.insert(VARY, value);
    }
}

/// `Vary: Cookie`, what every feature that reads a cookie adds.
pub(crate) fn vary_on_cookie(headers: &mut HeaderMap) {
    patch_vary_headers(headers, &["Cookie"]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_added_once_and_star_wins() {
        let mut headers = HeaderMap::new();
        vary_on_cookie(&mut headers);
        vary_on_cookie(&mut headers);
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
        assert_eq!(headers[VARY], "Cookie");
        let mut headers = HeaderMap::new();
        headers.append(VARY, HeaderValue::from_static("Accept"));
        headers.append(VARY, HeaderValue::from_static("Accept-Language"));
        patch_vary_headers(&mut headers, &["Cookie", "accept"]);
        assert_eq!(headers[VARY], "Accept, Accept-Language, Cookie");
        let mut headers = HeaderMap::new();
        headers.insert(VARY, HeaderValue::from_static("*"));
        vary_on_cookie(&mut headers);
        assert_eq!(headers[VARY], "*");
    }
}
