//! Views of accounts: signup, login and logout arrive with pony's auth app.
