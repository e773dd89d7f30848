//! Django's auth forms: [`UserCreationForm`], [`AuthenticationForm`] and
//! [`PasswordChangeForm`], with Django's fields, labels and messages.
//!
//! Their last step talks to the database (and hashes, on the blocking pool), so each has an
//! async method that validates completely and acts, or leaves the form with its errors:
//!
//! ```no_run
//! use pony::auth::forms::UserCreationForm;
//! use pony::prelude::*;
//!
//! async fn signup(request: Request) -> pony::Result<Response> {
//!     let mut form = UserCreationForm::bind(&request); // bound on POST only
//!     if let Some(user) = form.save(&request).await? {
//!         pony::auth::login(&request, &user).await?;
//!         return redirect("articles:index");
//!     }
//!     render(&request, "accounts/signup.html", context! { form })
//! }
//! ```

use crate::Form;
use crate::auth::RequestUser;
use crate::auth::blocking::{hash_password, verify_password};
use crate::auth::login::{Credentials, authenticate, update_session_auth_hash};
use crate::auth::models::{User, normalize_username};
use crate::auth::validators::{UserAttributes, validate_password, validate_username};
use crate::core::Request;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::forms::{BoundForm, FormErrors, Partial, ValidationError};

/// "The two password fields didn’t match." (with Django's U+2019 apostrophe).
pub const PASSWORD_MISMATCH: &str = "The two password fields didn\u{2019}t match.";
/// "A user with that username already exists."
pub const DUPLICATE_USERNAME: &str = "A user with that username already exists.";
/// "Your old password was entered incorrectly. Please enter it again."
pub const PASSWORD_INCORRECT: &str =
    "Your old password was entered incorrectly. Please enter it again.";

/// Django's `UserCreationForm`: a username and the password twice.
#[derive(Form, Debug, Default)]
#[form(clean = Self::check_passwords)]
pub struct UserCreationForm {
    #[field(max_length = 150, help_text = "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.", clean = clean_username)]
    pub username: String,
    #[field(
        widget = "password",
        label = "Password",
        help_text = "Your password can’t be too similar to your other personal information. Your password must contain at least 8 characters. Your password can’t be a commonly used password. Your password can’t be entirely numeric."
    )]
    pub password1: String,
    #[field(
        widget = "password",
        label = "Password confirmation",
        help_text = "Enter the same password as before, for verification."
    )]
    pub password2: String,
}

/// Django's `AuthenticationForm`: username and password, checked by [`authenticate`].
#[derive(Form, Debug, Default)]
pub struct AuthenticationForm {
    #[field(max_length = 150)]
    pub username: String,
    #[field(widget = "password")]
    pub password: String,
}

/// Django's `PasswordChangeForm`: the old password, then the new one twice.
#[derive(Form, Debug, Default)]
#[form(clean = Self::check_passwords)]
pub struct PasswordChangeForm {
    #[field(widget = "password", label = "Old password")]
    pub old_password: String,
    #[field(
        widget = "password",
        label = "New password",
        help_text = "Your password can’t be too similar to your other personal information. Your password must contain at least 8 characters. Your password can’t be a commonly used password. Your password can’t be entirely numeric."
    )]
    pub new_password1: String,
    #[field(widget = "password", label = "New password confirmation")]
    pub new_password2: String,
}

/// The username field's own check: NFKC-normalised, then Django's username validator.
fn clean_username(value: String) -> std::result::Result<String, ValidationError> {
    let username = normalize_username(&value);
    validate_username(&username).map_err(ValidationError::new)?;
    Ok(username)
}

/// Django's `SetPasswordMixin.validate_passwords`: when both passwords cleaned (whatever the
/// other fields did) and differ, the confirmation field gets the mismatch error.
fn check_match(first: Option<&str>, second: Option<&str>, field: &str, errors: &mut FormErrors) {
    if let (Some(first), Some(second)) = (first, second)
        && first != second
    {
        errors.add(Some(field), PASSWORD_MISMATCH);
    }
}

impl UserCreationForm {
    fn check_passwords(data: &Partial<Self>, errors: &mut FormErrors) {
        check_match(
            data.password1.as_deref(),
            data.password2.as_deref(),
            "password2",
            errors,
        );
    }
}

impl PasswordChangeForm {
    fn check_passwords(data: &Partial<Self>, errors: &mut FormErrors) {
        let (first, second) = (data.new_password1.as_deref(), data.new_password2.as_deref());
        check_match(first, second, "new_password2", errors);
    }
}

