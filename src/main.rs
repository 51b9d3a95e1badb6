use clap::Parser;

fn main() {
    let cli = grantbook::cli::Cli::parse();
    if let Err(e) = grantbook::cli::run(cli) {
        if e.exit_code() != 0 {
            eprintln!("grantbook: error: {e}");
        }
        std::process::exit(e.exit_code());
    }
}
