//! `createsuperuser` and `changepassword` as a user runs them: the example project's binary on a
//! fresh SQLite database, answers typed on standard input (a pipe, so read as plain lines).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::io::Write;
use std::process::{Command, Stdio};

use pony::auth::User;
use pony_tests::{run, workspace_bin};

const INVALID_USERNAME: &str = "Enter a valid username. This value may contain only letters, \
                                numbers, and @/./+/-/_ characters.";

/// The example project on its own migrated database.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().unwrap(),
        };
        let (code, out, err) = run(&mut site.command(&["migrate"]));
        assert_eq!(code, 0, "{out}{err}");
        site
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}", self.dir.path().join("db.sqlite3").display())
    }

    /// The project's binary with `args`, its environment under the test's control: the
    /// operating-system user is not a valid username (so no default is offered) unless a test says
    /// otherwise.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(workspace_bin("example_project"));
        command
            .args(args)
            .env("DATABASE_URL", self.database_url())
            .env("LOGNAME", "not a user!")
            .env("USER", "not a user!")
            .env("NO_COLOR", "1")
            .env_remove("PONY_SUPERUSER_USERNAME")
            .env_remove("PONY_SUPERUSER_EMAIL")
            .env_remove("PONY_SUPERUSER_PASSWORD");
        command
    }

    /// Runs `command` with `answers` on its standard input; (exit code, stdout, stderr).
    fn answer(&self, command: &mut Command, answers: &str) -> (i32, String, String) {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command that stops early closes its end: that is not the test's failure.
        let _ = child.stdin.take().unwrap().write_all(answers.as_bytes());
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    fn createsuperuser(&self, answers: &str) -> (i32, String, String) {
        self.answer(&mut self.command(&["createsuperuser"]), answers)
    }

    /// `createsuperuser --noinput` with these `PONY_SUPERUSER_*` variables.
    fn noinput(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let mut command = self.command(&[&["createsuperuser", "--noinput"], args].concat());
        for (name, value) in env {
            command.env(name, value);
        }
        run(&mut command)
    }

    fn user(&self, username: &str) -> Option<User> {
        let url = pony::db::DatabaseUrl::parse(&self.database_url(), self.dir.path()).unwrap();
        let mut conn = pony::db::connection::establish(&url).unwrap();
        User::by_username(&mut conn, username).unwrap()
    }

    /// A superuser made with `--noinput`.
    fn add_superuser(&self, username: &str, password: &str) {
        let (code, out, err) = self.noinput(
            &["--username", username, "--email", ""],
            &[("PONY_SUPERUSER_PASSWORD", password)],
        );
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, "Superuser created successfully.\n", "")
        );
    }
}

/// No secret ever reaches the output.
fn assert_secret_kept(secrets: &[&str], out: &str, err: &str) {
    for secret in secrets {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{secret:?} was shown:\n{out}{err}"
        );
    }
}

#[test]
fn createsuperuser_asks_with_the_system_user_as_default() {
    let site = Site::new();
    let mut command = site.command(&["createsuperuser"]);
    command.env("LOGNAME", "Zoë Admin");
    let (code, out, err) = site.answer(
        &mut command,
        "\nzoe@Example.COM\nS3cure-horse-42\nS3cure-horse-42\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "Username (leave blank to use 'zoeadmin'): Email address: Password: Password (again): \
         Superuser created successfully.\n"
    );
    assert_eq!(err, "");
    assert_secret_kept(&["S3cure-horse-42"], &out, &err);

    let user = site.user("zoeadmin").unwrap();
    assert!(user.is_staff && user.is_superuser && user.is_active);
    assert_eq!(user.email, "zoe@example.com");
    assert!(
        user.password.starts_with("argon2$argon2id$"),
        "{}",
        user.password
    );
    assert!(user.check_password("S3cure-horse-42"));

    // Now that the name is taken, it is no longer offered.
    let mut command = site.command(&["createsuperuser"]);
    command.env("LOGNAME", "zoeadmin");
    let (code, out, _) = site.answer(&mut command, "");
    assert_eq!(code, 1);
    assert_eq!(out, "Username: ");
}

