//! Django's `EmailValidator`, without a regex engine: the same user-part, domain and
//! address-literal rules.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Whether `value` is an email address as Django's `validate_email` accepts it.
///
/// ```
/// assert!(pony::forms::is_valid_email("ada@example.com"));
/// assert!(!pony::forms::is_valid_email("ada@example"));
/// ```
pub fn is_valid_email(value: &str) -> bool {
    // RFC 3696 section 3: at most 320 characters.
    if value.chars().count() > 320 {
        return false;
    }
    let Some((user, domain)) = value.rsplit_once('@') else {
        return false;
    };
    valid_user(user) && (domain == "localhost" || valid_domain(domain) || valid_literal(domain))
}

/// A dot-atom (`first.last+tag`) or a quoted string (`"john doe"`).
fn valid_user(user: &str) -> bool {
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "-!#$%&'*+/=?^_`{}|~".contains(c);
    let dot_atom = !user.is_empty()
        && user
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atom_char));
    dot_atom || valid_quoted(user)
}

/// `"…"` with Django's allowed characters and backslash escapes.
fn valid_quoted(user: &str) -> bool {
    let Some(inner) = user
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|_| user.len() >= 2)
    else {
        return false;
    };
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\\' => chars
                .next()
                .is_some_and(|e| matches!(e as u32, 1..=9 | 11 | 12 | 14..=127)),
            _ => matches!(c as u32, 1..=8 | 11 | 12 | 14..=31 | 33 | 35..=91 | 93..=127),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// `example.com`: labels of letters, digits and inner hyphens (≤63), a top-level label of
/// 2–63 characters not ending in `-`. Non-ASCII letters count as letters, as they do once
/// Django has punycode-encoded an internationalised domain.
fn valid_domain(domain: &str) -> bool {
    let Some((labels, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    let alnum = |c: char| c.is_ascii_alphanumeric() || !c.is_ascii();
    let label_ok = |label: &str| {
        let count = label.chars().count();
        (1..=63).contains(&count)
            && label.chars().all(|c| alnum(c) || c == '-')
            && label.chars().next().is_some_and(alnum)
            && label.chars().last().is_some_and(alnum)
    };
    let tld_count = tld.chars().count();
    labels.split('.').all(label_ok)
        && (2..=63).contains(&tld_count)
        && tld.chars().all(|c| alnum(c) || c == '-')
        && !tld.ends_with('-')
}

/// `[192.0.2.1]` or `[IPv6 address]`.
fn valid_literal(domain: &str) -> bool {
    let Some(address) = domain
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    else {
        return false;
    };
    address.parse::<Ipv4Addr>().is_ok() || address.parse::<Ipv6Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn accepts_what_django_accepts() {
        for good in [
            "email@here.com",
            "weirder-email@here.and.there.com",
            "email@[127.0.0.1]",
            "email@[2001:dB8::1]",
            "example@valid-----hyphens.com",
            "example@valid-with-hyphens.com",
            "test@domain.with.idn.tld.उदाहरण.परीक्षा",
            "email@localhost",
            "\"test@test\"@example.com",
            "first.last+tag@sub.example.co",
            "\"\\\u{9}\"@here.com",
        ] {
            assert!(is_valid_email(good), "{good}");
        }
    }

    #[test]
    fn rejects_what_django_rejects() {
        for bad in [
            "",
            "abc",
            "abc@",
            "abc@bar",
            "a @x.cz",
            "abc@.com",
            "something@@somewhere.com",
            "email@127.0.0.1",
            "email@[127.0.0.256]",
            "example@invalid-.com",
            "example@-invalid.com",
            "example@invalid.com-",
            "example@inv-.alid-.com",
            "test@example.com\n\n<script src=\"x.js\">",
            "\"\\\u{a}\"@here.com",
            "trailingdot@shouldfail.com.",
            "a.@example.com",
            ".a@example.com",
            "a..b@example.com",
            "email@example.c",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(320));
        assert!(!is_valid_email(&long));
    }
}
