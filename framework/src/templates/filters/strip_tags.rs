//! Django's `strip_tags` (`django.utils.html`), behind the `striptags` filter, in linear time.
//!
//! Like Django, it strips one pass of tags, comments and declarations at a time (the way Python's
//! `HTMLParser` finds them) and repeats while a pass removes something, at most 50 times. Every
//! search inside a pass remembers what it found, so no byte is scanned more than a few times even
//! on hostile input such as `>` followed by thousands of unterminated `<a`.
//!
//! ```
//! use pony::templates::strip_tags;
//!
//! assert_eq!(strip_tags("<p>Hello <b>world</b></p>"), "Hello world");
//! assert_eq!(strip_tags("a<p onclick=\"alert('<test>')\">b</p>c"), "abc");
//! assert_eq!(strip_tags("234<235, right?"), "234<235, right?");
//! ```

/// How many passes Django's `strip_tags` makes at most (`MAX_STRIP_TAGS_DEPTH`).
const MAX_PASSES: usize = 50;

/// [`Scanner::after_quote`] for a tag that never ends.
const UNENDED: usize = usize::MAX;

/// The text of `value` without its HTML tags, comments and declarations, as Django's
/// `strip_tags` returns it (entities are left as they are).
///
/// ```
/// use pony::templates::strip_tags;
///
/// assert_eq!(strip_tags("<x>b<y>"), "b");
/// assert_eq!(strip_tags("X<<<<br>br>br>br>X"), "XX");
/// ```
pub fn strip_tags(value: &str) -> String {
    let mut text = value.to_owned();
    for _ in 0..MAX_PASSES {
        if !(text.contains('<') && text.contains('>')) {
            break;
        }
        let stripped = strip_once(&text);
        if stripped.matches('<').count() == text.matches('<').count() {
            break;
        }
        text = stripped;
    }
    text
}

/// One pass of Python's `HTMLParser`-based stripping: `<` starts markup only before a letter,
/// `/`, `!` or `?`; markup that never ends is kept as text up to the next `>` (or the next `<`),
/// as `HTMLParser.close()` does.
fn strip_once(s: &str) -> String {
    let mut scan = Scanner::new(s.as_bytes());
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    while let Some(pos) = scan.lt.next(at) {
        out.push_str(&s[at..pos]);
        let starts_markup = s
            .as_bytes()
            .get(pos + 1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?'));
        if !starts_markup {
            out.push('<');
            at = pos + 1;
            continue;
        }
        let end = if s[pos..].starts_with("<!--") {
            scan.comment_end.next(pos + 4).map(|i| i + 3)
        } else {
            scan.tag_end(pos + 1)
        };
        at = match end {
            Some(end) => end,
            None => {
                let data_end = match scan.gt.next(pos + 1) {
                    Some(gt) => gt + 1,
                    None => scan.lt.next(pos + 1).unwrap_or(s.len()),
                };
                out.push_str(&s[pos..data_end]);
                data_end
            }
        };
    }
    out.push_str(&s[at..]);
    out
}

/// The searches of one pass, each remembering its last answer.
struct Scanner<'a> {
    bytes: &'a [u8],
    lt: Finder<'a>,
    gt: Finder<'a>,
    comment_end: Finder<'a>,
    /// The next `>`, `"` or `'`: where a tag scan outside quotes stops.
    special: Finder<'a>,
    /// For each quote reached outside quotes: where its tag ends (past the `>`), [`UNENDED`] if
    /// it never does, 0 while unknown. Allocated at the first quote.
    after_quote: Vec<usize>,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Scanner<'a> {
        Scanner {
            bytes,
            lt: Finder::new(bytes, Needle::Byte(b'<')),
            gt: Finder::new(bytes, Needle::Byte(b'>')),
            comment_end: Finder::new(bytes, Needle::Text(b"-->")),
            special: Finder::new(bytes, Needle::Special),
            after_quote: Vec::new(),
        }
    }

    /// Just past the first `>` at or after `from` that is outside quoted attribute values.
    ///
    /// Starting points of later calls only grow; the quotes met on the way are remembered, so
    /// two scans that reach the same quote outside quotes share the rest of the work.
    fn tag_end(&mut self, from: usize) -> Option<usize> {
        let mut at = self.special.next(from)?;
        let mut visited = Vec::new();
        let end = loop {
            let quote = self.bytes[at];
            if quote == b'>' {
                break Some(at + 1);
            }
            match self.after_quote.get(at) {
                Some(0) | None => {}
                Some(&UNENDED) => break None,
                Some(&known) => break Some(known),
            }
            visited.push(at);
            let Some(close) = find(self.bytes, at + 1, Needle::Byte(quote)) else {
                break None;
            };
            match find(self.bytes, close + 1, Needle::Special) {
                Some(next) => at = next,
                None => break None,
            }
        };
        if self.after_quote.is_empty() && !visited.is_empty() {
            self.after_quote = vec![0; self.bytes.len()];
        }
        for quote in visited {
            self.after_quote[quote] = end.unwrap_or(UNENDED);
        }
        end
    }
}

