//! A small pony project whose views exercise the framework's edges (errors, panics, slow
//! requests, templates) for the end-to-end tests.

use std::time::Duration;

use axum::extract::Path;
use pony::prelude::*;

/// The test app.
struct LabConfig;

impl App for LabConfig {
    fn label(&self) -> &'static str {
        "lab"
    }

    fn urls(&self) -> Urls {
        Urls::app("lab")
            .path("", hello, "hello")
            .path("item/<int:pk>/", item, "item")
            .path("boom/", boom, "boom")
            .path("missing/", missing, "missing")
            .path("forbidden/", forbidden, "forbidden")
            .path("bad-link/", bad_link, "bad-link")
            .path("bad-redirect/", bad_redirect, "bad-redirect")
            .path("slow/", slow, "slow")
            // Echoes raw bodies for the body-limit tests: no form, so no CSRF token.
            .path("echo/", pony::csrf::csrf_exempt(echo), "echo")
            .route("only-post/", post(echo), "only-post")
            .path(
                "boom-post/",
                pony::csrf::csrf_exempt(boom_post),
                "boom-post",
            )
    }
}

async fn hello(request: Request) -> pony::Result<Response> {
    let name = request.query().get("name").unwrap_or("world").to_owned();
    let tags = vec!["one", "two"];
    render(&request, "lab/hello.html", context! { name, tags })
}

async fn item(Path(pk): Path<i64>) -> pony::Result<Response> {
    let detail = reverse("lab:item", [pk])?;
    Ok(format!("item {pk} at {detail}").into_response())
}

async fn boom() -> &'static str {
    panic!("the lab exploded")
}

async fn missing() -> pony::Result<Response> {
    Err(Error::not_found("No Widget matches the given query."))
}

async fn forbidden() -> pony::Result<Response> {
    Err(Error::permission_denied("Only the owner may look."))
}

async fn bad_link(request: Request) -> pony::Result<Response> {
    render(
        &request,
        "lab/bad_link.html",
        context! { target => "lab:nope" },
    )
}

async fn bad_redirect() -> pony::Result<Response> {
    redirect("lab:nope")
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    "slow done"
}

/// Fails after reading a form whose `card` the view declared sensitive.
async fn boom_post(request: Request) -> String {
    pony::http::sensitive_post_parameters(&request, &["card"]);
    panic!("the lab exploded with {} fields", request.post().len())
}

async fn echo(request: Request) -> String {
    format!(
        "{} {} bytes, a={}",
        request.method,
        request.body.len(),
        request.post().get("a").unwrap_or("-")
    )
}

/// Views that exercise sessions (mounted at `/session/`).
mod sessions {
    use pony::prelude::*;
    use pony::sessions::Session;

    /// The sessions' test app.
    pub(crate) struct SessionLabConfig;

    impl App for SessionLabConfig {
        fn label(&self) -> &'static str {
            "session"
        }

        fn urls(&self) -> Urls {
            Urls::app("session")
                .path("count/", count, "count")
                .path("peek/", peek, "peek")
                .path("nothing/", nothing, "nothing")
                .path("fail/", fail, "fail")
                .path("fail-with-secret/", fail_with_secret, "fail-with-secret")
                .path("flush/", flush, "flush")
                .path("cycle/", cycle, "cycle")
                .path("expire/<str:kind>/<int:seconds>/", expire, "expire")
        }
    }

    /// Adds one to `count` and answers the new value.
    async fn count(session: Session) -> pony::Result<String> {
        let count: i64 = session.get("count").await?.unwrap_or(0) + 1;
        session.insert("count", count).await?;
        Ok(count.to_string())
    }

    /// Reads `count` without changing anything.
    async fn peek(session: Session) -> pony::Result<String> {
        let count: Option<i64> = session.get("count").await?;
        Ok(count.map_or_else(|| "none".to_owned(), |n| n.to_string()))
    }

    /// Does not touch the session.
    async fn nothing() -> &'static str {
        "nothing"
    }

    /// Writes to the session, then fails with a 500.
    async fn fail(session: Session) -> pony::Result<String> {
        session.insert("count", 1000).await?;
        Err(Error::other("the view failed after writing to the session"))
    }

    /// Keeps a secret-looking value in the session, then fails with a 500.
    async fn fail_with_secret(session: Session) -> pony::Result<String> {
        session
            .insert("_auth_user_hash", "hash-not-to-show")
            .await?;
        Err(Error::other("the view failed with a secret in the session"))
    }

    /// Logs out, as Django's `logout()` does.
    async fn flush(session: Session) -> pony::Result<String> {
        session.flush().await?;
        Ok("flushed".to_owned())
    }

    /// `session.set_expiry(…)`, as Django's `set_expiry`: `browser` (0), `inactivity` (that
    /// many seconds), `at` (a moment that many seconds from now), `default` (None).
    async fn expire(
        session: Session,
        axum::extract::Path((kind, seconds)): axum::extract::Path<(String, i64)>,
    ) -> pony::Result<String> {
        use pony::sessions::{Duration, Expiry, OffsetDateTime};
        let seconds = Duration::seconds(seconds);
        let expiry = match kind.as_str() {
            "browser" => Some(Expiry::OnSessionEnd),
            "inactivity" => Some(Expiry::OnInactivity(seconds)),
            "at" => Some(Expiry::AtDateTime(OffsetDateTime::now_utc() + seconds)),
            "default" => None,
            _ => return Err(Error::not_found("No such expiry.")),
        };
        session.set_expiry(expiry);
        Ok(format!("{kind} set"))
    }

    /// Rotates the key keeping the data, as Django's `login()` does.
    async fn cycle(session: Session) -> pony::Result<String> {
        session.cycle_id().await?;
        Ok("cycled".to_owned())
    }
}