#[test]
fn createsuperuser_refuses_taken_and_invalid_usernames() {
    let site = Site::new();
    site.add_superuser("alice", "S3cure-horse-42");
    let (code, out, err) = site.createsuperuser(
        "ALICE\nalice\nbad user!\n\nbob\nnot-an-email\n\nS3cure-horse-42\nS3cure-horse-42\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        err,
        format!(
            "Error: That username is already taken.\nError: That username is already taken.\n\
             Error: {INVALID_USERNAME}\nError: This field cannot be blank.\n\
             Error: Enter a valid email address.\n"
        )
    );
    assert_eq!(
        out,
        "Username: Username: Username: Username: Username: Email address: Email address: \
         Password: Password (again): Superuser created successfully.\n"
    );
    let bob = site.user("bob").unwrap();
    assert_eq!(bob.email, "");
    assert!(site.user("ALICE").is_none());

    // A taken or invalid --username is reported, then asked for.
    let mut command = site.command(&["createsuperuser", "--username", "alice", "--email", ""]);
    let (code, out, err) = site.answer(&mut command, "carol\nS3cure-horse-42\nS3cure-horse-42\n");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(err, "Error: That username is already taken.\n");
    assert!(site.user("carol").is_some());
    let mut command = site.command(&["createsuperuser", "--username", "no way"]);
    let (code, _, err) = site.answer(&mut command, "");
    assert_eq!(code, 1);
    assert!(err.starts_with(&format!("{INVALID_USERNAME}\n")), "{err}");
}

#[test]
fn createsuperuser_asks_again_for_mismatched_or_blank_passwords() {
    let site = Site::new();
    let (code, out, err) = site.createsuperuser(
        "carol\n\nfirst-Secret-1\nsecond-Secret-2\n   \n   \nS3cure-horse-42\nS3cure-horse-42\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        err,
        "Error: Your passwords didn't match.\nError: Blank passwords aren't allowed.\n"
    );
    assert_eq!(out.matches("Password (again): ").count(), 3, "{out}");
    assert_secret_kept(
        &["first-Secret-1", "second-Secret-2", "S3cure-horse-42"],
        &out,
        &err,
    );
    assert!(
        site.user("carol")
            .unwrap()
            .check_password("S3cure-horse-42")
    );
}

#[test]
fn createsuperuser_validator_failures_can_be_bypassed() {
    let site = Site::new();
    let (code, out, err) =
        site.createsuperuser("dave\ndave@example.com\n1234\n1234\nn\ndave12\ndave12\nY\n");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        err,
        "This password is too short. It must contain at least 8 characters.\n\
         This password is too common.\nThis password is entirely numeric.\n\
         The password is too similar to the username.\n\
         This password is too short. It must contain at least 8 characters.\n"
    );
    assert_eq!(
        out.matches("Bypass password validation and create user anyway? [y/N]: ")
            .count(),
        2,
        "{out}"
    );
    assert!(out.ends_with("Superuser created successfully.\n"), "{out}");
    let dave = site.user("dave").unwrap();
    assert!(dave.check_password("dave12") && !dave.check_password("1234"));
}

#[test]
fn createsuperuser_stops_when_the_input_ends() {
    let site = Site::new();
    let (code, out, err) = site.createsuperuser("erin\nerin@example.com\nS3cure-horse-42\n");
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(err, "\nOperation cancelled.\n");
    assert!(site.user("erin").is_none());
}

