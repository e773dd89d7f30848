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
            .path("echo/", echo, "echo")
            .route("only-post/", post(echo), "only-post")
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

async fn echo(request: Request) -> String {
    format!(
        "{} {} bytes, a={}",
        request.method,
        request.body.len(),
        request.post().get("a").unwrap_or("-")
    )
}

fn project() -> Project {
    // Like `pony::base_dir!()`, for a project that lives in a subdirectory of its crate.
    Project::new(pony::conf::resolve_base_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testsite"
    )))
    .app(LabConfig)
    .urls(Urls::new().path("", pony::http::redirect_to("lab:hello"), "home"))
}

fn main() -> std::process::ExitCode {
    pony_cli::execute_from_command_line(project())
}
