//! `owf-bench` (`make bench`): measures the release `owf serve` — bundle, first render, writes,
//! queries, relay, memory — each beside a baseline measured in the same run, and writes the
//! table to BENCHMARKS.md.

mod bare_writes;
mod bundle;
mod group_commit;
mod machine;
mod page_load;
mod queries;
mod relay;
mod render;
mod report;
mod seed;
mod server;
mod static_pages;
mod stats;
mod throttle;
mod writes;

use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Instant;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "owf-bench",
    about = "owf benchmarks: every figure beside a baseline of the same run"
)]
pub struct Args {
    /// The release `owf` binary to measure.
    #[arg(long)]
    pub owf: PathBuf,
    /// The built frontend (`make dist`).
    #[arg(long, default_value_os_t = owf_e2e::dist())]
    pub dist: PathBuf,
    /// Where to write the report.
    #[arg(long, default_value_os_t = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../BENCHMARKS.md"))]
    pub out: PathBuf,
    /// Small counts, for trying the bench out (the report says so).
    #[arg(long)]
    pub quick: bool,
    /// Filings seeded for the queries.
    #[arg(long, default_value_t = 1_000_000)]
    pub filings: usize,
    /// Enterprises they are spread over.
    #[arg(long, default_value_t = 1_000)]
    pub enterprises: usize,
    /// Sequential requests per query case.
    #[arg(long, default_value_t = 200)]
    pub query_requests: usize,
    /// Create-draft and declare requests of the write test, per program and database (enough for
    /// a steady ratio: runs of 2,000 varied by ±20 % here).
    #[arg(long, default_value_t = 5000)]
    pub writes: usize,
    /// Concurrent clients of the write and relay tests.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Declared filings of each relay backlog (the delivery of 5,000 lasts 10 s and more here:
    /// long enough for a rate; declaring them is most of the section's time).
    #[arg(long, default_value_t = 5_000)]
    pub relay_filings: usize,
    /// Cold loads per page and network of the first-render test.
    #[arg(long, default_value_t = 10)]
    pub loads: usize,
    /// Runs one section alone and prints its rows, without writing the report: for working on
    /// that part of owf.
    #[arg(long, value_enum)]
    pub only: Option<Only>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    /// §3 writes
    Writes,
    /// §4 queries
    Queries,
    /// §5 relay
    Relay,
    /// §2 first render, on a database of `--filings` over `--enterprises` (e.g. `--filings
    /// 10000 --enterprises 100`)
    Render,
}

static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Prints `what` with the time since the bench started: where a run spends its minutes.
pub fn step(what: &str) {
    eprintln!("[{:>5.0} s] {what}", STARTED.elapsed().as_secs_f64());
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = Args::parse();
    if args.quick {
        args.filings = args.filings.min(10_000);
        args.enterprises = args.enterprises.min(100);
        args.query_requests = args.query_requests.min(50);
        args.writes = args.writes.min(300);
        args.relay_filings = args.relay_filings.min(500);
        args.loads = args.loads.min(3);
    }
    let started = *STARTED;
    let mut machine = machine::describe();

    if args.only == Some(Only::Relay) {
        step("relay (SQLite, in-process sandbox)");
        let relay = relay::run(&args.owf, &args.dist, args.relay_filings, args.concurrency).await;
        print!("{}", report::relay_rows(&relay));
        return;
    }
    if args.only == Some(Only::Render) {
        let db = server::Scratch::new("owf-bench-render");
        step("seeding (SQLite)");
        queries::seeded(&db.sqlite_url(), args.enterprises, args.filings).await;
        step("first render (headless Chromium)");
        let render = render::run(&args.owf, &args.dist, &db.sqlite_url(), args.loads).await;
        print!("{}", report::render_section(&render));
        step("first render done");
        return;
    }
    step("bundle");
    let bundle = bundle::measure(&args.dist);

    let postgres = std::env::var("OWF_TEST_PG_URL").ok();
    match &postgres {
        Some(admin) => {
            let settings = server::postgres_settings(admin).await;
            step(&format!("PostgreSQL: {settings}"));
            machine.push(("PostgreSQL", settings));
        }
        None => step("PostgreSQL skipped: OWF_TEST_PG_URL not set"),
    }

    let mut writes = Vec::new();
    if args.only.is_none_or(|only| only == Only::Writes) {
        step("writes (SQLite)");
        let scratch = server::Scratch::new("owf-bench-writes");
        writes.push(
            writes::run(
                &args.owf,
                &args.dist,
                &scratch.sqlite_url(),
                "SQLite",
                args.writes,
                args.concurrency,
            )
            .await,
        );
        if let Some(admin) = &postgres {
            step("writes (PostgreSQL)");
            let url = server::postgres_database(admin, "owf_bench_writes").await;
            writes.push(
                writes::run(
                    &args.owf,
                    &args.dist,
                    &url,
                    "PostgreSQL",
                    args.writes,
                    args.concurrency,
                )
                .await,
            );
        }
        if args.only.is_some() {
            print!("{}", report::writes_rows(&writes));
            print!("{}", report::writes_legend());
            step("writes done");
            return;
        }
    }

    step("queries (SQLite)");
    let sqlite_db = server::Scratch::new("owf-bench-queries");
    let mut queries = vec![
        queries::run(
            &args.owf,
            &args.dist,
            &sqlite_db.sqlite_url(),
            "SQLite",
            args.enterprises,
            args.filings,
            args.query_requests,
        )
        .await,
    ];
    if let Some(admin) = &postgres {
        step("queries (PostgreSQL)");
        let url = server::postgres_database(admin, "owf_bench_queries").await;
        queries.push(
            queries::run(
                &args.owf,
                &args.dist,
                &url,
                "PostgreSQL",
                args.enterprises,
                args.filings,
                args.query_requests,
            )
            .await,
        );
    }
    if args.only.is_some() {
        print!("{}", report::queries_rows(&queries));
        print!("{}", report::query_plans(&queries));
        step("queries done");
        return;
    }

    step("first render (headless Chromium)");
    let render = render::run(&args.owf, &args.dist, &sqlite_db.sqlite_url(), args.loads).await;
    drop(sqlite_db);

    step("relay (SQLite, in-process sandbox)");
    let relay = relay::run(&args.owf, &args.dist, args.relay_filings, args.concurrency).await;

    let results = report::Results {
        args: &args,
        machine,
        bundle,
        render,
        writes,
        queries,
        relay,
        duration: started.elapsed(),
    };
    let text = report::markdown(&results);
    println!("{text}");
    std::fs::write(&args.out, &text).expect("write BENCHMARKS.md");
    step(&format!("written to {}", args.out.display()));
}