#[test]
fn createsuperuser_noinput_reads_the_environment() {
    let site = Site::new();
    let env = [
        ("PONY_SUPERUSER_USERNAME", "erin"),
        ("PONY_SUPERUSER_EMAIL", "erin@EXAMPLE.com"),
        ("PONY_SUPERUSER_PASSWORD", "S3cure-horse-42"),
    ];
    let (code, out, err) = site.noinput(&[], &env);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "Superuser created successfully.\n", "")
    );
    let erin = site.user("erin").unwrap();
    assert!(erin.is_staff && erin.is_superuser);
    assert_eq!(erin.email, "erin@example.com");
    assert!(erin.check_password("S3cure-horse-42"));

    let (code, _, err) = site.noinput(&[], &env);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "CommandError: Error: That username is already taken.\n"
    );
    let (code, _, err) = site.noinput(&["--username", "ERIN", "--email", ""], &[]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "CommandError: Error: That username is already taken.\n"
    );

    let (code, _, err) = site.noinput(&["--email", "x@example.com"], &[]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "CommandError: You must use --username with --noinput (or set PONY_SUPERUSER_USERNAME).\n"
    );
    let (code, _, err) = site.noinput(&["--username", "frank"], &[]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "CommandError: You must use --email with --noinput (or set PONY_SUPERUSER_EMAIL).\n"
    );
    let (code, _, err) = site.noinput(&["--username", "frank!", "--email", ""], &[]);
    assert_eq!(code, 1);
    assert_eq!(err, format!("CommandError: {INVALID_USERNAME}\n"));
    let (code, _, err) = site.noinput(&["--username", "frank", "--email", "nope"], &[]);
    assert_eq!(code, 1);
    assert_eq!(err, "CommandError: Enter a valid email address.\n");
    assert!(site.user("frank").is_none());

    // Without a password variable the password is unusable, as in Django.
    let (code, out, err) = site.noinput(&["--username", "frank", "--email", ""], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let frank = site.user("frank").unwrap();
    assert!(!frank.has_usable_password() && frank.password.starts_with('!'));
}

#[test]
fn changepassword_sets_the_password() {
    let site = Site::new();
    site.add_superuser("alice", "Old-horse-42");
    let mut command = site.command(&["changepassword", "alice"]);
    let (code, out, err) = site.answer(
        &mut command,
        "Wrong-horse-1\nWrong-horse-2\nNew-horse-77\nNew-horse-77\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "Changing password for user 'alice'\nPassword: Password (again): \
         Passwords do not match. Please try again.\nPassword: Password (again): \
         Password changed successfully for user 'alice'\n"
    );
    assert_eq!(err, "");
    assert_secret_kept(
        &["Wrong-horse-1", "Wrong-horse-2", "New-horse-77"],
        &out,
        &err,
    );
    let alice = site.user("alice").unwrap();
    assert!(alice.check_password("New-horse-77") && !alice.check_password("Old-horse-42"));
    assert!(alice.password.starts_with("argon2$argon2id$"));

    // Without a username, the operating system's user.
    let mut command = site.command(&["changepassword"]);
    command.env("LOGNAME", "alice");
    let (code, out, err) = site.answer(&mut command, "Third-horse-3\nThird-horse-3\n");
    assert_eq!(code, 0, "{out}{err}");
    assert!(site.user("alice").unwrap().check_password("Third-horse-3"));
}

#[test]
fn changepassword_gives_up_after_three_attempts() {
    let site = Site::new();
    site.add_superuser("alice", "Old-horse-42");
    let mut command = site.command(&["changepassword", "alice"]);
    let (code, out, err) = site.answer(
        &mut command,
        "One-horse-1\nTwo-horse-2\n12345678\n12345678\nalicex\nalicex\nNew-horse-77\nNew-horse-77\n",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out,
        "Changing password for user 'alice'\nPassword: Password (again): \
         Passwords do not match. Please try again.\nPassword: Password (again): \
         Password: Password (again): "
    );
    assert_eq!(
        err,
        "This password is too common.\nThis password is entirely numeric.\n\
         The password is too similar to the username.\n\
         This password is too short. It must contain at least 8 characters.\n\
         CommandError: Aborting password change for user 'alice' after 3 attempts\n"
    );
    assert!(site.user("alice").unwrap().check_password("Old-horse-42"));

    // An empty password aborts at once.
    let mut command = site.command(&["changepassword", "alice"]);
    let (code, _, err) = site.answer(&mut command, "\n");
    assert_eq!((code, err.as_str()), (1, "CommandError: aborted\n"));
}

#[test]
fn changepassword_of_an_unknown_user() {
    let site = Site::new();
    let (code, out, err) = run(&mut site.command(&["changepassword", "bob"]));
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out, "");
    assert_eq!(err, "CommandError: user 'bob' does not exist\n");
}

/// The commands at a real terminal (a pseudo-terminal): passwords are not echoed, Ctrl-C
/// cancels, and the terminal's echo is back afterwards.
mod terminal {
    #![allow(unsafe_code)] // posix_openpt(3) and setsid(2), which std does not wrap

    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::process::CommandExt;
    use std::process::Child;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::Site;