impl BoundForm<UserCreationForm> {
    /// Validates completely (fields, matching passwords, a free username, the password
    /// validators from `AUTH_PASSWORD_VALIDATORS`) and creates the user; `None` leaves the
    /// form with its errors.
    ///
    /// Two signups racing for one name cannot both pass: the database's unique index decides,
    /// and the loser gets the same form error as if the name had been taken before (where
    /// Django answers with a 500).
    pub async fn save(&mut self, request: &Request) -> Result<Option<User>> {
        // As Django's auth views: no submitted value shows on the DEBUG error page.
        crate::core::sensitive_post_parameters(request, &[]);
        let db = database(request)?;
        // As Django: the username and password checks that need more than the field itself
        // run whenever their field cleaned, so every problem is reported at once.
        let username = self
            .clean_value("username")
            .map(|name| normalize_username(&name));
        if let Some(username) = username.clone() {
            let taken = db
                .run(move |conn| User::username_taken(conn, &username))
                .await?;
            if taken {
                self.add_error(Some("username"), DUPLICATE_USERNAME);
            }
        }
        if let Some(password) = self.clean_value("password2") {
            let attributes = UserAttributes {
                username: username.as_deref().unwrap_or_default(),
                first_name: "",
                last_name: "",
                email: "",
            };
            validate_new_password(self, request, "password2", &password, &attributes)?;
        }
        let Some(form) = self.cleaned_data() else {
            return Ok(None);
        };
        let (username, password) = (form.username.clone(), form.password2.clone());
        let mut user = User::new(&username, "");
        user.password = hash_password(&password).await?;
        match db.run(move |conn| user.save(conn)).await {
            Ok(user) => Ok(Some(user)),
            Err(error) if error.is_unique_violation() => {
                self.add_error(Some("username"), DUPLICATE_USERNAME);
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }
}

impl BoundForm<AuthenticationForm> {
    /// Validates and authenticates; `None` leaves Django's "Please enter a correct username
    /// and password…" (or the throttling message) as a non-field error.
    pub async fn authenticate(&mut self, request: &Request) -> Result<Option<User>> {
        // As Django's auth views: no submitted value shows on the DEBUG error page.
        crate::core::sensitive_post_parameters(request, &[]);
        let Some(form) = self.cleaned_data() else {
            return Ok(None);
        };
        let credentials = Credentials {
            username: &form.username,
            password: &form.password,
        };
        match authenticate(request, credentials).await? {
            Ok(user) => Ok(Some(user)),
            Err(refusal) => {
                self.add_error(None, refusal.to_string());
                Ok(None)
            }
        }
    }
}

impl BoundForm<PasswordChangeForm> {
    /// Checks the old password and the new ones (validators included), saves the new hash
    /// and keeps this session logged in (every other session of the user is logged out).
    pub async fn save(&mut self, request: &Request) -> Result<bool> {
        // As Django's auth views: no submitted value shows on the DEBUG error page.
        crate::core::sensitive_post_parameters(request, &[]);
        let current = request.user();
        let Some(user) = current.user().cloned() else {
            return Err(Error::permission_denied(""));
        };
        if let Some(old) = self.clean_value("old_password")
            && !verify_password(&old, &user.password).await
        {
            self.add_error(Some("old_password"), PASSWORD_INCORRECT);
        }
        if let Some(password) = self.clean_value("new_password2") {
            let attributes = UserAttributes {
                username: &user.username,
                first_name: &user.first_name,
                last_name: &user.last_name,
                email: &user.email,
            };
            validate_new_password(self, request, "new_password2", &password, &attributes)?;
        }
        let Some(form) = self.cleaned_data() else {
            return Ok(false);
        };
        let password = form.new_password2.clone();
        let mut user = user;
        user.password = hash_password(&password).await?;
        let db = database(request)?;
        let user = db.run(move |conn| user.save(conn)).await?;
        update_session_auth_hash(request, &user).await?;
        Ok(true)
    }
}

/// Runs `AUTH_PASSWORD_VALIDATORS` on a new password; their messages go on `field`.
fn validate_new_password<F: Form>(
    form: &mut BoundForm<F>,
    request: &Request,
    field: &str,
    password: &str,
    user: &UserAttributes<'_>,
) -> Result<()> {
    let validators = crate::auth::validators::from_settings(request.settings())?;
    if let Err(messages) = validate_password(password, Some(user), &validators) {
        for message in messages {
            form.add_error(Some(field), message);
        }
    }
    Ok(())
}

fn database(request: &Request) -> Result<Db> {
    request.site().db.clone().ok_or_else(|| {
        Error::ImproperlyConfigured("the auth forms need a database (DATABASE_URL)".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::QueryDict;

    #[test]
    fn a_bad_username_and_mismatched_passwords_both_show_like_django() {
        let post = QueryDict::parse(b"username=bad+name%21&password1=first-1&password2=second-2");
        let form = UserCreationForm::bind_data(&post);
        assert!(!form.is_valid());
        assert_eq!(
            form.errors().get("username"),
            [
                "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
            ]
        );
        assert_eq!(form.errors().get("password2"), [PASSWORD_MISMATCH]);

        let post = QueryDict::parse(b"username=ann&password1=&password2=second-2");
        let form = UserCreationForm::bind_data(&post);
        assert_eq!(form.errors().get("password1"), ["This field is required."]);
        assert!(
            !form.errors().has_error("password2"),
            "nothing to compare with"
        );
    }

    #[test]
    fn new_passwords_must_match_whatever_the_old_one_did() {
        let post = QueryDict::parse(b"old_password=&new_password1=a-1&new_password2=b-2");
        let form = PasswordChangeForm::bind_data(&post);
        assert_eq!(
            form.errors().get("old_password"),
            ["This field is required."]
        );
        assert_eq!(form.errors().get("new_password2"), [PASSWORD_MISMATCH]);
        let post = QueryDict::parse(b"old_password=o&new_password1=same-1&new_password2=same-1");
        assert!(PasswordChangeForm::bind_data(&post).is_valid());
    }
}
