use clap::Parser;
use owf_backend::cli::{self, Cli, Command};
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    return_large_blocks_to_the_os();
    run()
}

/// glibc's malloc serves a block of 128 KiB or more from its own mapping, unmapped when freed —
/// until a freed one raises that threshold (up to 32 MiB), after which such blocks come from the
/// heap and are kept. A password check's 19 MiB then stayed resident after every login and at
/// start-up (the demo accounts' hashes): 51 MiB idle instead of 13. Setting the threshold fixes it
/// at its default and turns that adjustment off.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_os() {
    // SAFETY: mallopt only sets a parameter of the allocator; it runs before any other thread
    // exists and before anything is allocated that depends on the old value.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_os() {}

#[tokio::main]
async fn run() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("OWF_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let result = match Cli::parse().command {
        Command::Serve(args) => cli::run_serve(args).await,
        Command::CustomsSandbox(args) => cli::run_sandbox(args).await,
        Command::Admin(args) => cli::run_admin(args).await.map(|done| println!("{done}")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("错误：{message}");
            std::process::ExitCode::FAILURE
        }
    }
}