    /// A command running with a pseudo-terminal as its controlling terminal and standard
    /// streams.
    struct Terminal {
        child: Child,
        master: File,
        slave: File,
        screen: Arc<Mutex<String>>,
        seen: usize,
    }

    impl Terminal {
        fn spawn(mut command: std::process::Command) -> Terminal {
            // SAFETY: plain calls on a descriptor this test owns; ptsname_r fills a local buffer.
            let (master, slave) = unsafe {
                let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
                assert!(master >= 0, "no pseudo-terminal");
                assert_eq!(libc::grantpt(master), 0);
                assert_eq!(libc::unlockpt(master), 0);
                let mut name = [0 as libc::c_char; 128];
                assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
                let path = std::ffi::CStr::from_ptr(name.as_ptr())
                    .to_str()
                    .unwrap()
                    .to_owned();
                let slave = File::options().read(true).write(true).open(path).unwrap();
                (File::from_raw_fd(master), slave)
            };
            command
                .stdin(slave.try_clone().unwrap())
                .stdout(slave.try_clone().unwrap())
                .stderr(slave.try_clone().unwrap());
            // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
            // controlling terminal is the pseudo-terminal on standard input.
            unsafe {
                command.pre_exec(|| {
                    if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
            let child = command.spawn().unwrap();
            let screen = Arc::new(Mutex::new(String::new()));
            let mut reader = master.try_clone().unwrap();
            let sink = screen.clone();
            std::thread::spawn(move || {
                let mut buffer = [0u8; 1024];
                while let Ok(n @ 1..) = reader.read(&mut buffer) {
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buffer[..n]));
                }
            });
            Terminal {
                child,
                master,
                slave,
                screen,
                seen: 0,
            }
        }

        fn screen(&self) -> String {
            self.screen.lock().unwrap().clone()
        }

        /// Waits until `text` appears after what was already expected.
        fn expect(&mut self, text: &str) {
            let start = Instant::now();
            loop {
                let screen = self.screen();
                if let Some(at) = screen[self.seen..].find(text) {
                    self.seen += at + text.len();
                    return;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(60),
                    "{text:?} never appeared:\n{screen}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        fn type_line(&mut self, text: &str) {
            self.master.write_all(text.as_bytes()).unwrap();
            self.master.write_all(b"\n").unwrap();
        }

        fn echo_is_on(&self) -> bool {
            // SAFETY: termios is plain data that tcgetattr fills in before it is read.
            unsafe {
                let mut settings: libc::termios = std::mem::zeroed();
                assert_eq!(libc::tcgetattr(self.slave.as_raw_fd(), &mut settings), 0);
                settings.c_lflag & libc::ECHO != 0
            }
        }

        fn exit_code(mut self) -> i32 {
            self.child.wait().unwrap().code().unwrap_or(-1)
        }
    }

    #[test]
    fn passwords_are_not_echoed_and_ctrl_c_cancels() {
        let site = Site::new();
        let mut terminal = Terminal::spawn(site.command(&["createsuperuser"]));
        terminal.expect("Username: ");
        terminal.type_line("grace");
        terminal.expect("Email address: ");
        terminal.type_line("grace@example.com");
        terminal.expect("Password: ");
        terminal.type_line("Secret-Horse-99");
        terminal.expect("Password (again): ");
        terminal.type_line("Secret-Horse-99");
        terminal.expect("Superuser created successfully.");
        let screen = terminal.screen();
        assert!(screen.contains("grace@example.com"), "{screen}");
        assert!(!screen.contains("Secret-Horse-99"), "{screen}");
        assert!(terminal.echo_is_on());
        assert_eq!(terminal.exit_code(), 0);
        assert!(
            site.user("grace")
                .unwrap()
                .check_password("Secret-Horse-99")
        );

        let mut terminal = Terminal::spawn(site.command(&["changepassword", "grace"]));
        terminal.expect("Password: ");
        assert!(!terminal.echo_is_on());
        terminal.master.write_all(b"\x03").unwrap(); // Ctrl-C
        terminal.expect("Operation cancelled.");
        assert!(terminal.echo_is_on());
        assert_eq!(terminal.exit_code(), 1);
        assert!(
            site.user("grace")
                .unwrap()
                .check_password("Secret-Horse-99")
        );
    }
}
