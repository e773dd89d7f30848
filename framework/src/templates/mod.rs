//! Templates: minijinja with Django's loaders, globals and filters.
//!
//! Templates are looked up in the project's `templates/` first, then in each app's
//! `templates/` in `INSTALLED_APPS` order, then in templates embedded by pony's own apps — so a
//! project overrides an app's template by putting one at the same name, as in Django.
//!
//! The language is Jinja2 (minijinja): `{% extends "base.html" %}`, `{% block %}`,
//! `{% include %}`, `{{ value|default("none") }}`. Django's tags become functions:
//! `{{ url('articles:detail', article.id) }}`, `{{ static('css/site.css') }}` and
//! `{{ csrf_input() }}` (the hidden CSRF field of a POST form). Every template
//! is HTML-autoescaped and an unknown variable renders as nothing, as in Django. With DEBUG on,
//! an edited template is re-read on the next request.

mod filters;

pub use filters::strip_tags::strip_tags;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use crate::error::Result;
use crate::urls::Resolver;

/// Adds functions, filters or globals to the template environment.
pub type TemplateExtension = fn(&mut Environment<'static>);

/// Where templates come from, in lookup order.
#[derive(Debug, Clone, Default)]
pub struct TemplateDirs {
    /// Directories searched in order (project first, then apps).
    pub dirs: Vec<PathBuf>,
    /// Templates compiled into a crate (pony's own apps), searched last.
    pub embedded: Vec<(&'static str, &'static str)>,
}

/// The project's template engine.
#[derive(Debug, Clone)]
pub struct Templates {
    env: Arc<Environment<'static>>,
    sources: TemplateDirs,
}

impl Templates {
    /// Builds the environment: loaders, Django's filters, `url()` and `static()`, then each
    /// of `extensions` (functions that features register, such as CSRF's `csrf_input()`).
    pub fn new(
        sources: TemplateDirs,
        resolver: Arc<Resolver>,
        static_url: &str,
        debug: bool,
        extensions: &[TemplateExtension],
    ) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        // Django escapes every template, whatever its extension.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_auto_reload(debug);
        env.set_loader(loader(sources.clone()));
        env.set_formatter(django_escape_formatter);
        filters::register(&mut env);

        env.add_function(
            "url",
            move |name: String, args: Rest<Value>, kwargs: Kwargs| {
                url_function(&resolver, &name, &args, &kwargs)
            },
        );
        let static_url = static_url.to_owned();
        env.add_function("static", move |path: String| {
            static_path(&static_url, &path)
        });
        // What features add (CSRF's `csrf_input()`), knowing nothing of them here.
        for extend in extensions {
            extend(&mut env);
        }

        Templates {
            env: Arc::new(env),
            sources,
        }
    }

    /// Renders a template with a context.
    pub fn render(&self, name: &str, context: Value) -> Result<String> {
        let template = self.env.get_template(name)?;
        Ok(template.render(context)?)
    }

    /// Whether a template exists (used for the project's `404.html` and friends).
    pub fn exists(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    /// Where templates are looked up, for `check`.
    pub fn sources(&self) -> &TemplateDirs {
        &self.sources
    }

    /// The underlying environment (to compile templates in `check`).
    pub fn environment(&self) -> &Environment<'static> {
        &self.env
    }
}

/// Django's escaping: `&`, `<`, `>`, `"` and `'` only (minijinja's default also escapes `/`,
/// which makes every URL in a page's source read `&#x2f;articles&#x2f;`).
pub(crate) fn django_escape_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    if crate::forms::is_safe_html(value) {
        return write!(out, "{value}").map_err(minijinja::Error::from);
    }
    let plain = !matches!(state.auto_escape(), AutoEscape::Html)
        || value.is_safe()
        || matches!(
            value.kind(),
            ValueKind::Undefined | ValueKind::None | ValueKind::Bool | ValueKind::Number
        );
    if plain {
        return minijinja::escape_formatter(out, state, value);
    }
    out.write_str(&escape(&value.to_string()))
        .map_err(minijinja::Error::from)
}

/// Django's `django.utils.html.escape`: `&`, `<`, `>`, `"` and `'` (unlike minijinja's, `/` is
/// kept).
///
/// ```
/// assert_eq!(pony::templates::escape("<a href='/x'>&</a>"), "&lt;a href=&#x27;/x&#x27;&gt;&amp;&lt;/a&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

type LoaderResult = std::result::Result<Option<minijinja::TemplateSource>, minijinja::Error>;

