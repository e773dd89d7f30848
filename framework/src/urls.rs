//! Named routes with app namespaces, `include()`, `reverse()` — Django's `urls.py` on axum.
//!
//! ```
//! use pony::prelude::*;
//!
//! async fn index() -> &'static str { "articles" }
//! async fn detail(axum::extract::Path(pk): axum::extract::Path<i64>) -> String { pk.to_string() }
//!
//! // articles/urls.rs — `app_name = "articles"` and `urlpatterns = [...]`
//! let urls = Urls::app("articles")
//!     .path("", index, "index")
//!     .path("<int:pk>/", detail, "detail");
//! let root = Urls::new().include("articles/", urls);
//! let resolver = pony::urls::Resolver::new(root).unwrap();
//! assert_eq!(resolver.reverse("articles:detail", &["7".into()], &[]).unwrap(), "/articles/7/");
//! ```
//!
//! Routes use Django's syntax (`<int:pk>`, `<slug:slug>`, `<str:name>`, `<uuid:id>`,
//! `<path:rest>`); axum's `{pk}` is accepted too and means `<str:pk>`. A segment that does not
//! fit its converter is a 404, as in Django, before the handler runs.

use std::fmt;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{RawPathParams, Request, State};
use axum::handler::Handler;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};

use crate::core::DebugRecord;
use crate::error::{Error, Result};

/// A list of URL patterns, optionally under an app namespace (Django's `app_name`).
#[derive(Default)]
pub struct Urls {
    namespace: Option<String>,
    entries: Vec<Entry>,
}

impl fmt::Debug for Urls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Urls")
            .field("namespace", &self.namespace)
            .field("entries", &self.entries.len())
            .finish()
    }
}

enum Entry {
    Route {
        route: String,
        view: Box<MethodRouter>,
        name: Option<String>,
        view_name: String,
    },
    Include {
        prefix: String,
        urls: Urls,
    },
}

impl Urls {
    /// Patterns without a namespace (a project's root `urls.py`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Patterns under an app namespace, reversed as `"namespace:name"`.
    pub fn app(namespace: &str) -> Self {
        Urls {
            namespace: Some(namespace.to_owned()),
            entries: Vec::new(),
        }
    }

    /// The namespace given to [`Urls::app`], if any.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// Django's `path(route, view, name=name)`: the view answers every method, like a Django
    /// view that checks `request.method` itself. An empty `name` leaves the route unnamed.
    pub fn path<H, T>(self, route: &str, view: H, name: &str) -> Self
    where
        H: Handler<T, ()>,
        T: 'static,
    {
        let view_name = std::any::type_name::<H>().to_owned();
        self.push(route, any(view), name, view_name)
    }

    /// A route with axum's method routing, e.g. `post(logout)` for a POST-only view (other
    /// methods get 405, like Django's `@require_POST`).
    pub fn route(self, route: &str, view: MethodRouter, name: &str) -> Self {
        self.push(route, view, name, "<method router>".to_owned())
    }

    /// Django's `include()`: mounts other patterns (and their namespace) under `prefix`.
    pub fn include(mut self, prefix: &str, urls: Urls) -> Self {
        self.entries.push(Entry::Include {
            prefix: prefix.to_owned(),
            urls,
        });
        self
    }

    fn push(mut self, route: &str, view: MethodRouter, name: &str, view_name: String) -> Self {
        let name = (!name.is_empty()).then(|| name.to_owned());
        self.entries.push(Entry::Route {
            route: route.to_owned(),
            view: Box::new(view),
            name,
            view_name,
        });
        self
    }