fn project() -> Project {
    // Like `pony::base_dir!()`, for a project that lives in a subdirectory of its crate.
    Project::new(pony::conf::resolve_base_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testsite"
    )))
    .app(pony::sessions::SessionsConfig)
    .app(LabConfig)
    .app(sessions::SessionLabConfig)
    .app(csrf::CsrfLabConfig)
    .urls(
        Urls::new()
            .path("", pony::http::redirect_to("lab:hello"), "home")
            // A root route whose first segment is free, as in Django's
            // `test_append_slash_leading_slashes`: `/\evil.example/security` gets a slash.
            .path("<str:host>/security/", security, "security"),
    )
}

async fn security(Path(host): Path<String>) -> String {
    format!("security {host}")
}

fn main() -> std::process::ExitCode {
    pony_cli::execute_from_command_line(project())
}

/// Views for the CSRF, messages and security-middleware tests (`tests/tests/csrf.rs`,
/// `tests/tests/security.rs`).
mod csrf {

    use pony::csrf::csrf_exempt;
    use pony::messages;
    use pony::prelude::*;

    pub struct CsrfLabConfig;

    impl App for CsrfLabConfig {
        fn label(&self) -> &'static str {
            "csrf"
        }

        fn urls(&self) -> Urls {
            Urls::app("csrf")
                .path("form/", form, "form")
                .path("api/", api, "api")
                .path("hook/", csrf_exempt(hook), "hook")
                .path("rotate/", rotate, "rotate")
                .path("token/", token, "token")
                .path("framed/", framed, "framed")
                .path("messages/", show_messages, "messages")
                .path("messages/add/", add_messages, "add-messages")
        }

        fn embedded_templates(&self) -> Vec<(&'static str, &'static str)> {
            vec![
                (
                    "csrf/form.html",
                    "<form method=\"post\">{{ csrf_input() }}</form>\n\
                     token={{ csrf_token() }}\nagain={{ csrf_token }}\n",
                ),
                (
                    "csrf/messages.html",
                    "{% if messages %}{{ messages|length }} pending\n{% endif %}\
                     {% for message in messages %}[{{ message }}|{{ message.tags }}]\n{% endfor %}\
                     end",
                ),
                ("csrf/plain.html", "no messages shown here"),
            ]
        }
    }

    /// GET: a form with the token; POST: what arrived (the body survives the CSRF check).
    async fn form(request: Request) -> pony::Result<Response> {
        if request.is_post() {
            let title = request.post().get("title").unwrap_or("-").to_owned();
            return Ok(format!("posted title={title} bytes={}", request.body.len()).into_response());
        }
        render(&request, "csrf/form.html", context! {})
    }

    async fn api(request: Request) -> String {
        format!("api {} ok", request.method)
    }

    async fn hook(request: Request) -> String {
        format!("hook {} bytes", request.body.len())
    }

    /// What a login view does after checking the password.
    async fn rotate(request: Request) -> String {
        pony::csrf::rotate_token(&request);
        "rotated".to_owned()
    }

    async fn token(request: Request) -> String {
        pony::csrf::get_token(&request).unwrap_or_default()
    }

    /// A view that allows framing by its own site.
    async fn framed() -> Response {
        ([("x-frame-options", "SAMEORIGIN")], "framed").into_response()
    }

    /// `?plain` renders a page that does not show messages (they stay pending).
    async fn show_messages(request: Request) -> pony::Result<Response> {
        let template = if request.query().get("plain").is_some() {
            "csrf/plain.html"
        } else {
            "csrf/messages.html"
        };
        render(&request, template, context! {})
    }

    async fn add_messages(request: Request) -> pony::Result<Response> {
        messages::success(&request, "Saved <it>.")?;
        messages::debug(&request, "Below MESSAGE_LEVEL, dropped.")?;
        messages::add_message_with_tags(&request, messages::Level::WARNING, "Careful.", "loud")?;
        redirect("csrf:messages")
    }
}
