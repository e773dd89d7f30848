//! Django's `QueryDict`.

/// Django's `QueryDict`: form or query parameters, a key possibly repeated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryDict {
    pairs: Vec<(String, String)>,
}

impl QueryDict {
    /// Parses `a=1&b=2` (invalid UTF-8 is replaced, never an error).
    ///
    /// ```
    /// let q = pony::http::QueryDict::parse(b"tag=a&tag=b&q=x+y");
    /// assert_eq!(q.get("q"), Some("x y"));
    /// assert_eq!(q.get("tag"), Some("b"));
    /// assert_eq!(q.get_list("tag"), ["a", "b"]);
    /// ```
    pub fn parse(input: &[u8]) -> Self {
        QueryDict {
            pairs: form_urlencoded::parse(input).into_owned().collect(),
        }
    }

    /// The last value for `key`, like Django's `QueryDict.get`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value for `key`, like Django's `getlist`.
    pub fn get_list(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// All pairs in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}