    /// Flattens includes into full patterns, in order.
    fn flatten(
        self,
        prefix: &str,
        namespaces: &[String],
        out: &mut Vec<(UrlPattern, MethodRouter)>,
    ) {
        let mut namespaces = namespaces.to_vec();
        if let Some(namespace) = self.namespace {
            namespaces.push(namespace);
        }
        for entry in self.entries {
            match entry {
                Entry::Route {
                    route,
                    view,
                    name,
                    view_name,
                } => {
                    let name = name.map(|name| {
                        namespaces
                            .iter()
                            .map(String::as_str)
                            .chain([name.as_str()])
                            .collect::<Vec<_>>()
                            .join(":")
                    });
                    let route = format!("{prefix}{route}");
                    out.push((
                        UrlPattern {
                            route,
                            name,
                            view_name,
                            parsed: Vec::new(),
                        },
                        *view,
                    ));
                }
                Entry::Include {
                    prefix: inner,
                    urls,
                } => urls.flatten(&format!("{prefix}{inner}"), &namespaces, out),
            }
        }
    }
}

/// One resolved URL pattern, as listed by `showurls` and the DEBUG 404 page.
#[derive(Debug, Clone)]
pub struct UrlPattern {
    /// The full route in Django's syntax, without the leading slash (`articles/<int:pk>/`).
    pub route: String,
    /// The full name with namespaces (`articles:detail`), if named.
    pub name: Option<String>,
    /// The handler's Rust path.
    pub view_name: String,
    parsed: Vec<Part>,
}

impl UrlPattern {
    /// axum's path syntax for this route (`/articles/{pk}/`).
    pub fn axum_path(&self) -> String {
        let mut path = String::from("/");
        for part in &self.parsed {
            match part {
                Part::Text(text) => path.push_str(text),
                Part::Param {
                    name,
                    converter: Converter::Path,
                } => path.push_str(&format!("{{*{name}}}")),
                Part::Param { name, .. } => path.push_str(&format!("{{{name}}}")),
            }
        }
        path
    }

    fn params(&self) -> impl Iterator<Item = (&str, Converter)> {
        self.parsed.iter().filter_map(|part| match part {
            Part::Param { name, converter } => Some((name.as_str(), *converter)),
            Part::Text(_) => None,
        })
    }

    /// Builds this pattern's path from positional or keyword arguments.
    fn build(&self, args: &[String], kwargs: &[(String, String)]) -> Option<String> {
        let param_count = self.params().count();
        if !(args.is_empty() || kwargs.is_empty()) {
            return None;
        }
        if args.len() + kwargs.len() != param_count {
            return None;
        }
        let mut path = String::from("/");
        let mut positional = args.iter();
        for part in &self.parsed {
            match part {
                Part::Text(text) => path.push_str(text),
                Part::Param { name, converter } => {
                    let value = if args.is_empty() {
                        &kwargs.iter().find(|(key, _)| key == name)?.1
                    } else {
                        positional.next()?
                    };
                    if !converter.accepts(value) {
                        return None;
                    }
                    path.push_str(&converter.encode(value));
                }
            }
        }
        Some(path)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Param { name: String, converter: Converter },
}

/// Django's path converters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Converter {
    Str,
    Int,
    Slug,
    Uuid,
    Path,
}

impl Converter {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "str" => Converter::Str,
            "int" => Converter::Int,
            "slug" => Converter::Slug,
            "uuid" => Converter::Uuid,
            "path" => Converter::Path,
            _ => return None,
        })
    }

    /// Whether a (decoded) path segment fits, with Django's regular expressions.
    fn accepts(self, value: &str) -> bool {
        match self {
            Converter::Str => !value.is_empty() && !value.contains('/'),
            Converter::Int => !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()),
            Converter::Slug => {
                !value.is_empty()
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            }
            Converter::Uuid => {
                let groups: Vec<&str> = value.split('-').collect();
                groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                    && groups
                        .iter()
                        .all(|g| g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            }
            Converter::Path => !value.is_empty(),
        }
    }

    fn encode(self, value: &str) -> String {
        use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
        const SEGMENT: &AsciiSet = &CONTROLS
            .add(b' ')
            .add(b'"')
            .add(b'#')
            .add(b'<')
            .add(b'>')
            .add(b'?')
            .add(b'`')
            .add(b'{')
            .add(b'}')
            .add(b'%');
        const SEGMENT_NO_SLASH: &AsciiSet = &SEGMENT.add(b'/');
        let set = if self == Converter::Path {
            SEGMENT
        } else {
            SEGMENT_NO_SLASH
        };
        utf8_percent_encode(value, set).to_string()
    }
}

