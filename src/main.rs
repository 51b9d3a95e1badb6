use grantbook::domain::text::escaped_lines;

fn main() {
    let cli = grantbook::cli::parse();
    let result = grantbook::cli::run(cli);
    // Diagnostics for concurrency tests and for anyone wondering why a command was slow: how
    // often it found the database busy and tried again, and how long it waited to write.
    if std::env::var_os("GRANTBOOK_TRACE_BUSY").is_some() {
        let retries = grantbook::db::busy_retries();
        if retries > 0 {
            eprintln!("grantbook: busy retries: {retries}");
        }
        let waited = grantbook::db::lock_wait();
        if !waited.is_zero() {
            eprintln!(
                "grantbook: waited for the write lock: {:.3} ms",
                waited.as_secs_f64() * 1000.0
            );
        }
    }
    if let Err(e) = result {
        if e.exit_code() != 0 {
            // Messages quote what was typed with `{:?}`; this catches any that does not.
            eprintln!("grantbook: error: {}", escaped_lines(&e.message));
            for other in &e.also {
                eprintln!("  and: {}", escaped_lines(&other.message));
            }
        }
        std::process::exit(e.exit_code());
    }
}
