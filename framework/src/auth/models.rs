//! The auth app's models, with Django's tables and fields: `auth_user`, `auth_group`,
//! `auth_permission` and the three link tables.
//!
//! ```no_run
//! # fn demo(conn: &mut pony::db::Connection) -> pony::Result<()> {
//! use pony::auth::models::User;
//!
//! let user = User::create_user(conn, "alice", "alice@example.com", "s3cret-pass")?;
//! assert!(user.check_password("s3cret-pass"));
//! # Ok(()) }
//! ```

use diesel::prelude::*;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::db::{Connection, DateTime};
use crate::error::{Error, Result};

/// Django's `auth.User`.
///
/// The password is stored hashed (`argon2$argon2id$…`); the hash is never serialised, so a user
/// may be handed to a template as is.
#[derive(crate::Model, Debug, Clone, Default, Serialize)]
#[model(app = "auth", db_table = "auth_user", ordering = "username")]
pub struct User {
    pub id: i64,
    #[field(max_length = 128)]
    #[serde(skip)]
    pub password: String,
    pub last_login: Option<DateTime>,
    #[field(
        default = false,
        verbose_name = "superuser status",
        help_text = "Designates that this user has all permissions without explicitly assigning them."
    )]
    pub is_superuser: bool,
    #[field(
        max_length = 150,
        unique,
        help_text = "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."
    )]
    pub username: String,
    #[field(max_length = 150, blank)]
    pub first_name: String,
    #[field(max_length = 150, blank)]
    pub last_name: String,
    #[field(max_length = 254, blank, email, verbose_name = "email address")]
    pub email: String,
    #[field(
        default = false,
        verbose_name = "staff status",
        help_text = "Designates whether the user can log into this admin site."
    )]
    pub is_staff: bool,
    #[field(
        default = true,
        verbose_name = "active",
        help_text = "Designates whether this user should be treated as active. Unselect this instead of deleting accounts."
    )]
    pub is_active: bool,
    #[field(auto_now_add, verbose_name = "date joined")]
    pub date_joined: DateTime,
}

/// Django's `auth.Group`: a named set of permissions users can belong to.
#[derive(crate::Model, Debug, Clone, Default, Serialize)]
#[model(app = "auth", db_table = "auth_group", ordering = "name")]
pub struct Group {
    pub id: i64,
    #[field(max_length = 150, unique)]
    pub name: String,
}

/// Django's `auth.Permission`: `app_label.codename`, e.g. `articles.change_article`.
///
/// Django points at a content type; pony names the app and model directly.
#[derive(crate::Model, Debug, Clone, Default, Serialize)]
#[model(
    app = "auth",
    db_table = "auth_permission",
    ordering = "app_label, model, codename",
    unique_together = "app_label, codename"
)]
pub struct Permission {
    pub id: i64,
    #[field(max_length = 255)]
    pub name: String,
    #[field(max_length = 100)]
    pub app_label: String,
    #[field(max_length = 100)]
    pub model: String,
    #[field(max_length = 100)]
    pub codename: String,
}

/// A user's membership of a group (Django's `User.groups` link table).
#[derive(crate::Model, Debug, Clone, Default)]
#[model(
    app = "auth",
    db_table = "auth_user_groups",
    unique_together = "user, group"
)]
pub struct UserGroup {
    pub id: i64,
    #[field(foreign_key = "auth.User")]
    pub user_id: i64,
    #[field(foreign_key = "auth.Group")]
    pub group_id: i64,
}

/// A permission given to a group (Django's `Group.permissions` link table).
#[derive(crate::Model, Debug, Clone, Default)]
#[model(
    app = "auth",
    db_table = "auth_group_permissions",
    unique_together = "group, permission"
)]
pub struct GroupPermission {
    pub id: i64,
    #[field(foreign_key = "auth.Group")]
    pub group_id: i64,
    #[field(foreign_key = "auth.Permission")]
    pub permission_id: i64,
}

/// A permission given to one user directly (Django's `User.user_permissions` link table).
#[derive(crate::Model, Debug, Clone, Default)]
#[model(
    app = "auth",
    db_table = "auth_user_user_permissions",
    unique_together = "user, permission"
)]
pub struct UserPermission {
    pub id: i64,
    #[field(foreign_key = "auth.User")]
    pub user_id: i64,
    #[field(foreign_key = "auth.Permission")]
    pub permission_id: i64,
}