/// What a [`Finder`] looks for.
#[derive(Clone, Copy)]
enum Needle {
    Byte(u8),
    Text(&'static [u8]),
    /// `>`, `"` or `'`.
    Special,
}

/// A forward search whose starting points only grow: the last answer stays valid until the
/// start passes it, so the bytes before it are never read again.
struct Finder<'a> {
    bytes: &'a [u8],
    needle: Needle,
    /// The last search: its start and its answer.
    last: Option<(usize, Option<usize>)>,
}

impl<'a> Finder<'a> {
    fn new(bytes: &'a [u8], needle: Needle) -> Finder<'a> {
        Finder {
            bytes,
            needle,
            last: None,
        }
    }

    /// The first match at or after `from`.
    fn next(&mut self, from: usize) -> Option<usize> {
        if let Some((start, found)) = self.last
            && start <= from
            && found.is_none_or(|at| at >= from)
        {
            return found;
        }
        let found = find(self.bytes, from, self.needle);
        self.last = Some((from, found));
        found
    }
}

/// The first match of `needle` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: Needle) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let found = match needle {
        Needle::Byte(b) => rest.iter().position(|&c| c == b),
        Needle::Special => rest.iter().position(|&c| matches!(c, b'>' | b'"' | b'\'')),
        Needle::Text(text) => rest.windows(text.len()).position(|w| w == text),
    };
    found.map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::strip_tags;

    /// Django's `test_strip_tags` (tests/utils_tests/test_html.py), with the results of the
    /// Python versions whose `HTMLParser` keeps unterminated markup as text.
    #[test]
    fn djangos_cases() {
        let long_entities = format!("><!{}D", "&".repeat(16000));
        let open_tags = format!(">{}a", "<a".repeat(500));
        let nested = format!("{}{}", "<".repeat(50), "a>".repeat(50));
        let almost_long = format!("{}{}", "<a".repeat(49), "a".repeat(951));
        let long_name = format!("<{}", "a".repeat(1002));
        let cases: &[(&str, &str)] = &[
            (
                "<p>See: &#39;&eacute; is an apostrophe followed by e acute</p>",
                "See: &#39;&eacute; is an apostrophe followed by e acute",
            ),
            (
                "<p>See: &#x27;&eacute; is an apostrophe followed by e acute</p>",
                "See: &#x27;&eacute; is an apostrophe followed by e acute",
            ),
            ("<adf>a", "a"),
            ("</adf>a", "a"),
            ("<asdf><asdf>e", "e"),
            ("hi, <f x", "hi, <f x"),
            ("234<235, right?", "234<235, right?"),
            ("a4<a5 right?", "a4<a5 right?"),
            ("b7>b2!", "b7>b2!"),
            ("</fe", "</fe"),
            ("<x>b<y>", "b"),
            ("a<p onclick=\"alert('<test>')\">b</p>c", "abc"),
            ("a<p a >b</p>c", "abc"),
            ("d<a:b c:d>e</p>f", "def"),
            (
                "<strong>foo</strong><a href=\"http://example.com\">bar</a>",
                "foobar",
            ),
            ("&gotcha&#;<>", "&gotcha&#;<>"),
            ("<sc<!-- -->ript>test<<!-- -->/script>", "ript>test"),
            (&long_entities, &long_entities),
            ("X<<<<br>br>br>br>X", "XX"),
            (&nested, ""),
            (&open_tags, &open_tags),
            (&almost_long, &almost_long),
            (&long_name, &long_name),
        ];
        for (value, expected) in cases {
            assert_eq!(strip_tags(value), *expected, "{value:?}");
        }
    }

    #[test]
    fn quotes_and_comments() {
        assert_eq!(strip_tags("<a title='>'>x</a>"), "x");
        assert_eq!(strip_tags("<a title=\"'\">x</a>"), "x");
        // An unclosed quote hides every later `>`: the tag is text up to the next `>`.
        assert_eq!(strip_tags("<a title=\"x>y"), "<a title=\"x>y");
        assert_eq!(strip_tags("a<!-- b -->c"), "ac");
        assert_eq!(strip_tags("<!-- a --><!-- b"), "<!-- b");
    }

    /// Each `<a` is an unterminated tag whose scan would run to the end of the input: a pass
    /// that rescans costs 200 000 × 400 000 / 2 = 4·10¹⁰ steps, this one about 10⁶. The bound is
    /// generous: only a quadratic pass comes near it (the figures are in `benches/strip_tags.rs`).
    #[test]
    fn hostile_input_is_linear() {
        let hostile = [
            format!(">{}a", "<a".repeat(200_000)),
            format!(">{}", "<a \"".repeat(200_000)),
            format!(">{}", "<a '\"".repeat(200_000)),
            format!(">{}", "<!--".repeat(200_000)),
        ];
        for input in hostile {
            let (done, finished) = std::sync::mpsc::channel();
            let value = input.clone();
            std::thread::spawn(move || done.send(strip_tags(&value)));
            let limit = std::time::Duration::from_secs(60);
            match finished.recv_timeout(limit) {
                Ok(output) => assert_eq!(output, input, "{}…", &input[..20]),
                Err(_) => panic!("strip_tags took over 60 s on {}…", &input[..20]),
            }
        }
    }
}