/// Parses `articles/<int:pk>/` (or `articles/{pk}/`) into text and parameters.
fn parse_route(route: &str) -> Result<Vec<Part>> {
    let bad =
        |why: &str| Error::ImproperlyConfigured(format!("URL route {route:?} is invalid: {why}"));
    if route.starts_with('/') {
        return Err(bad(
            "routes must not start with '/' (write \"articles/\", not \"/articles/\")",
        ));
    }
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = route;
    while let Some(start) = rest.find(['<', '{']) {
        text.push_str(&rest[..start]);
        let close = if rest.as_bytes()[start] == b'<' {
            '>'
        } else {
            '}'
        };
        let end = rest[start..]
            .find(close)
            .ok_or_else(|| bad("unclosed parameter"))?
            + start;
        let inner = &rest[start + 1..end];
        let (converter, name) = match (close, inner.split_once(':')) {
            ('>', Some((converter, name))) => (
                Converter::from_name(converter)
                    .ok_or_else(|| bad(&format!("unknown converter {converter:?}")))?,
                name,
            ),
            ('}', _) if inner.starts_with('*') => (Converter::Path, &inner[1..]),
            _ => (Converter::Str, inner),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(&format!(
                "parameter name {name:?} is not an identifier"
            )));
        }
        if !text.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut text)));
        }
        parts.push(Part::Param {
            name: name.to_owned(),
            converter,
        });
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// Every pattern of a project, for matching and reversing.
#[derive(Debug)]
pub struct Resolver {
    patterns: Vec<UrlPattern>,
    matcher: matchit::Router<usize>,
}

impl Resolver {
    /// Flattens `urls` and checks every route; a bad or conflicting route is an error here, at
    /// start-up, not on the first request.
    pub fn new(urls: Urls) -> Result<Self> {
        Self::with_router(urls).map(|(resolver, _)| resolver)
    }

    /// Like [`Resolver::new`], also returning the axum router that serves the patterns.
    pub(crate) fn with_router(urls: Urls) -> Result<(Self, Router)> {
        let mut flat = Vec::new();
        urls.flatten("", &[], &mut flat);
        let mut patterns = Vec::with_capacity(flat.len());
        let mut matcher = matchit::Router::new();
        let mut router = Router::new();
        for (index, (mut pattern, view)) in flat.into_iter().enumerate() {
            pattern.parsed = parse_route(&pattern.route)?;
            let axum_path = pattern.axum_path();
            matcher.insert(axum_path.clone(), index).map_err(|error| {
                Error::ImproperlyConfigured(format!(
                    "URL route {:?} ({}) conflicts with an earlier route: {error}",
                    pattern.route, pattern.view_name
                ))
            })?;
            let info = Arc::new(RouteInfo {
                converters: pattern.params().map(|(n, c)| (n.to_owned(), c)).collect(),
                view_name: pattern.view_name.clone(),
            });
            let view = view.layer(middleware::from_fn_with_state(info, route_middleware));
            router = router.route(&axum_path, view);
            patterns.push(pattern);
        }
        Ok((Resolver { patterns, matcher }, router))
    }

    /// Whether a route lies under `prefix` (such as `STATIC_URL`), which would clash with a
    /// service mounted there.
    pub(crate) fn overlaps(&self, prefix: &str) -> bool {
        let mut probe = self.matcher.clone();
        probe
            .insert(format!("{prefix}{{*pony_rest}}"), usize::MAX)
            .is_err()
            || probe
                .insert(prefix.trim_end_matches('/').to_owned(), usize::MAX)
                .is_err()
    }

    /// The patterns in order.
    pub fn patterns(&self) -> &[UrlPattern] {
        &self.patterns
    }

