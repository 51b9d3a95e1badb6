use grantbook::domain::text::escaped_lines;

fn main() {
    let cli = grantbook::cli::parse();
    let result = grantbook::cli::run(cli);
    // Diagnostics for concurrency tests and for anyone wondering why a command was slow: how
    // often it found the database busy and tried again.
    let retries = grantbook::db::busy_retries();
    if retries > 0 && std::env::var_os("GRANTBOOK_TRACE_BUSY").is_some() {
        eprintln!("grantbook: busy retries: {retries}");
    }
    if let Err(e) = result {
        if e.exit_code() != 0 {
            // Messages quote what was typed with `{:?}`; this catches any that does not.
            eprintln!("grantbook: error: {}", escaped_lines(&e.message));
        }
        std::process::exit(e.exit_code());
    }
}
