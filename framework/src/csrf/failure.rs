//! The 403 page of a refused request (Django's `csrf_failure` view).
//!
//! A project may provide its own `403_csrf.html` template (it receives `reason` and `DEBUG`);
//! otherwise Django's page is shown, with the reason only when DEBUG is on.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::core::SiteState;

/// Django's reason when the request has no CSRF cookie.
pub(crate) const REASON_NO_CSRF_COOKIE: &str = "CSRF cookie not set.";
/// Django's reason when neither the form field nor the header carries a token.
pub(crate) const REASON_CSRF_TOKEN_MISSING: &str = "CSRF token missing.";

/// The project's own page for CSRF failures, as in Django.
const PROJECT_TEMPLATE: &str = "403_csrf.html";

const NO_REFERER: &str = "<p>You are seeing this message because this HTTPS site requires a \
'Referer header' to be sent by your web browser, but none was sent. This header is required for \
security reasons, to ensure that your browser is not being hijacked by third parties.</p>\n\
<p>If you have configured your browser to disable 'Referer' headers, please re-enable them, at \
least for this site, or for HTTPS connections, or for 'same-origin' requests.</p>\n";

const NO_COOKIE: &str = "<p>You are seeing this message because this site requires a CSRF \
cookie when submitting forms. This cookie is required for security reasons, to ensure that your \
browser is not being hijacked by third parties.</p>\n\
<p>If you have configured your browser to disable cookies, please re-enable them, at least for \
this site, or for 'same-origin' requests.</p>\n";

const HELP: &str = "<p>In general, this can occur when there is a genuine Cross Site Request \
Forgery, or when pony's CSRF mechanism has not been used correctly. For POST forms, you need to \
ensure:</p>\n<ul>\n<li>Your browser is accepting cookies.</li>\n<li>The view renders its \
template with <code>render(&amp;request, …)</code>, so that the page knows the request.</li>\n\
<li>In the template, there is a <code>{{ csrf_input() }}</code> inside each POST form that \
targets an internal URL.</li>\n<li>A view that must accept posts from elsewhere is wrapped in \
<code>csrf_exempt</code>.</li>\n</ul>\n<p>You're seeing the help section of this page because \
you have <code>DEBUG = true</code> in your settings. Change that to <code>false</code>, and only \
the initial error message will be displayed.</p>\n<p>You can customize this page with a \
<code>403_csrf.html</code> template.</p>\n";

/// The 403 response for `reason`, logged as Django logs it.
pub(crate) fn reject(site: &SiteState, path: &str, reason: &str) -> Response {
    tracing::warn!("Forbidden ({reason}): {path}");
    let debug = site.settings.debug;
    if site.templates.exists(PROJECT_TEMPLATE) {
        let context = crate::context! { reason => reason, DEBUG => debug };
        match site.templates.render(PROJECT_TEMPLATE, context) {
            Ok(html) => return (StatusCode::FORBIDDEN, Html(html)).into_response(),
            Err(error) => tracing::error!("{PROJECT_TEMPLATE} failed to render: {error}"),
        }
    }
    (StatusCode::FORBIDDEN, Html(page(reason, debug))).into_response()
}

/// Django's built-in CSRF failure page.
pub(crate) fn page(reason: &str, debug: bool) -> String {
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  \
         <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <title>403 Forbidden</title>\n  \
         <style>\n    html * { padding:0; margin:0; }\n    body * { padding:10px 20px; }\n    \
         body * * { padding:0; }\n    body { font:small sans-serif; background:#eee; color:#000; }\n    \
         body>div { border-bottom:1px solid #ddd; }\n    h1 { font-weight:normal; margin-bottom:.4em; }\n    \
         h1 span { font-size:60%; color:#666; font-weight:normal; }\n    #info { background:#f6f6f6; }\n    \
         #info ul { margin: 0.5em 4em; }\n    #info p, #summary p { padding-top:10px; }\n    \
         #summary { background: #ffc; }\n    #explanation { background:#eee; border-bottom: 0px none; }\n  \
         </style>\n</head>\n<body>\n<div id=\"summary\">\n  <h1>Forbidden <span>(403)</span></h1>\n  \
         <p>CSRF verification failed. Request aborted.</p>\n",
    );
    if reason == super::origin::REASON_NO_REFERER {
        html.push_str(NO_REFERER);
    }
    if reason == REASON_NO_CSRF_COOKIE {
        html.push_str(NO_COOKIE);
    }
    html.push_str("</div>\n");
    if debug {
        html.push_str("<div id=\"info\">\n  <h2>Help</h2>\n");
        if !reason.is_empty() {
            html.push_str("  <p>Reason given for failure:</p>\n  <pre>\n    ");
            // The reason can quote a client-sent `Origin` or `Referer`.
            html.push_str(&crate::templates::escape(reason));
            html.push_str("\n  </pre>\n");
        }
        html.push_str(HELP);
        html.push_str("</div>\n");
    } else {
        html.push_str(
            "<div id=\"explanation\">\n  <p><small>More information is available with \
             DEBUG=True.</small></p>\n</div>\n",
        );
    }
    html.push_str("</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_is_shown_only_in_debug_and_escaped() {
        let reason = "Origin checking failed - https://<evil> does not match any trusted origins.";
        let debug = page(reason, true);
        assert!(debug.contains("Forbidden <span>(403)</span>"));
        assert!(debug.contains("CSRF verification failed. Request aborted."));
        assert!(
            debug.contains("https://&lt;evil&gt; does not match"),
            "{debug}"
        );
        let production = page(reason, false);
        assert!(production.contains("CSRF verification failed. Request aborted."));
        assert!(!production.contains("evil"));
        assert!(production.contains("More information is available with DEBUG=True."));
        assert!(page(REASON_NO_CSRF_COOKIE, false).contains("requires a CSRF cookie"));
    }
}