    /// Whether a request path matches a pattern (converters included).
    pub fn matches(&self, path: &str) -> bool {
        let Ok(found) = self.matcher.at(path) else {
            return false;
        };
        let pattern = &self.patterns[*found.value];
        found.params.iter().all(|(name, value)| {
            let converter = pattern.params().find(|(n, _)| *n == name).map(|(_, c)| c);
            let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
            converter.is_none_or(|c| c.accepts(&decoded))
        })
    }

    /// Django's `reverse()`: the path of a named route, with positional or keyword arguments.
    pub fn reverse(
        &self,
        name: &str,
        args: &[String],
        kwargs: &[(String, String)],
    ) -> Result<String> {
        let candidates: Vec<&UrlPattern> = self
            .patterns
            .iter()
            .filter(|p| p.name.as_deref() == Some(name))
            .collect();
        if let Some(path) = candidates.iter().find_map(|p| p.build(args, kwargs)) {
            return Ok(path);
        }
        Err(Error::NoReverseMatch(self.no_match_message(
            name,
            &candidates,
            args,
            kwargs,
        )))
    }

    fn no_match_message(
        &self,
        name: &str,
        candidates: &[&UrlPattern],
        args: &[String],
        kwargs: &[(String, String)],
    ) -> String {
        if candidates.is_empty() {
            if let Some((namespace, _)) = name.rsplit_once(':') {
                let known = self
                    .patterns
                    .iter()
                    .filter_map(|p| p.name.as_deref())
                    .any(|n| n.rsplit_once(':').is_some_and(|(ns, _)| ns == namespace));
                if !known {
                    return format!("'{namespace}' is not a registered namespace");
                }
            }
            return format!(
                "Reverse for '{name}' not found. '{name}' is not a valid view function or pattern name."
            );
        }
        let given = if kwargs.is_empty() {
            format!("arguments '({})'", args.join(", "))
        } else {
            let pairs: Vec<String> = kwargs
                .iter()
                .map(|(k, v)| format!("'{k}': '{v}'"))
                .collect();
            format!("keyword arguments '{{{}}}'", pairs.join(", "))
        };
        let tried: Vec<String> = candidates
            .iter()
            .map(|p| format!("'{}'", p.route))
            .collect();
        format!(
            "Reverse for '{name}' with {given} not found. {} pattern(s) tried: [{}]",
            candidates.len(),
            tried.join(", ")
        )
    }

    /// Route names used more than once (Django warns: only the first can be reversed).
    pub fn duplicate_names(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeMap::<&str, usize>::new();
        for name in self.patterns.iter().filter_map(|p| p.name.as_deref()) {
            *seen.entry(name).or_default() += 1;
        }
        seen.into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(name, _)| name.to_owned())
            .collect()
    }
}

/// What the per-route middleware knows about its route.
#[derive(Debug)]
struct RouteInfo {
    converters: Vec<(String, Converter)>,
    view_name: String,
}

/// Rejects segments that do not fit their converters (404, as in Django) and records which
/// view answers, for the DEBUG page's "Raised during".
async fn route_middleware(
    State(info): State<Arc<RouteInfo>>,
    params: RawPathParams,
    request: Request,
    next: Next,
) -> Response {
    for (name, value) in &params {
        let fits = info
            .converters
            .iter()
            .find(|(n, _)| n == name)
            .is_none_or(|(_, converter)| converter.accepts(value));
        if !fits {
            return Error::Http404(None).into_response();
        }
    }
    if let Some(record) = request.extensions().get::<DebugRecord>() {
        record.update(|data| data.view = Some(info.view_name.clone()));
    }
    next.run(request).await
}

static RESOLVER: RwLock<Option<Arc<Resolver>>> = RwLock::new(None);

/// Makes `resolver` the one [`reverse`] and `redirect` use (done when a project is built).
pub(crate) fn install(resolver: Arc<Resolver>) {
    if let Ok(mut slot) = RESOLVER.write() {
        *slot = Some(resolver);
    }
}

/// The installed resolver.
pub(crate) fn installed() -> Result<Arc<Resolver>> {
    RESOLVER
        .read()
        .ok()
        .and_then(|slot| slot.clone())
        .ok_or_else(|| Error::NoReverseMatch("no URL patterns are loaded yet".to_owned()))
}

