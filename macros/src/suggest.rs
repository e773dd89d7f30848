//! Compile errors that suggest what was meant: "unknown #[field] option `max_len`; did you
//! mean `max_length`?", shared by the derives.

/// "unknown #[field] option `max_len`; did you mean `max_length`?" (or the list of options).
pub(crate) fn unknown_option(
    meta: &syn::meta::ParseNestedMeta<'_>,
    attribute: &str,
    known: &[&str],
) -> syn::Error {
    let path = &meta.path;
    let name = quote::quote!(#path).to_string().replace(' ', "");
    if attribute == "field" && name == "null" {
        return meta.error(
            "a field allows NULL by being an Option: write `Option<String>`, not #[field(null)]",
        );
    }
    let message = match closest(&name, known) {
        Some(guess) => format!("unknown #[{attribute}] option `{name}`; did you mean `{guess}`?"),
        None => format!(
            "unknown #[{attribute}] option `{name}`; expected one of: {}",
            known.join(", ")
        ),
    };
    meta.error(message)
}

/// The known name `name` most plausibly misspells: the nearest by edit distance, or one that
/// contains it (`table` → `db_table`).
pub(crate) fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(distance, candidate)| {
            *distance <= 2.max(candidate.len() / 3) || (name.len() >= 4 && candidate.contains(name))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            let deletion = previous[j + 1] + 1;
            let insertion = current[j] + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous[b.len()]
}