fn loader(sources: TemplateDirs) -> impl Fn(&str) -> LoaderResult + Send + Sync + 'static {
    let dir_loaders: Vec<_> = sources
        .dirs
        .into_iter()
        .map(minijinja::path_loader)
        .collect();
    let embedded: BTreeMap<&'static str, &'static str> = sources.embedded.into_iter().collect();
    move |name| {
        for load in &dir_loaders {
            if let Some(source) = load(name)? {
                return Ok(Some(source));
            }
        }
        Ok(embedded
            .get(name)
            .map(|source| minijinja::TemplateSource::new(*source)))
    }
}

/// `url('articles:detail', pk)` / `url('articles:detail', pk=3)` in templates.
fn url_function(
    resolver: &Resolver,
    name: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> std::result::Result<String, minijinja::Error> {
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    let mut pairs = Vec::new();
    for key in kwargs.args() {
        let value: Value = kwargs.get(key)?;
        pairs.push((key.to_owned(), value.to_string()));
    }
    resolver.reverse(name, &args, &pairs).map_err(|error| {
        minijinja::Error::new(ErrorKind::InvalidOperation, error.to_string()).with_source(error)
    })
}

/// Django's `{% static %}`: the URL of a static file.
///
/// ```
/// assert_eq!(pony::templates::static_path("/static/", "css/site.css"), "/static/css/site.css");
/// ```
pub fn static_path(static_url: &str, path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?');
    format!(
        "{static_url}{}",
        utf8_percent_encode(path.trim_start_matches('/'), PATH)
    )
}

/// A template context being built (see [`context!`](crate::context)).
#[derive(Debug, Default)]
pub struct Context(BTreeMap<String, Value>);

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a variable, converted with serde.
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.0
            .insert(key.to_owned(), Value::from(minijinja::value::Serde(value)));
    }

    /// Adds a variable that is already a template value.
    pub fn insert_value(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_owned(), value);
    }

    /// The context as one template value.
    pub fn into_value(self) -> Value {
        Value::from(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::Urls;

    async fn view() {}

    fn templates(files: &[(&str, &str)]) -> (tempfile::TempDir, Templates) {
        let project = tempfile::tempdir().unwrap();
        for (name, body) in files {
            let path = project.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let resolver = Resolver::new(Urls::new().include(
            "articles/",
            Urls::app("articles").path("<int:pk>/", view, "detail"),
        ))
        .unwrap();
        let sources = TemplateDirs {
            dirs: vec![project.path().join("project"), project.path().join("app")],
            embedded: vec![("embedded.html", "embedded {{ 1 + 1 }}")],
        };
        (
            project,
            Templates::new(sources, Arc::new(resolver), "/static/", true, &[]),
        )
    }

    #[test]
    fn project_templates_override_app_templates() {
        let (_dir, t) = templates(&[
            ("project/x.html", "project"),
            ("app/x.html", "app"),
            ("app/y.html", "app y"),
        ]);
        assert_eq!(t.render("x.html", Value::UNDEFINED).unwrap(), "project");
        assert_eq!(t.render("y.html", Value::UNDEFINED).unwrap(), "app y");
        assert_eq!(
            t.render("embedded.html", Value::UNDEFINED).unwrap(),
            "embedded 2"
        );
    }

    #[test]
    fn url_static_and_escaping() {
        let (_dir, t) = templates(&[(
            "app/t.html",
            "{{ url('articles:detail', 5) }} {{ url('articles:detail', pk=6) }} {{ static('a b.css') }} {{ text }} {{ missing.attr }}",
        )]);
        let out = t
            .render("t.html", crate::context! { text => "<b>" })
            .unwrap();
        assert_eq!(
            out,
            "/articles/5/ /articles/6/ /static/a%20b.css &lt;b&gt; "
        );
    }

    #[test]
    fn bad_url_names_are_no_reverse_match() {
        let (_dir, t) = templates(&[("app/t.html", "{{ url('articles:nope') }}")]);
        let err = t.render("t.html", Value::UNDEFINED).unwrap_err();
        assert!(matches!(err, crate::Error::NoReverseMatch(_)), "{err:?}");
        assert!(
            err.to_string()
                .contains("Reverse for 'articles:nope' not found"),
            "{err}"
        );
    }

    #[test]
    fn edited_templates_are_reloaded_in_debug() {
        let (dir, t) = templates(&[("app/t.html", "one")]);
        assert_eq!(t.render("t.html", Value::UNDEFINED).unwrap(), "one");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("app/t.html"), "two!").unwrap();
        assert_eq!(t.render("t.html", Value::UNDEFINED).unwrap(), "two!");
    }
}
