//! example_project — a pony project.
//!
//! `cargo manage runserver` starts the development server; `cargo manage help` lists every command.

mod urls;

// Django's INSTALLED_APPS: one line per app (`cargo manage startapp NAME` adds it).
pony::installed_apps![
    pony::sessions::SessionsConfig,
    pony::auth::AuthConfig,
    accounts::AccountsConfig,
    articles::ArticlesConfig,
];

fn main() -> std::process::ExitCode {
    pony_cli::execute_from_command_line(project())
}

/// The project: its apps and root URLs (Django's settings.INSTALLED_APPS and ROOT_URLCONF).
fn project() -> pony::Project {
    pony::Project::new(pony::base_dir!())
        .apps(installed_apps())
        .urls(urls::urlpatterns())
}
