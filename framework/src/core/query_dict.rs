//! Django's `QueryDict`: `request.query()` (`request.GET`), `request.post()` (`request.POST`)
//! and the data a form is bound to.

/// Form or query parameters in the order sent, a name possibly repeated.
///
/// A value that was not UTF-8 reads with U+FFFD in its place, as in Django, and is marked, so
/// that a form field can refuse it instead of storing replacement characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryDict {
    pairs: Vec<(String, String)>,
    /// Indexes in `pairs` of values that were not UTF-8 (usually none).
    undecodable: Vec<usize>,
}

impl QueryDict {
    /// Parses `a=1&b=2`, with no limit on the number of fields (requests are parsed with
    /// `DATA_UPLOAD_MAX_NUMBER_FIELDS`).
    ///
    /// ```
    /// let q = pony::http::QueryDict::parse(b"tag=a&tag=b&q=x+y");
    /// assert_eq!(q.get("q"), Some("x y"));
    /// assert_eq!(q.get("tag"), Some("b"));
    /// assert_eq!(q.get_list("tag"), ["a", "b"]);
    /// ```
    pub fn parse(input: &[u8]) -> Self {
        super::body::parse_urlencoded_unlimited(input)
    }

    /// Parameters from name/value pairs.
    ///
    /// ```
    /// let data = pony::http::QueryDict::from_pairs([("q", "a"), ("q", "b")]);
    /// assert_eq!(data.get("q"), Some("b"));
    /// ```
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        QueryDict {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            undecodable: Vec::new(),
        }
    }

    /// Adds a parameter; `Err` holds a value's bytes that are not UTF-8.
    pub(crate) fn push(&mut self, name: String, value: Result<String, Vec<u8>>) {
        let value = value.unwrap_or_else(|bytes| {
            self.undecodable.push(self.pairs.len());
            String::from_utf8_lossy(&bytes).into_owned()
        });
        self.pairs.push((name, value));
    }

    /// The index of the last value for `key`.
    fn last(&self, key: &str) -> Option<usize> {
        self.pairs.iter().rposition(|(k, _)| k == key)
    }

    /// The last value for `key`, like Django's `QueryDict.get`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.last(key).map(|index| self.pairs[index].1.as_str())
    }

    /// Every value for `key`, like Django's `getlist`.
    pub fn get_list(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether the last value for `key` was sent as bytes that are not UTF-8 text.
    ///
    /// ```
    /// let q = pony::http::QueryDict::parse(b"name=%FF&ok=1");
    /// assert!(q.is_undecodable("name") && !q.is_undecodable("ok"));
    /// ```
    pub fn is_undecodable(&self, key: &str) -> bool {
        self.last(key)
            .is_some_and(|index| self.undecodable.contains(&index))
    }

    /// Every name and value in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// All pairs in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// How many parameters there are (a repeated name counts each time).
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}
