// The whole-form hook takes what cleaned (`&Partial<Self>`), not the form: the error points
// at the attribute and names both signatures.
use pony::forms::FormErrors;

#[derive(pony::Form, Debug)]
#[form(clean = Self::check)]
pub struct SignupForm {
    pub password1: String,
    pub password2: String,
}

impl SignupForm {
    fn check(&self, errors: &mut FormErrors) {
        if self.password1 != self.password2 {
            errors.add(Some("password2"), "The two password fields didn’t match.");
        }
    }
}

fn main() {}
