//! The program describing itself: every command's `--help` shows an example, and the shell
//! completions and man pages are generated from the same command tree.

mod common;

use clap::CommandFactory;
use common::run_raw;
use grantbook::cli::Cli;

/// Every command of the tree, as the words typed after `grantbook` (`["expense", "add"]`), with
/// its long help as `--help` prints it.
fn every_command() -> Vec<(Vec<String>, String, bool)> {
    fn walk(
        command: &mut clap::Command,
        path: &[String],
        found: &mut Vec<(Vec<String>, String, bool)>,
    ) {
        let leaf = !command.has_subcommands();
        found.push((path.to_vec(), command.render_long_help().to_string(), leaf));
        for sub in command.get_subcommands_mut() {
            if sub.get_name() == "help" {
                continue;
            }
            let mut path = path.to_vec();
            path.push(sub.get_name().to_string());
            walk(sub, &path, found);
        }
    }
    let mut command = Cli::command();
    command.build();
    let mut found = Vec::new();
    walk(&mut command, &[], &mut found);
    found
}

#[test]
fn every_command_and_group_help_shows_an_example() {
    let commands = every_command();
    let leaves = commands.iter().filter(|(_, _, leaf)| *leaf).count();
    assert!(leaves > 40, "the walk found only {leaves} leaf commands");
    // Groups (`grantbook expense --help`) too, not only the commands they hold.
    let missing: Vec<String> = commands
        .iter()
        .filter(|(_, help, _)| !help.contains("Example"))
        .map(|(path, _, _)| format!("grantbook {}", path.join(" ")))
        .collect();
    assert!(
        missing.is_empty(),
        "no example in --help of:\n  {}",
        missing.join("\n  ")
    );
    // The example is a command line to copy: it names the command it documents.
    for (path, help, leaf) in &commands {
        if *leaf && !path.is_empty() {
            let typed = format!("grantbook {}", path.join(" "));
            let example = &help[help.find("Example").unwrap_or(0)..];
            assert!(
                example.contains(path.last().unwrap().as_str()),
                "the example of `{typed}` does not use it:\n{example}"
            );
        }
    }
}

#[test]
fn help_printed_by_the_binary_has_the_examples() {
    for line in [
        "--help",
        "report burn --help",
        "expense add --help",
        "completions --help",
        "man --help",
    ] {
        let args: Vec<&str> = line.split(' ').collect();
        let out = run_raw(&args, None);
        common::explain_unless(&out, 0, &args);
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains("Example") || help.contains("grantbook init"),
            "`grantbook {line}` shows no example:\n{help}"
        );
    }
}

fn stdout_of(args: &[&str]) -> String {
    let out = run_raw(args, None);
    common::explain_unless(&out, 0, args);
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

#[test]
fn completions_for_four_shells_know_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for word in ["expense", "report", "burn", "format", "completions"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
}

#[test]
fn completions_need_no_database() {
    // Nowhere near a ledger: GRANTBOOK_DB points at a file that does not exist.
    let out = assert_cmd::Command::cargo_bin("grantbook")
        .unwrap()
        .args(["completions", "bash"])
        .env("GRANTBOOK_DB", "/nonexistent/grantbook.db")
        .output()
        .unwrap();
    common::explain_unless(&out, 0, &["completions", "bash"]);
}

#[test]
fn bash_completion_is_valid_bash() {
    let Ok(bash) = which("bash") else {
        eprintln!("no bash here: syntax check skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("grantbook.bash");
    std::fs::write(&file, stdout_of(&["completions", "bash"])).unwrap();
    let check = std::process::Command::new(bash)
        .arg("-n")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .ok_or(())
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = run_raw(&["completions", "tcsh"], None);
    common::explain_unless(&out, 2, &["completions", "tcsh"]);
}

#[test]
fn man_page_lists_the_commands_and_their_examples() {
    let page = stdout_of(&["man"]);
    let first = page.lines().next().unwrap_or_default();
    assert!(first.starts_with(".TH grantbook 1 "), "first line: {first}");
    // roff's definition of the apostrophe string is still there, after the title.
    assert!(page.contains("\n.el .ds Aq '\n"));
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH SUBCOMMANDS",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "{section} missing");
    }
    for command in [
        "grantbook\\-expense(1)",
        "grantbook\\-report(1)",
        "grantbook\\-man(1)",
    ] {
        assert!(page.contains(command), "{command} not listed");
    }
    // The examples keep their lines (no-fill mode), and there is no `help` page to point at.
    assert!(page.contains(".SH EXAMPLES\n.nf\n"));
    assert!(!page.contains("grantbook\\-help(1)"));
}

#[test]
fn man_out_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("man1");
    let out = run_raw(&["man", "--out", out_dir.to_str().unwrap()], None);
    common::explain_unless(&out, 0, &["man", "--out"]);
    let pages = every_command().len();
    let written = std::fs::read_dir(&out_dir).unwrap().count();
    assert_eq!(written, pages, "one page per command");
    let add = std::fs::read_to_string(out_dir.join("grantbook-expense-add.1")).unwrap();
    assert!(add.starts_with(".TH grantbook-expense-add 1 "), "{add}");
    assert!(add.contains("\\-\\-voucher"));
    assert!(out_dir.join("grantbook.1").is_file());
    assert!(out_dir.join("grantbook-report-burn.1").is_file());

    // A second run replaces nothing without --force.
    std::fs::write(out_dir.join("grantbook.1"), "my own notes").unwrap();
    let again = run_raw(&["man", "--out", out_dir.to_str().unwrap()], None);
    common::explain_unless(&again, 2, &["man", "--out"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("add --force"));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("grantbook.1")).unwrap(),
        "my own notes"
    );
    let forced = run_raw(
        &["man", "--out", out_dir.to_str().unwrap(), "--force"],
        None,
    );
    common::explain_unless(&forced, 0, &["man", "--out", "--force"]);
    assert!(
        std::fs::read_to_string(out_dir.join("grantbook.1"))
            .unwrap()
            .starts_with(".TH")
    );
}
