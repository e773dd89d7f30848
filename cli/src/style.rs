//! Django's terminal colours (`SUCCESS`, `ERROR`, `WARNING`, `NOTICE`, headings), off when the
//! stream is not a terminal or `NO_COLOR` is set.

use std::io::IsTerminal;

/// A role in command output, coloured like Django's default palette.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Style {
    Success,
    Error,
    Warning,
    Notice,
    Heading,
    Label,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Success => "\x1b[32;1m",
            Style::Error => "\x1b[31;1m",
            Style::Warning => "\x1b[33;1m",
            Style::Notice => "\x1b[31m",
            Style::Heading => "\x1b[36;1m",
            Style::Label => "\x1b[1m",
        }
    }

    /// `text` in this style, for standard output.
    pub(crate) fn out(self, text: &str) -> String {
        self.paint(text, std::io::stdout().is_terminal())
    }

    /// `text` in this style, for standard error.
    pub(crate) fn err(self, text: &str) -> String {
        self.paint(text, std::io::stderr().is_terminal())
    }

    fn paint(self, text: &str, terminal: bool) -> String {
        if terminal && std::env::var_os("NO_COLOR").is_none() {
            format!("{}{text}\x1b[0m", self.code())
        } else {
            text.to_owned()
        }
    }
}
