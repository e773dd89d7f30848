//! Django's `Paginator`: splits a count of rows into pages and reads `?page=` forgivingly.
//!
//! ```
//! use pony::paginator::Paginator;
//!
//! let paginator = Paginator::new(23, 10);
//! assert_eq!(paginator.num_pages(), 3);
//! let page = paginator.get_page(Some("2"));
//! assert_eq!((page.number, page.offset(), page.limit()), (2, 10, 10));
//! assert!(page.has_previous && page.has_next);
//! // Like Django's `get_page`: garbage is page 1, too far is the last page.
//! assert_eq!(paginator.get_page(Some("x")).number, 1);
//! assert_eq!(paginator.get_page(Some("99")).number, 3);
//! ```

use serde::Serialize;

/// Pages of `per_page` over `count` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paginator {
    count: u64,
    per_page: u64,
}

/// One page; serialises for templates with Django's names (`page.number`,
/// `page.has_next`, `page.next_page_number`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u64,
    /// How many pages there are (at least 1, as in Django).
    pub num_pages: u64,
    /// How many rows in all.
    pub count: u64,
    /// Whether a page comes before this one.
    pub has_previous: bool,
    /// Whether a page comes after this one.
    pub has_next: bool,
    /// The previous page's number (this page's, on the first).
    pub previous_page_number: u64,
    /// The next page's number (this page's, on the last).
    pub next_page_number: u64,
    /// Rows per page.
    pub per_page: u64,
}

impl Paginator {
    /// A paginator over `count` rows, `per_page` to a page (0 is treated as 1).
    pub fn new(count: u64, per_page: u64) -> Self {
        Paginator {
            count,
            per_page: per_page.max(1),
        }
    }

    /// How many pages (an empty list still has one, empty, page).
    pub fn num_pages(&self) -> u64 {
        self.count.div_ceil(self.per_page).max(1)
    }

    /// Django's `get_page`: the page for a `?page=` value, page 1 when it is missing or not a
    /// number, the last page when it is past the end.
    pub fn get_page(&self, number: Option<&str>) -> Page {
        let requested = number.and_then(|n| n.trim().parse::<u64>().ok()).unwrap_or(1);
        self.page(requested.clamp(1, self.num_pages()))
    }

    fn page(&self, number: u64) -> Page {
        let num_pages = self.num_pages();
        Page {
            number,
            num_pages,
            count: self.count,
            has_previous: number > 1,
            has_next: number < num_pages,
            previous_page_number: number.saturating_sub(1).max(1),
            next_page_number: (number + 1).min(num_pages),
            per_page: self.per_page,
        }
    }
}

impl Page {
    /// Rows to skip: `.offset(page.offset())` on a diesel query.
    pub fn offset(&self) -> i64 {
        i64::try_from((self.number - 1) * self.per_page).unwrap_or(i64::MAX)
    }

    /// Rows to take: `.limit(page.limit())`.
    pub fn limit(&self) -> i64 {
        i64::try_from(self.per_page).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_have_one_page() {
        let page = Paginator::new(0, 10).get_page(None);
        assert_eq!((page.number, page.num_pages), (1, 1));
        assert!(!page.has_previous && !page.has_next);
    }

    #[test]
    fn bounds() {
        let paginator = Paginator::new(30, 10);
        assert_eq!(paginator.num_pages(), 3);
        let last = paginator.get_page(Some("3"));
        assert_eq!((last.offset(), last.has_next, last.previous_page_number), (20, false, 2));
        assert_eq!(paginator.get_page(Some("0")).number, 1);
        assert_eq!(paginator.get_page(Some("-1")).number, 1);
        assert_eq!(paginator.get_page(Some("18446744073709551616")).number, 1);
    }
}
