//! Authentication, like `django.contrib.auth`: password hashing and validation so far; users,
//! sessions and login arrive with the auth app.

pub mod hashers;
pub mod validators;