// The permission query reads the link tables in subqueries.
diesel::allow_tables_to_appear_in_same_query!(
    permission,
    user_permission,
    user_group,
    group_permission
);

impl User {
    /// Django's `get_username()`.
    pub fn get_username(&self) -> &str {
        &self.username
    }

    /// Django's `get_full_name()`: first and last name, trimmed.
    pub fn get_full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }

    /// Hashes and sets the password (not saved until [`User::save`]). Slow by design
    /// (~0.4 s): in a handler, prefer [`crate::auth::hash_password`] on the blocking pool.
    pub fn set_password(&mut self, raw: &str) -> Result<()> {
        self.password = crate::auth::hashers::make_password(raw)?;
        Ok(())
    }

    /// Whether `raw` is this user's password (constant-time; slow by design).
    pub fn check_password(&self, raw: &str) -> bool {
        crate::auth::hashers::check_password(raw, &self.password)
    }

    /// Django's `set_unusable_password()`.
    pub fn set_unusable_password(&mut self) {
        self.password = crate::auth::hashers::make_unusable_password();
    }

    /// Django's `has_usable_password()`.
    pub fn has_usable_password(&self) -> bool {
        crate::auth::hashers::is_password_usable(&self.password)
    }

    /// The user whose username is exactly `username` (Django's `get_by_natural_key`).
    pub fn by_username(conn: &mut Connection, username: &str) -> Result<Option<User>> {
        Ok(User::objects()
            .filter(user::username.eq(username))
            .first::<User>(conn)
            .optional()?)
    }

    /// Whether a user with this username exists, ignoring case (Django's `username__iexact`
    /// check in `UserCreationForm`).
    pub fn username_taken(conn: &mut Connection, username: &str) -> Result<bool> {
        let count: i64 = user::table
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("LOWER(username) = LOWER(")
                    .bind::<diesel::sql_types::Text, _>(username.to_owned())
                    .sql(")"),
            )
            .count()
            .get_result(conn)?;
        Ok(count > 0)
    }

    /// Django's `UserManager.create_user`: a new active, non-staff user with a hashed
    /// password (or an unusable one when `password` is empty).
    pub fn create_user(
        conn: &mut Connection,
        username: &str,
        email: &str,
        password: &str,
    ) -> Result<User> {
        User::new(username, email)
            .with_password(password)?
            .save(conn)
    }

    /// Django's `create_superuser`: staff and superuser.
    pub fn create_superuser(
        conn: &mut Connection,
        username: &str,
        email: &str,
        password: &str,
    ) -> Result<User> {
        let mut user = User::new(username, email);
        user.is_staff = true;
        user.is_superuser = true;
        user.with_password(password)?.save(conn)
    }

    /// The user with `raw` hashed as its password, or an unusable one when `raw` is empty.
    fn with_password(mut self, raw: &str) -> Result<User> {
        if raw.is_empty() {
            self.set_unusable_password();
        } else {
            self.set_password(raw)?;
        }
        Ok(self)
    }

    /// An unsaved, active user with Django's normalisation: NFKC username, lower-cased email
    /// domain.
    pub fn new(username: &str, email: &str) -> User {
        User {
            username: normalize_username(username),
            email: normalize_email(email),
            is_active: true,
            ..User::default()
        }
    }

    /// Every permission this user has, as `app_label.codename`, directly or through groups
    /// (Django's `get_all_permissions()`); empty for an inactive user.
    pub fn get_all_permissions(
        &self,
        conn: &mut Connection,
    ) -> Result<std::collections::BTreeSet<String>> {
        if !self.is_active {
            return Ok(Default::default());
        }
        let query = permission::table.select((permission::app_label, permission::codename));
        let rows: Vec<(String, String)> = if self.is_superuser {
            query.load(conn)?
        } else {
            // One query: the permissions given directly or through one of the groups.
            let direct = user_permission::table
                .filter(user_permission::user_id.eq(self.id))
                .select(user_permission::permission_id);
            let groups = user_group::table
                .filter(user_group::user_id.eq(self.id))
                .select(user_group::group_id);
            let through_groups = group_permission::table
                .filter(group_permission::group_id.eq_any(groups))
                .select(group_permission::permission_id);
            query
                .filter(
                    permission::id
                        .eq_any(direct)
                        .or(permission::id.eq_any(through_groups)),
                )
                .load(conn)?
        };
        Ok(rows
            .into_iter()
            .map(|(app, codename)| format!("{app}.{codename}"))
            .collect())
    }
}

