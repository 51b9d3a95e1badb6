//! `completions` and `man`: the command tree described for shells and for `man`, generated
//! from the same clap definitions as `--help`, so they never drift from the real commands.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, note};
use crate::error::{Error, Result};

pub const COMPLETIONS_HELP: &str = "\
Example:
  grantbook completions bash > ~/.local/share/bash-completion/completions/grantbook
  grantbook completions zsh > ~/.zfunc/_grantbook     # with fpath+=(~/.zfunc) in ~/.zshrc
  grantbook completions fish > ~/.config/fish/completions/grantbook.fish
  grantbook completions powershell >> $PROFILE";

pub const MAN_HELP: &str = "\
Example:
  grantbook man | man -l -                         # read it now
  grantbook man --out ~/.local/share/man/man1      # grantbook.1, grantbook-expense-add.1...";

/// The completion script for `shell`, on stdout.
pub fn completions(shell: Shell) -> Result<()> {
    // clap_complete panics on a failed write; render in memory, then write (a closed pipe is
    // then an ordinary error, and not a failure).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "grantbook", &mut script);
    write_stdout(&script)
}

/// The man page of grantbook (its options, and its commands with what each does) on stdout;
/// with `out`, one page per command and subcommand written into that directory instead.
pub fn man(out: Option<&Path>, force: bool) -> Result<()> {
    // As the pages are read: no `help` command (the pages are the help), display names built.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    match out {
        None => write_stdout(page(command)?.as_bytes()),
        Some(dir) => {
            let mut pages = Vec::new();
            collect_pages(command, &mut pages)?;
            if !force
                && let Some((name, _)) = pages.iter().find(|(name, _)| dir.join(name).exists())
            {
                return Err(Error::invalid(format!(
                    "{} already exists; write the pages into an empty directory, or add --force \
                     to replace them",
                    dir.join(name).display()
                )));
            }
            std::fs::create_dir_all(dir)?;
            for (name, text) in &pages {
                std::fs::write(dir.join(name), text)?;
            }
            note(&format!(
                "wrote {} man pages to {}",
                pages.len(),
                dir.display()
            ));
            Ok(())
        }
    }
}

/// `grantbook.1` for `grantbook`, `grantbook-expense-add.1` for `grantbook expense add`... and
/// the same for every subcommand, recursively: (file name, page).
fn collect_pages(command: clap::Command, pages: &mut Vec<(String, String)>) -> Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_pages(sub.clone(), pages)?;
    }
    let file = format!("{}.1", display_name(&command));
    pages.push((file, page(command)?));
    Ok(())
}

fn display_name(command: &clap::Command) -> String {
    command
        .get_display_name()
        .unwrap_or(command.get_name())
        .to_string()
}

/// The roff of one page. Its examples (the `after_help` of `--help`) are kept line by line, as
/// typed: a filled paragraph would run the commands of an example together.
fn page(command: clap::Command) -> Result<String> {
    let title = display_name(&command);
    let mut roff = Vec::new();
    clap_mangen::Man::new(command)
        .title(title)
        .source(concat!("grantbook ", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)?;
    let roff = String::from_utf8(roff)
        .map_err(|e| crate::error::Error::runtime(format!("man page is not UTF-8: {e}")))?;
    Ok(title_first(&examples_verbatim(&roff)))
}

/// The `.TH` line moved before roff's preamble (the two lines defining the apostrophe string),
/// so that a page starts with its title as man pages do; the title, a command's name, has no
/// apostrophe that would need the string first.
fn title_first(roff: &str) -> String {
    let Some(at) = roff.find("\n.TH ") else {
        return roff.to_string();
    };
    let (preamble, rest) = roff.split_at(at + 1);
    let (title, body) = rest.split_at(rest.find('\n').map_or(rest.len(), |n| n + 1));
    format!("{title}{preamble}{body}")
}

/// clap_mangen's `EXTRA` section, renamed `EXAMPLES` and set without filling (`.nf` ... `.fi`).
fn examples_verbatim(roff: &str) -> String {
    let Some((head, rest)) = roff.split_once("\n.SH EXTRA\n") else {
        return roff.to_string();
    };
    let (examples, tail) = rest.split_at(rest.find("\n.SH ").unwrap_or(rest.len()));
    let examples = examples.trim_end_matches('\n');
    let tail = if tail.is_empty() { "\n" } else { tail };
    format!("{head}\n.SH EXAMPLES\n.nf\n{examples}\n.fi{tail}")
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_set_line_by_line() {
        let roff = ".TH x 1\n.SH EXTRA\nExample:\n  x a\n  x b\n.SH VERSION\nv1\n";
        assert_eq!(
            examples_verbatim(roff),
            ".TH x 1\n.SH EXAMPLES\n.nf\nExample:\n  x a\n  x b\n.fi\n.SH VERSION\nv1\n"
        );
        let last = ".TH x 1\n.SH EXTRA\nExample:\n  x a\n";
        assert_eq!(
            examples_verbatim(last),
            ".TH x 1\n.SH EXAMPLES\n.nf\nExample:\n  x a\n.fi\n"
        );
        assert_eq!(examples_verbatim(".TH x 1\n"), ".TH x 1\n");
    }

    #[test]
    fn title_comes_first() {
        let roff = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH x 1\n.SH NAME\nx\n";
        assert_eq!(
            title_first(roff),
            ".TH x 1\n.ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.SH NAME\nx\n"
        );
        assert_eq!(title_first(".TH x 1\n.SH NAME\n"), ".TH x 1\n.SH NAME\n");
    }
}
