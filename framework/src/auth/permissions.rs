//! The default permissions: `add_`, `change_`, `delete_` and `view_` for every model of every
//! installed app, created after `migrate` as Django's `post_migrate` handler does.

use diesel::prelude::*;

use super::models::{Permission, permission};
use crate::core::App;
use crate::db::Connection;
use crate::error::Result;

/// Django's default permission actions, in Django's order.
pub const DEFAULT_ACTIONS: [&str; 4] = ["add", "change", "delete", "view"];

/// Creates the missing default permissions of every model of `apps`; returns how many were
/// created. Existing ones are left alone, so running it again does nothing.
pub fn create_permissions(conn: &mut Connection, apps: &[Box<dyn App>]) -> Result<usize> {
    let existing: std::collections::BTreeSet<(String, String)> = permission::table
        .select((permission::app_label, permission::codename))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut created = 0;
    for app in apps {
        for meta in app.models() {
            let model = meta.name.to_ascii_lowercase();
            for action in DEFAULT_ACTIONS {
                let codename = format!("{action}_{model}");
                if existing.contains(&(meta.app_label.clone(), codename.clone())) {
                    continue;
                }
                Permission {
                    id: 0,
                    name: format!("Can {action} {}", meta.verbose_name),
                    app_label: meta.app_label.clone(),
                    model: model.clone(),
                    codename,
                }
                .save(conn)?;
                created += 1;
            }
        }
    }
    Ok(created)
}