/// Django's `AbstractBaseUser.normalize_username`: Unicode NFKC.
pub fn normalize_username(username: &str) -> String {
    username.nfkc().collect()
}

/// Django's `BaseUserManager.normalize_email`: the domain part lower-cased.
pub fn normalize_email(email: &str) -> String {
    match email.trim().rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => email.trim().to_owned(),
    }
}

impl Permission {
    /// The permission's `app_label.codename`.
    pub fn natural_key(&self) -> String {
        format!("{}.{}", self.app_label, self.codename)
    }
}

/// Gives a user a permission by its `app_label.codename` (Django's
/// `user.user_permissions.add(...)`).
pub fn grant_permission(conn: &mut Connection, user: &User, perm: &str) -> Result<()> {
    let (app, codename) = perm.split_once('.').ok_or_else(|| {
        Error::other(format!(
            "A permission is `app_label.codename`, not {perm:?}"
        ))
    })?;
    let permission = Permission::objects()
        .filter(permission::app_label.eq(app))
        .filter(permission::codename.eq(codename))
        .first::<Permission>(conn)
        .optional()?
        .ok_or_else(|| Error::other(format!("No permission {perm:?}: run `migrate` first")))?;
    let exists: i64 = user_permission::table
        .filter(user_permission::user_id.eq(user.id))
        .filter(user_permission::permission_id.eq(permission.id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        UserPermission {
            id: 0,
            user_id: user.id,
            permission_id: permission.id,
        }
        .save(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthConfig;
    use crate::db::Db;
    use crate::db::migrate::{self, Target};
    use crate::db::url::DatabaseUrl;

    #[test]
    fn permissions_come_directly_and_through_groups() {
        let db = Db::connect(&DatabaseUrl::sqlite_memory()).unwrap();
        let apps: Vec<Box<dyn crate::App>> = vec![Box::new(AuthConfig)];
        let mut conn = db.get().unwrap();
        let graph = migrate::load(&apps).unwrap();
        migrate::migrate(&mut conn, &graph, &Target::All, false, &mut |_| {}).unwrap();
        crate::auth::permissions::create_permissions(&mut conn, &apps).unwrap();

        let mut user = User::new("ann", "");
        user.password = crate::auth::hashers::make_unusable_password();
        let user = user.save(&mut conn).unwrap();
        assert!(user.get_all_permissions(&mut conn).unwrap().is_empty());

        grant_permission(&mut conn, &user, "auth.view_user").unwrap();
        let editors = Group {
            id: 0,
            name: "editors".into(),
        }
        .save(&mut conn)
        .unwrap();
        let change_group = Permission::objects()
            .filter(permission::codename.eq("change_group"))
            .first::<Permission>(&mut *conn)
            .unwrap();
        GroupPermission {
            id: 0,
            group_id: editors.id,
            permission_id: change_group.id,
        }
        .save(&mut conn)
        .unwrap();
        UserGroup {
            id: 0,
            user_id: user.id,
            group_id: editors.id,
        }
        .save(&mut conn)
        .unwrap();

        let perms = user.get_all_permissions(&mut conn).unwrap();
        let expected: std::collections::BTreeSet<String> =
            ["auth.change_group".to_owned(), "auth.view_user".to_owned()].into();
        assert_eq!(perms, expected);

        let mut inactive = user.clone();
        inactive.is_active = false;
        assert!(inactive.get_all_permissions(&mut conn).unwrap().is_empty());
        let mut superuser = user;
        superuser.is_superuser = true;
        assert_eq!(superuser.get_all_permissions(&mut conn).unwrap().len(), 24);
    }
}