/// Django's `reverse()`: the path of a named route.
///
/// `args` is anything iterable whose items print (`[pk]`, `[&slug]`, or `NO_ARGS`).
///
/// ```no_run
/// let url = pony::reverse("articles:detail", [42])?;
/// assert_eq!(url, "/articles/42/");
/// let index = pony::reverse("articles:index", pony::urls::NO_ARGS)?;
/// # Ok::<(), pony::Error>(())
/// ```
pub fn reverse<I>(name: &str, args: I) -> Result<String>
where
    I: IntoIterator,
    I::Item: fmt::Display,
{
    let args: Vec<String> = args.into_iter().map(|arg| arg.to_string()).collect();
    installed()?.reverse(name, &args, &[])
}

/// No arguments for [`reverse`].
pub const NO_ARGS: [&str; 0] = [];

#[cfg(test)]
mod tests {
    use super::*;

    async fn view() -> &'static str {
        "ok"
    }

    fn resolver() -> Resolver {
        let articles = Urls::app("articles")
            .path("", view, "index")
            .path("<int:pk>/", view, "detail")
            .path("tag/<slug:tag>/", view, "tag")
            .path("files/<path:rest>", view, "files");
        Resolver::new(
            Urls::new()
                .path("", view, "home")
                .include("articles/", articles),
        )
        .unwrap()
    }

    #[test]
    fn reverses_with_namespaces_and_converters() {
        let r = resolver();
        assert_eq!(r.reverse("home", &[], &[]).unwrap(), "/");
        assert_eq!(r.reverse("articles:index", &[], &[]).unwrap(), "/articles/");
        assert_eq!(
            r.reverse("articles:detail", &["3".into()], &[]).unwrap(),
            "/articles/3/"
        );
        let kwargs = [("pk".to_owned(), "9".to_owned())];
        assert_eq!(
            r.reverse("articles:detail", &[], &kwargs).unwrap(),
            "/articles/9/"
        );
        assert_eq!(
            r.reverse("articles:files", &["a/b c".into()], &[]).unwrap(),
            "/articles/files/a/b%20c"
        );
    }

    #[test]
    fn reverse_errors_read_like_django() {
        let r = resolver();
        let err = r.reverse("nope", &[], &[]).unwrap_err().to_string();
        assert_eq!(
            err,
            "Reverse for 'nope' not found. 'nope' is not a valid view function or pattern name."
        );
        let err = r.reverse("blog:index", &[], &[]).unwrap_err().to_string();
        assert_eq!(err, "'blog' is not a registered namespace");
        let err = r
            .reverse("articles:detail", &["x".into()], &[])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Reverse for 'articles:detail' with arguments '(x)' not found. 1 pattern(s) tried: ['articles/<int:pk>/']"
        );
    }

    #[test]
    fn matching_honours_converters() {
        let r = resolver();
        assert!(r.matches("/articles/12/"));
        assert!(!r.matches("/articles/abc/"));
        assert!(!r.matches("/articles"));
        assert!(r.matches("/articles/tag/rust-lang/"));
    }

    #[test]
    fn routes_under_a_mounted_prefix_are_detected() {
        assert!(!resolver().overlaps("/static/"));
        assert!(resolver().overlaps("/articles/"));
        let r = Resolver::new(Urls::new().path("static/<path:p>", view, "")).unwrap();
        assert!(r.overlaps("/static/"));
    }

    #[test]
    fn bad_routes_are_startup_errors() {
        for route in ["/x/", "<int:pk", "<float:x>/", "<int:>/"] {
            let err = Resolver::new(Urls::new().path(route, view, "x")).unwrap_err();
            assert!(
                matches!(err, Error::ImproperlyConfigured(_)),
                "{route}: {err}"
            );
        }
        let conflict = Urls::new()
            .path("<int:a>/", view, "a")
            .path("<slug:b>/", view, "b");
        assert!(
            Resolver::new(conflict)
                .unwrap_err()
                .to_string()
                .contains("conflicts")
        );
    }
}
