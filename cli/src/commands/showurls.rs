//! `manage showurls`: every route, its view and its name (django-extensions' `show_urls`).

use std::process::ExitCode;

use pony::Project;

use super::CommandResult;

pub(crate) fn run(project: Project) -> CommandResult {
    let settings = project.load_settings()?;
    let site = project.build(settings)?;
    let rows: Vec<(String, &str, &str)> = site
        .resolver()
        .patterns()
        .iter()
        .map(|p| {
            (
                format!("/{}", p.route),
                p.view_name.as_str(),
                p.name.as_deref().unwrap_or(""),
            )
        })
        .collect();
    let width = rows
        .iter()
        .map(|(route, _, _)| route.len())
        .max()
        .unwrap_or(0);
    let view_width = rows
        .iter()
        .map(|(_, view, _)| view.len())
        .max()
        .unwrap_or(0);
    for (route, view, name) in rows {
        println!("{route:width$}  {view:view_width$}  {name}");
    }
    println!(
        "{:width$}  {:view_width$}  (static files)",
        site.settings().static_url,
        ""
    );
    Ok(ExitCode::SUCCESS)
}
