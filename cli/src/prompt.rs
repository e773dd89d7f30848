//! Answers typed at the terminal: a visible line (Python's `input()`) and a password that is not
//! echoed (Python's `getpass.getpass()`), both cancellable with Ctrl-C.
//!
//! When standard input is not a terminal (a pipe in tests or scripts), both read plain lines
//! from it, so the commands can be driven without a terminal.
#![allow(unsafe_code)] // termios(3) and sigaction(2), which std does not wrap

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why no answer was read.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Ctrl-C (Python's `KeyboardInterrupt`).
    Interrupted,
    /// The input ended (Ctrl-D, or a pipe with no more lines).
    EndOfInput,
    /// Reading failed.
    Failed(io::Error),
}

/// Shows `prompt` on standard output and reads one line from standard input, without its line
/// ending.
pub(crate) fn input(prompt: &str) -> Result<String, Stop> {
    let mut stdout = io::stdout();
    let _ = stdout.write_all(prompt.as_bytes());
    let _ = stdout.flush();
    read_line(&mut io::stdin().lock())
}

/// Shows `prompt` and reads a password. At a terminal the typing is not echoed (the prompt and
/// the answer go through `/dev/tty`, as Python's `getpass`); otherwise this is [`input`].
///
/// Security: the answer is never printed, and the terminal's echo is restored before returning,
/// whatever happens (an error, or Ctrl-C, which is caught while the prompt waits).
pub(crate) fn password(prompt: &str) -> Result<String, Stop> {
    if !io::stdin().is_terminal() {
        return input(prompt);
    }
    let tty = File::options().read(true).write(true).open("/dev/tty").ok();
    let Some((tty, echo_off)) = tty
        .as_ref()
        .and_then(|tty| Some((tty, EchoOff::new(tty).ok()?)))
    else {
        // As Python's getpass when it cannot control the terminal.
        eprintln!("Warning: Password input may be echoed.");
        return input(prompt);
    };
    let mut writer = tty;
    let _ = writer.write_all(prompt.as_bytes());
    let answer = read_line(&mut &*tty);
    drop(echo_off);
    // The Enter that ended the answer was not echoed either.
    let _ = writer.write_all(b"\n");
    answer
}

/// Reads up to a newline, one byte at a time so nothing past the line is consumed from a
/// shared reader, and so that Ctrl-C interrupts the wait.
fn read_line(reader: &mut impl Read) -> Result<String, Stop> {
    let _sigint = SigintCatcher::install();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match reader.read(&mut byte) {
            Ok(0) if line.is_empty() => return Err(Stop::EndOfInput),
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => line.push(byte[0]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {
                if INTERRUPTED.swap(false, Ordering::SeqCst) {
                    return Err(Stop::Interrupted);
                }
            }
            Err(error) => return Err(Stop::Failed(error)),
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| {
        Stop::Failed(io::Error::new(
            io::ErrorKind::InvalidData,
            "the answer is not valid UTF-8",
        ))
    })
}

/// Set by the SIGINT handler while a prompt waits.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn note_interrupt(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Catches SIGINT while alive (without `SA_RESTART`, so a waiting `read` returns `EINTR`), then
/// puts the previous disposition back.
struct SigintCatcher {
    previous: Option<libc::sigaction>,
}

impl SigintCatcher {
    fn install() -> SigintCatcher {
        INTERRUPTED.store(false, Ordering::SeqCst);
        // SAFETY: the structs are zero-initialised plain C data, filled in before use; the
        // handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = note_interrupt as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = 0;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            let installed = libc::sigaction(libc::SIGINT, &action, &mut previous) == 0;
            SigintCatcher {
                previous: installed.then_some(previous),
            }
        }
    }
}

impl Drop for SigintCatcher {
    fn drop(&mut self) {
        if let Some(previous) = &self.previous {
            // SAFETY: `previous` is what sigaction(2) returned for SIGINT.
            unsafe {
                libc::sigaction(libc::SIGINT, previous, std::ptr::null_mut());
            }
        }
    }
}

/// The terminal with echo turned off while alive; the previous settings come back on drop.
struct EchoOff<'a> {
    tty: &'a File,
    previous: libc::termios,
}

impl<'a> EchoOff<'a> {
    fn new(tty: &'a File) -> io::Result<EchoOff<'a>> {
        let fd = tty.as_raw_fd();
        // SAFETY: `fd` is an open terminal for the lifetime of `tty`; termios is plain C data
        // that tcgetattr(3) fills in completely before it is read.
        unsafe {
            let mut previous: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut previous) != 0 {
                return Err(io::Error::last_os_error());
            }
            let mut quiet = previous;
            quiet.c_lflag &= !libc::ECHO;
            if libc::tcsetattr(fd, libc::TCSAFLUSH, &quiet) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(EchoOff { tty, previous })
        }
    }
}

impl Drop for EchoOff<'_> {
    fn drop(&mut self) {
        // SAFETY: restores the settings tcgetattr(3) returned for this same open terminal.
        unsafe {
            libc::tcsetattr(self.tty.as_raw_fd(), libc::TCSAFLUSH, &self.previous);
        }
    }
}

impl std::fmt::Debug for EchoOff<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EchoOff").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for SigintCatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigintCatcher").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Result<String, String>> {
        let mut reader = io::Cursor::new(text.as_bytes().to_vec());
        let mut answers = Vec::new();
        loop {
            match read_line(&mut reader) {
                Ok(line) => answers.push(Ok(line)),
                Err(Stop::EndOfInput) => return answers,
                Err(other) => answers.push(Err(format!("{other:?}"))),
            }
        }
    }

    #[test]
    fn lines_keep_spaces_and_lose_only_their_ending() {
        assert_eq!(
            lines(" pass word \nsecond\r\n\nlast"),
            [
                Ok(" pass word ".to_string()),
                Ok("second".to_string()),
                Ok(String::new()),
                Ok("last".to_string()),
            ]
        );
        assert!(lines("").is_empty());
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let mut reader = io::Cursor::new(vec![0xff, b'\n']);
        assert!(matches!(read_line(&mut reader), Err(Stop::Failed(_))));
    }
}
