//! The example board served for end-to-end tests, and a cookie-jar "browser" that submits its
//! forms the way a real one does (the CSRF token from the page, the cookie from the jar).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};

use crate::{Server, copy_tree, free_port, run, workspace_bin, workspace_root};

/// The example project on its own database, migrated, served without autoreload.
pub struct Board {
    /// The server process.
    pub server: Server,
    /// Its `DATABASE_URL`.
    pub database_url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Board {
    /// On a fresh SQLite file.
    pub fn start() -> Board {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
        let mut board = Board::start_on(&url, &[]);
        board._dir = Some(dir);
        board
    }

    /// On a fresh SQLite file, served from a [copy](example_copy) of the example project
    /// with `extra_settings` appended to its `settings.toml`.
    pub fn start_with_settings(extra_settings: &str, env: &[(&str, &str)]) -> Board {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("site");
        example_copy(&base, extra_settings);
        let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
        let base = base.display().to_string();
        let mut all = env.to_vec();
        all.push(("PONY_BASE_DIR", &base));
        let mut board = Board::start_on(&url, &all);
        board._dir = Some(dir);
        board
    }

    /// On `database_url` (already empty), with extra environment variables.
    pub fn start_on(database_url: &str, env: &[(&str, &str)]) -> Board {
        migrate(database_url);
        Board::serve(database_url, env)
    }

    /// Serves an already migrated database.
    pub fn serve(database_url: &str, env: &[(&str, &str)]) -> Board {
        let port = free_port();
        let mut command = Command::new(workspace_bin("example_project"));
        command
            .args(["runserver", "--noreload", &port.to_string()])
            .env_remove("DEBUG")
            .env("DATABASE_URL", database_url)
            // One secret for every server of a test, as servers behind a balancer share one.
            .env(
                "SECRET_KEY",
                "test-secret-key-for-the-board-0123456789-abcdefghij",
            );
        for (key, value) in env {
            command.env(key, value);
        }
        Board {
            server: Server::start(command, port),
            database_url: database_url.to_owned(),
            _dir: None,
        }
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// A new browser (empty cookie jar) pointed at this board.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.url(""))
    }
}

/// A copy of the example project's settings, templates and static files at `base`, with
/// `extra_settings` appended to its `settings.toml`; serve it with `PONY_BASE_DIR=<base>`.
pub fn example_copy(base: &Path, extra_settings: &str) {
    let example = workspace_root().join("example_project");
    for dir in ["src", "templates", "static"] {
        copy_tree(&example.join(dir), &base.join(dir));
    }
    let text = std::fs::read_to_string(example.join("settings.toml")).unwrap();
    std::fs::write(
        base.join("settings.toml"),
        format!("{text}\n{extra_settings}\n"),
    )
    .unwrap();
}

/// `manage migrate` on `database_url`.
pub fn migrate(database_url: &str) {
    let (code, out, err) = run(Command::new(workspace_bin("example_project"))
        .arg("migrate")
        .env("DATABASE_URL", database_url));
    assert_eq!(code, 0, "migrate failed:\n{out}{err}");
}

/// A response, read completely.
#[derive(Debug)]
pub struct Page {
    /// The status code.
    pub status: u16,
    /// `Location`, for redirects.
    pub location: Option<String>,
    /// Every `Set-Cookie` header.
    pub set_cookies: Vec<String>,
    /// Every header, lower-case names.
    pub headers: reqwest::header::HeaderMap,
    /// The body.
    pub body: String,
}

impl Page {
    /// The `value` of `<input … name="NAME" … value="…">` in the body.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.body.find(&marker)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let value_at = tag.find("value=\"")? + "value=\"".len();
        let value_end = value_at + tag[value_at..].find('"')?;
        Some(tag[value_at..value_end].replace("&amp;", "&"))
    }

    /// The `Set-Cookie` header for `name`, if one was sent.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .map(String::as_str)
            .find(|c| c.starts_with(&format!("{name}=")))
    }
}

/// A cookie jar and a client that does not follow redirects.
pub struct Browser {
    /// The jar, to read or plant cookies.
    pub jar: Arc<Jar>,
    client: reqwest::blocking::Client,
    base: reqwest::Url,
    headers: reqwest::header::HeaderMap,
}

impl Browser {
    /// An empty browser for the site at `base`.
    pub fn new(base: &str) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar.clone())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        Browser {
            jar,
            client,
            base: base.parse().unwrap(),
            headers: reqwest::header::HeaderMap::new(),
        }
    }

    /// This browser, sending `name: value` with every request (as a proxy in front of the
    /// site would add, say, `X-Forwarded-For`).
    pub fn with_header(mut self, name: &'static str, value: &str) -> Browser {
        self.headers.insert(name, value.parse().unwrap());
        self
    }

    /// The same jar and site, pointed at another server (a second app server).
    pub fn on(&self, base: &str) -> Browser {
        let other = Browser::new(base);
        // Copy our cookies: both servers are "the same site" behind a balancer.
        if let Some(header) = self.jar.cookies(&self.base) {
            for cookie in header.to_str().unwrap().split("; ") {
                other.jar.add_cookie_str(cookie, &other.base);
            }
        }
        other
    }

    /// The value of cookie `name`, if the jar holds it.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.base)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    /// Plants a cookie, as an attacker (or a replay) would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &self.base);
    }

    /// GET `path`.
    pub fn get(&self, path: &str) -> Page {
        read(
            self.client
                .get(self.base.join(path).unwrap())
                .headers(self.headers.clone())
                .send()
                .unwrap(),
        )
    }

    /// POST `fields` to `path` as a form, with exactly the fields given.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        read(
            self.client
                .post(self.base.join(path).unwrap())
                .headers(self.headers.clone())
                .header("Origin", self.base.as_str().trim_end_matches('/'))
                .form(fields)
                .send()
                .unwrap(),
        )
    }

    /// Loads the form at `path` and submits it with `fields` plus the page's CSRF token, as a
    /// browser does.
    pub fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(path);
        assert_eq!(form.status, 200, "GET {path}: {}", form.body);
        let token = form
            .input_value("csrfmiddlewaretoken")
            .unwrap_or_else(|| panic!("no CSRF token on {path}:\n{}", form.body));
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrfmiddlewaretoken", &token));
        self.post(path, &all)
    }

    /// POSTs `fields` to `action` with a CSRF token taken from the page at `page`.
    pub fn submit_from(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(page);
        let token = form
            .input_value("csrfmiddlewaretoken")
            .unwrap_or_else(|| panic!("no CSRF token on {page}:\n{}", form.body));
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrfmiddlewaretoken", &token));
        self.post(action, &all)
    }

    /// Signs up (and is thereby logged in).
    pub fn sign_up(&self, username: &str, password: &str) -> Page {
        self.submit(
            "/accounts/signup/",
            &[
                ("username", username),
                ("password1", password),
                ("password2", password),
            ],
        )
    }

    /// Logs in through the login form.
    pub fn log_in(&self, username: &str, password: &str) -> Page {
        self.submit(
            "/accounts/login/",
            &[("username", username), ("password", password)],
        )
    }
}

fn read(response: reqwest::blocking::Response) -> Page {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let set_cookies = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    Page {
        status,
        location,
        set_cookies,
        headers,
        body: response.text().unwrap_or_default(),
    }
}
