//! Headless Chromium for the tests of printed reports: found (or installed with apt-get where
//! the tests run as root), and run with a time limit. A test without it says it skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium's command, installing it with apt-get where this runs as root and it is missing.
pub fn chromium() -> Result<String, String> {
    let works = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    for cmd in ["chromium", "chromium-browser"] {
        if works(cmd) {
            return Ok(cmd.to_string());
        }
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if !root {
        return Err("chromium is not installed and this is not root to apt-get it".into());
    }
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let installed = apt(&["install", "-y", "-qq", "chromium"])
        || (apt(&["update", "-qq"]) && apt(&["install", "-y", "-qq", "chromium"]));
    if !installed {
        return Err("chromium is not installed and apt-get could not install it".into());
    }
    if works("chromium") {
        Ok("chromium".into())
    } else {
        Err("apt-get installed chromium but it does not run".into())
    }
}

/// Run headless Chromium on `page` with `extra` arguments; stdout, or a panic after two minutes.
pub fn run_chromium(chromium: &str, scratch: &Path, extra: &[&str], page: &Path) -> String {
    let profile: PathBuf = scratch.join("chromium-profile");
    let mut child = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    // Read what it prints as it prints it: a DOM larger than the pipe's buffer would otherwise
    // hold Chromium up until the time limit.
    let mut stdout = child.stdout.take().expect("chromium's stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut out).map(|_| out)
    });
    let started = Instant::now();
    while child.try_wait().expect("wait for chromium").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("headless Chromium did not finish in two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = reader
        .join()
        .expect("the reader thread")
        .expect("chromium's output");
    String::from_utf8_lossy(&out).into_owned()
}
