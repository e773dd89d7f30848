//! The listening socket, and how the reloader hands it from one server process to the next.
//!
//! `runserver` with autoreload binds the port once, in the supervising process, and passes the
//! socket to each server process as file descriptor 3 (`PONY_LISTEN_FD=3`), with a pipe on
//! descriptor 4 (`PONY_READY_FD=4`) on which the server reports that it is ready. The socket
//! never closes while the supervisor lives, so a browser never sees "connection refused":
//! connections made during a restart wait in the kernel's backlog for the next process.
#![allow(unsafe_code)]

use std::io::Write;
use std::net::TcpListener;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::process::Command;

const LISTEN_FD: RawFd = 3;
const READY_FD: RawFd = 4;
const LISTEN_ENV: &str = "PONY_LISTEN_FD";
const READY_ENV: &str = "PONY_READY_FD";

/// The socket this process was handed by a supervisor, if any.
pub(crate) fn inherited() -> Option<TcpListener> {
    let fd: RawFd = std::env::var(LISTEN_ENV).ok()?.parse().ok()?;
    if fd != LISTEN_FD {
        return None;
    }
    // SAFETY: the supervisor put a listening TCP socket on this descriptor (see `pass_to`), and
    // nothing else in this process owns it; the environment variable is removed so that it is
    // adopted exactly once.
    let listener = unsafe { TcpListener::from_raw_fd(fd) };
    // SAFETY: single-threaded at this point (called before the runtime starts).
    unsafe { std::env::remove_var(LISTEN_ENV) };
    Some(listener)
}

/// Tells the supervisor, if there is one, that this server is accepting connections.
pub(crate) fn notify_ready() {
    let Some(fd) = std::env::var(READY_ENV)
        .ok()
        .and_then(|v| v.parse::<RawFd>().ok())
    else {
        return;
    };
    if fd != READY_FD {
        return;
    }
    // SAFETY: the supervisor put the write end of a pipe on this descriptor; it is owned here
    // and closed when the file is dropped.
    let mut pipe = unsafe { std::fs::File::from_raw_fd(fd) };
    let _ = pipe.write_all(b"1");
}

/// Makes `command` start with `listener` on descriptor 3 and `ready` on descriptor 4.
pub(crate) fn pass_to(command: &mut Command, listener: &TcpListener, ready: &std::io::PipeWriter) {
    use std::os::unix::process::CommandExt;
    let listen_fd = listener.as_raw_fd();
    let ready_fd = ready.as_raw_fd();
    command
        .env(LISTEN_ENV, LISTEN_FD.to_string())
        .env(READY_ENV, READY_FD.to_string());
    // SAFETY: only async-signal-safe calls (fcntl, dup2, close) run between fork and exec.
    // Both descriptors are first copied above 10 so that placing one on 3 or 4 cannot clobber
    // the other; dup2's copies do not carry close-on-exec, so they survive the exec.
    unsafe {
        command.pre_exec(move || {
            let listen = libc::fcntl(listen_fd, libc::F_DUPFD, 10);
            let ready = libc::fcntl(ready_fd, libc::F_DUPFD, 10);
            if listen < 0 || ready < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::dup2(listen, LISTEN_FD) < 0 || libc::dup2(ready, READY_FD) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(listen);
            libc::close(ready);
            Ok(())
        });
    }
}

/// Asks a process to stop gracefully (SIGTERM), as `serve` expects.
pub(crate) fn terminate(child: &std::process::Child) {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else {
        return;
    };
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
}
