//! The touchpoint binary: parse the command line, dispatch, map errors to exit codes.

use clap::Parser;

fn main() {
    let _log = init_logging();
    let cli = touchpoint::cli::Cli::parse();
    std::process::exit(touchpoint::cli::run(cli));
}

/// Logs go to a file in the data directory: the terminal belongs to the UI.
fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = touchpoint::cli::data_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, "touchpoint.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .try_init()
        .ok()?;
    Some(guard)
}
