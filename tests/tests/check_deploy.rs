//! `manage check --deploy` as a subprocess: Django's deployment warnings, in Django's order.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::process::Command;

use pony_tests::run;

const TESTSITE: &str = env!("CARGO_BIN_EXE_testsite");

#[test]
fn a_development_site_gets_djangos_deployment_warnings() {
    let (code, stdout, stderr) = run(Command::new(TESTSITE)
        .args(["check", "--deploy"])
        .env("DEBUG", "1")
        .env("NO_COLOR", "1"));
    assert_eq!(code, 0, "{stderr}");
    let expected = "\
System check identified some issues:

WARNINGS:
?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems.
?: (security.W008) Your SECURE_SSL_REDIRECT setting is not set to true. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting true or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.
?: (security.W009) Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it's the key pony generated automatically for development (.secret_key), or it's missing. Please generate a long and random value, otherwise many of pony's security-critical features will be vulnerable to attack.
?: (security.W012) SESSION_COOKIE_SECURE is not set to true. Using a secure-only session cookie makes it more difficult for network traffic sniffers to hijack user sessions.
?: (security.W016) You have pony's CSRF protection on, but you have not set CSRF_COOKIE_SECURE to true. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.
?: (security.W018) You should not have DEBUG set to true in deployment.
?: (security.W020) ALLOWED_HOSTS must not be empty in deployment.

System check identified 7 issues (0 silenced).
";
    assert_eq!(stdout, expected);
    // Without --deploy, none of them.
    let (code, stdout, _) = run(Command::new(TESTSITE).arg("check").env("DEBUG", "1"));
    assert_eq!(
        (code, stdout.trim()),
        (0, "System check identified no issues (0 silenced).")
    );
}

#[test]
fn a_hardened_site_passes_and_each_weakness_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("site");
    pony_tests::testsite_copy(
        &base,
        "SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = true\n\
         SECURE_HSTS_PRELOAD = true\nSECURE_SSL_REDIRECT = true\nCSRF_COOKIE_SECURE = true\n",
    );
    let check = |extra_env: &[(&str, &str)]| {
        run(Command::new(TESTSITE)
            .args(["check", "--deploy"])
            .env("PONY_BASE_DIR", &base)
            .env("DEBUG", "0")
            .env("ALLOWED_HOSTS", "example.com")
            .env(
                "SECRET_KEY",
                "k8#Qz!v2@Lm9$Wp4%Rt7^Yx1&Bn6*Hc3(Jd5)Fg0-Su8+Ae2=Oi",
            )
            .env("SESSION_COOKIE_SECURE", "1")
            .env("NO_COLOR", "1")
            .envs(extra_env.iter().copied()))
    };
    let (code, stdout, stderr) = check(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "System check identified no issues (0 silenced)."
    );

    let (code, stdout, _) = check(&[("SESSION_COOKIE_SECURE", "0"), ("SECRET_KEY", "short")]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("?: ("))
        .filter_map(|line| line.split(')').next())
        .collect();
    assert_eq!(ids, ["security.W009", "security.W012"], "{stdout}");
    assert!(stdout.ends_with("System check identified 2 issues (0 silenced).\n"));

    let file = base.join("settings.toml");
    let toml = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{toml}X_FRAME_OPTIONS = 'SAMEORIGIN'\n")).unwrap();
    let (_, stdout, _) = check(&[]);
    assert!(
        stdout.contains(
            "?: (security.W019) X_FRAME_OPTIONS is not set to 'DENY'. Unless there is a good \
             reason for your site to serve other parts of itself in a frame, you should change \
             it to 'DENY'.\n"
        ),
        "{stdout}"
    );
}
