//! Hand-written TOML rendering, so migration files read like Django's: keys in a
//! meaningful order, one inline table per line for fields.

use toml::{Table, Value};

/// What a table describes, which decides the order of its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Operation,
    Field,
    Index,
    Options,
    Other,
}

impl Shape {
    fn order(self) -> &'static [&'static str] {
        match self {
            Shape::Operation => &[
                "type",
                "name",
                "old_name",
                "new_name",
                "model_name",
                "field",
                "preserve_default",
                "index",
                "table",
                "ordering",
                "verbose_name",
                "verbose_name_plural",
                "unique_together",
                "sqlite",
                "reverse_sqlite",
                "postgresql",
                "reverse_postgresql",
                "mysql",
                "reverse_mysql",
                "fields",
                "options",
                "state_operations",
            ],
            Shape::Field => &[
                "name",
                "column",
                "type",
                "max_length",
                "to",
                "on_delete",
                "primary_key",
                "null",
                "blank",
                "unique",
                "db_index",
                "default",
                "auto_now",
                "auto_now_add",
                "choices",
                "verbose_name",
                "help_text",
            ],
            Shape::Index => &["name", "fields", "unique"],
            Shape::Options => &[
                "db_table",
                "verbose_name",
                "verbose_name_plural",
                "ordering",
                "unique_together",
                "indexes",
            ],
            Shape::Other => &[],
        }
    }

    /// The shape of the tables found under `key`.
    fn child(self, key: &str) -> Shape {
        match key {
            "field" | "fields" if self == Shape::Operation => Shape::Field,
            "index" | "indexes" => Shape::Index,
            "options" => Shape::Options,
            "state_operations" => Shape::Operation,
            _ => Shape::Other,
        }
    }
}

/// The table's entries: known keys in the shape's order, then the others sorted.
pub(crate) fn entries(table: &Table, shape: Shape) -> Vec<(&str, &Value)> {
    let order = shape.order();
    let mut entries: Vec<(&str, &Value)> = table.iter().map(|(k, v)| (k.as_str(), v)).collect();
    entries.sort_by_key(|(key, _)| {
        let rank = order.iter().position(|k| k == key).unwrap_or(order.len());
        (rank, key.to_string())
    });
    entries
}

/// `key = value` lines of a table; arrays of tables get one inline table per line.
pub(crate) fn body(out: &mut String, table: &Table, shape: Shape) {
    for (key, value) in entries(table, shape) {
        let child = shape.child(key);
        match value {
            Value::Array(items) if is_table_array(items) => {
                out.push_str(&format!("{} = [\n", render_key(key)));
                for item in items {
                    out.push_str(&format!("    {},\n", inline(item, child)));
                }
                out.push_str("]\n");
            }
            _ => out.push_str(&format!("{} = {}\n", render_key(key), inline(value, child))),
        }
    }
}

fn is_table_array(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(Value::is_table)
}

/// A value on one line (strings with line breaks excepted).
pub(crate) fn inline(value: &Value, shape: Shape) -> String {
    match value {
        Value::String(text) => render_string(text),
        Value::Integer(n) => n.to_string(),
        Value::Float(x) => render_float(*x),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| inline(v, shape)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Table(table) => {
            if table.is_empty() {
                return "{}".to_owned();
            }
            let items: Vec<String> = entries(table, shape)
                .into_iter()
                .map(|(k, v)| format!("{} = {}", render_key(k), inline(v, shape.child(k))))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

fn render_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let text = x.to_string();
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A bare key when possible, else a quoted one.
pub(crate) fn render_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        basic_string(key)
    }
}

/// A string: multi-line literal (`'''`) for SQL and other text with line breaks, else a
/// basic string with escapes.
pub(crate) fn render_string(text: &str) -> String {
    let literal_ok = text.contains('\n')
        && !text.contains("'''")
        && !text.ends_with('\'')
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || !c.is_control());
    if literal_ok {
        format!("'''\n{text}'''")
    } else {
        basic_string(text)
    }
}

fn basic_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip() {
        for text in [
            "plain",
            "quote \" and \\ backslash",
            "SELECT 1;\nSELECT 'x';\n",
            "ends with '\n'",
            "has ''' inside\n",
            "tab\tand \u{1} control",
            "",
        ] {
            let doc = format!("v = {}", render_string(text));
            let table: Table = toml::from_str(&doc).unwrap();
            assert_eq!(table["v"].as_str(), Some(text), "{doc}");
        }
    }

    #[test]
    fn floats_stay_floats() {
        for x in [1.0, 0.5, 1e300, -2.25, 1e-7] {
            let doc = format!("v = {}", render_float(x));
            let table: Table = toml::from_str(&doc).unwrap();
            assert_eq!(table["v"].as_float(), Some(x), "{doc}");
        }
    }

    #[test]
    fn keys_are_ordered_by_shape() {
        let table: Table =
            toml::from_str("type = \"X\"\nmax_length = 3\nname = \"a\"\ncolumn = \"a\"\nzz = 1")
                .unwrap();
        assert_eq!(
            inline(&Value::Table(table), Shape::Field),
            "{ name = \"a\", column = \"a\", type = \"X\", max_length = 3, zz = 1 }"
        );
        assert_eq!(render_key("a b"), "\"a b\"");
    }
}
