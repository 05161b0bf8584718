//! External tools some tests need (LibreOffice, iconv, mkfifo, chromium…). Locally a missing
//! tool skips the part of the test that needs it, with a notice on stderr; under `CI=true` it
//! fails the test, naming the Debian package to install, so CI cannot stay green without
//! running those paths (`.ci/run` installs them).
//!
//! Shared by the integration tests (`tests/common/mod.rs`) and the library's unit tests
//! (included with `#[path]`).
#![allow(dead_code)]

use std::path::PathBuf;

/// Whether this run is CI (`CI=true`), where every tool must be present.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The first of `names` found as a file on `PATH`.
pub fn find_tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Reports that `what` is missing: panics under `CI=true`, otherwise prints a notice and
/// returns `false` so the caller can skip.
pub fn missing(what: &str, package: &str) -> bool {
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string();
    let note = format!("{what} is needed by {test} (Debian: apt-get install {package})");
    assert!(
        !under_ci(),
        "{note}; under CI=true a missing tool fails the test instead of skipping it"
    );
    eprintln!("SKIPPED: {note}");
    false
}

/// True when `tool` is on `PATH`; otherwise [`missing`] (a failure under `CI=true`).
pub fn require_tool(tool: &str, package: &str) -> bool {
    find_tool(&[tool]).is_some() || missing(tool, package)
}
