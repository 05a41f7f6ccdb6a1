//! `--help`, `--completions SHELL` and `--man` name the same options, and
//! `--version` names the TLS stack.

use std::collections::BTreeSet;

use super::*;

/// Every `--long-option` named in `text`.
fn long_options(text: &str) -> BTreeSet<String> {
    text.match_indices("--")
        .filter_map(|(at, _)| {
            let name: String = text[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let option = format!("--{name}");
            name.starts_with(|c: char| c.is_ascii_lowercase())
                .then_some(option)
        })
        .collect()
}

#[test]
fn help_completions_and_man_page_name_the_same_options() {
    let help = run_cli(["--help"]);
    help.assert_success();
    let options = long_options(&help.stdout);
    assert!(
        options.contains("--header") && options.contains("--version"),
        "{options:?}"
    );

    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = run_cli(["--completions", shell]);
        script.assert_success();
        assert!(
            script.stdout.contains("pagewalk"),
            "{shell}: {}",
            script.stdout
        );
        if shell == "bash" || shell == "zsh" {
            assert_eq!(
                long_options(&script.stdout),
                options,
                "{shell} completions vs --help"
            );
        }
    }

    let man = run_cli(["--man"]);
    man.assert_success();
    assert!(man.stdout.contains(".TH pagewalk 1"), "{}", man.stdout);
    // roff writes each hyphen as `\-`.
    let man = man.stdout.replace("\\-", "-");
    assert_eq!(long_options(&man), options, "man page vs --help");
}

#[test]
fn completions_and_man_need_no_url_and_stand_alone() {
    let with_url = run_cli(["--man", "http://127.0.0.1:1/"]);
    assert_eq!(with_url.code, Some(2), "{with_url:#?}");
    let bad_shell = run_cli(["--completions", "cmd.exe"]);
    assert_eq!(bad_shell.code, Some(2), "{bad_shell:#?}");
    assert!(bad_shell.stderr.contains("bash"), "{}", bad_shell.stderr);
}

#[test]
fn version_names_the_tls_stack() {
    let short = run_cli(["-V"]);
    short.assert_success();
    assert_eq!(
        short.stdout,
        concat!("pagewalk ", env!("CARGO_PKG_VERSION"), "\n")
    );
    let long = run_cli(["--version"]);
    long.assert_success();
    let tls = if cfg!(feature = "native-tls") {
        "tls: native-tls"
    } else if cfg!(feature = "platform-verifier") {
        "tls: rustls, the platform's verifier"
    } else if cfg!(feature = "rustls") {
        "tls: rustls, bundled"
    } else {
        "tls: none"
    };
    assert!(long.stdout.starts_with(&short.stdout), "{}", long.stdout);
    assert!(long.stdout.contains(tls), "{}", long.stdout);
}

/// The TLS stack that `--version` names is the one a walk uses: with
/// native-tls or the platform verifier, the system's roots (here
/// `SSL_CERT_FILE`) decide; with rustls' bundled roots, they don't.
#[test]
fn the_system_roots_count_only_with_native_tls_or_the_platform_verifier() {
    let tls = fixture::TlsFixture::start(|_| fixture::Reply::json(fixture::body(1..=2)));
    let dir = std::env::temp_dir().join(format!("pagewalk-roots-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let roots = dir.join("roots.pem");
    fs::write(&roots, tls.certificate_pem()).unwrap();
    let output = pagewalk(["--retries", "0", &tls.url("/items")])
        .env("SSL_CERT_FILE", &roots)
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    let _ = fs::remove_dir_all(&dir);
    let system_roots = cfg!(any(feature = "native-tls", feature = "platform-verifier"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.success(), system_roots, "{stderr}");
    if system_roots {
        assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);
    }
}
