//! Views of accounts: sign up, log in, log out, change password.

use pony::auth::forms::{AuthenticationForm, PasswordChangeForm, UserCreationForm};
use pony::auth::{self, redirects::safe_next};
use pony::messages;
use pony::prelude::*;

/// Sign up with Django's `UserCreationForm`; a new user is logged in straight away.
pub async fn signup(request: Request) -> pony::Result<Response> {
    let mut form = UserCreationForm::bind(&request);
    if let Some(user) = form.save(&request).await? {
        auth::login(&request, &user).await?;
        messages::success(&request, format!("Welcome, {}!", user.username))?;
        return redirect("articles:index");
    }
    render(&request, "accounts/signup.html", context! { form })
}

/// Log in with Django's `AuthenticationForm`, then go to a safe `next` or the article list.
pub async fn login(request: Request) -> pony::Result<Response> {
    let next = request
        .post()
        .get("next")
        .or(request.query().get("next"))
        .unwrap_or_default()
        .to_owned();
    let mut form = AuthenticationForm::bind(&request);
    if let Some(user) = form.authenticate(&request).await? {
        // Decided before logging in, so nothing can fail once the session has changed.
        let success_url = match safe_next(&request, Some(&next)) {
            Some(next) => next,
            None => reverse("articles:index", pony::urls::NO_ARGS)?,
        };
        auth::login(&request, &user).await?;
        return Ok(redirect_to_url(&success_url));
    }
    render(&request, "accounts/login.html", context! { form, next })
}

/// Log out (POST only, as in Django 5).
pub async fn logout(request: Request) -> pony::Result<Response> {
    auth::logout(&request).await?;
    redirect("articles:index")
}

/// Change the password; this browser stays logged in, every other one is logged out.
pub async fn password_change(_: LoginRequired, request: Request) -> pony::Result<Response> {
    let mut form = PasswordChangeForm::bind(&request);
    if form.save(&request).await? {
        messages::success(&request, "Your password was changed.")?;
        return redirect("articles:index");
    }
    render(&request, "accounts/password_change.html", context! { form })
}
