//! BENCHMARKS.md: the machine, one table of every figure beside its baseline, the goals, and the
//! query plans.

use std::fmt::Write;
use std::time::Duration;

use crate::bundle::Sizes;
use crate::queries::{scan_lines, Queries};
use crate::relay::Relay;
use crate::render::{median_bytes, median_ms, Pair, Render};
use crate::stats::{ms, Load};
use crate::writes::Writes;
use crate::Args;

/// The first-visit budget: 200 KB gzip (decimal kilobytes).
pub const BUNDLE_BUDGET: u64 = 200_000;
/// Write throughput of owf against bare sqlx doing the same work through the same group commit.
pub const WRITE_GOAL: f64 = 0.85;
/// Throttled time to the login form, against the static login page.
pub const LOGIN_TIME_GOAL: f64 = 2.0;
/// Throttled time to the drawn results, against the static page of the same results.
pub const RESULTS_TIME_GOAL: f64 = 3.0;
/// Bytes of a second visit before the login is interactive (decimal kilobytes).
pub const SECOND_VISIT_BUDGET: f64 = 5_000.0;
/// p99 of a list request.
pub const QUERY_P99_GOAL: Duration = Duration::from_millis(10);

pub struct Results<'a> {
    pub args: &'a Args,
    pub machine: Vec<(&'static str, String)>,
    pub bundle: Vec<Sizes>,
    pub render: Render,
    pub writes: Vec<Writes>,
    pub queries: Vec<Queries>,
    pub relay: Relay,
    pub duration: Duration,
}

fn kb(n: u64) -> String {
    bytes(n as f64)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn pct(ratio: f64) -> String {
    format!("{:.0} %", ratio * 100.0)
}

fn rate(load: &Load) -> String {
    format!("{:.0}/s", load.per_sec())
}

fn lat(load: &Load) -> String {
    format!("{} / {}", ms(load.p50()), ms(load.p99()))
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn yes(met: bool) -> &'static str {
    if met {
        "**met**"
    } else {
        "**not met**"
    }
}

pub fn markdown(r: &Results) -> String {
    let mut out = String::new();
    let a = r.args;
    let rl = &r.relay;
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `make bench` (`owf-bench`, benches/). Where a baseline doing the same work was \
         measured in the same run on the same machine, a figure is set against it as a ratio; a \
         row without such a baseline shows —. The server under test is the release `owf serve` \
         as a child process on a free loopback port; the load generator runs beside it on the \
         same machine.{}\n",
        if a.quick {
            " **This is a `--quick` run: counts are scaled down.**"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "## Machine\n\n| | |\n|---|---|");
    for (k, v) in &r.machine {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    let _ = writeln!(
        out,
        "| `make bench` run | {:.0} s (owf-bench alone, after the builds) |\n",
        r.duration.as_secs_f64()
    );

    let _ = writeln!(out, "## Results\n");
    let _ = writeln!(out, "| # | measure | owf | baseline | owf / baseline |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    // 1. Bundle
    for s in &r.bundle {
        let total = s.name.starts_with("first visit");
        let _ = writeln!(
            out,
            "| 1 | bundle: {} raw / gzip / brotli | {} / {} / {} | {} | {} |",
            s.name,
            kb(s.raw),
            kb(s.gzip),
            kb(s.brotli),
            if total {
                format!("budget {} gzip", kb(BUNDLE_BUDGET))
            } else {
                "—".into()
            },
            if total {
                pct(s.gzip as f64 / BUNDLE_BUDGET as f64)
            } else {
                "—".into()
            },
        );
    }
    // 3. Writes
    out.push_str(&writes_rows(&r.writes));
    // 4. Queries
    out.push_str(&queries_rows(&r.queries));
    // 5. Relay
    out.push_str(&relay_rows(rl));
    // 6. Memory
    let idle = r.writes.first().map_or(0, |w| w.idle.rss_kib);
    let _ = writeln!(
        out,
        "| 6 | memory: server RSS idle (after start and login, SQLite) | {} | — | — |",
        mib(idle)
    );
    let mut peaks: Vec<(String, u64)> = r
        .writes
        .iter()
        .map(|w| (format!("writes {} (§3)", w.database), w.after.hwm_kib))
        .collect();
    for q in &r.queries {
        peaks.push((format!("queries {} (§4)", q.dialect), q.after.hwm_kib));
    }
    peaks.push(("relay (§5)".to_owned(), rl.after.hwm_kib));
    for (what, hwm) in peaks {
        let _ = writeln!(
            out,
            "| 6 | memory: peak RSS (VmHWM) during {what} | {} | idle: {} | {:.1}× |",
            mib(hwm),
            mib(idle),
            hwm as f64 / idle.max(1) as f64
        );
    }

    out.push_str(&writes_legend());
    out.push_str(&render_section(&r.render));

    let _ = writeln!(out, "\n## Goals\n");
    let total = r.bundle.last().cloned().unwrap_or_default();
    let _ = writeln!(
        out,
        "* Bundle ≤ {} gzip for a first visit: {} ({}).",
        kb(BUNDLE_BUDGET),
        yes(total.gzip <= BUNDLE_BUDGET),
        kb(total.gzip)
    );
    out.push_str(&render_goals(&r.render));
    out.push_str(&write_goals(&r.writes));
    out.push_str(&query_goals(&r.queries));
    let _ = writeln!(
        out,
        "* `make bench` under 15 minutes: owf-bench itself took {:.1} min; the Makefile prints the whole duration.",
        r.duration.as_secs_f64() / 60.0
    );
    let _ = writeln!(
        out,
        "\nThis file holds only what this run measured. What the figures mean, how they came \
         about and what was tried is in the hand-written [benches/NOTES.md](benches/NOTES.md), \
         which `make bench` does not rewrite."
    );

    out.push_str(&query_plans(&r.queries));
    out
}

/// One goal of §2: what, the measured figure, whether it is met.
struct Goal {
    what: String,
    figure: String,
    met: bool,
}

/// The goals of §2, in the order of the section's rows.
fn first_visit_goals(r: &Render) -> [Goal; 4] {
    let t = &r.throttled;
    let login_bytes = median_bytes(&t.login.app);
    let login_ratio = time_ratio(&t.login);
    let results_ratio = time_ratio(&t.results);
    let second = median_bytes(&r.second_visit);
    [
        Goal {
            what: format!("login interactive with ≤ {} transferred", kb(BUNDLE_BUDGET)),
            figure: bytes(login_bytes),
            met: login_bytes <= BUNDLE_BUDGET as f64,
        },
        Goal {
            what: format!(
                "throttled, login interactive within {LOGIN_TIME_GOAL:.0}× of the static login page"
            ),
            figure: format!("{login_ratio:.2}×"),
            met: login_ratio <= LOGIN_TIME_GOAL,
        },
        Goal {
            what: format!(
                "throttled, results drawn within {RESULTS_TIME_GOAL:.0}× of the static results page"
            ),
            figure: format!("{results_ratio:.2}×"),
            met: results_ratio <= RESULTS_TIME_GOAL,
        },
        Goal {
            what: format!(
                "a second visit transfers < {} before the login is interactive",
                bytes(SECOND_VISIT_BUDGET)
            ),
            figure: bytes(second),
            met: second < SECOND_VISIT_BUDGET,
        },
    ]
}

fn bytes(n: f64) -> String {
    format!("{:.1} KB", n / 1000.0)
}

fn time_ratio(pair: &Pair) -> f64 {
    median_ms(&pair.app) / median_ms(&pair.baseline).max(1e-9)
}

/// One row of §2: app, baseline, their ratio, the goal and whether it is met.
fn render_row(
    out: &mut String,
    measure: &str,
    app: String,
    baseline: String,
    ratio: String,
    goal: Option<&Goal>,
) {
    let (goal, met) = goal.map_or(("—".to_owned(), "—"), |g| (g.what.clone(), yes(g.met)));
    let _ = writeln!(
        out,
        "| 2 | {measure} | {app} | {baseline} | {ratio} | {goal} | {met} |"
    );
}

/// Time to the mark of both sides of `pair`, and their ratio.
fn time_row(out: &mut String, measure: &str, pair: &Pair, goal: Option<&Goal>) {
    let (app, baseline) = (median_ms(&pair.app), median_ms(&pair.baseline));
    render_row(
        out,
        measure,
        format!("{app:.0} ms"),
        format!("{baseline:.0} ms"),
        format!("{:.2}×", time_ratio(pair)),
        goal,
    );
}

/// Bytes before the mark on both sides of `pair`, and their ratio.
fn bytes_row(out: &mut String, measure: &str, pair: &Pair, goal: Option<&Goal>) {
    let (app, baseline) = (median_bytes(&pair.app), median_bytes(&pair.baseline));
    render_row(
        out,
        measure,
        bytes(app),
        bytes(baseline),
        format!("{:.1}×", app / baseline.max(1.0)),
        goal,
    );
}

/// §2, the first visit: its own table, also printed alone by `owf-bench --only render`.
pub fn render_section(r: &Render) -> String {
    let mut out = String::new();
    let n = r.loads;
    let [login_bytes, login_time, results_time, second_bytes] = first_visit_goals(r);
    let _ = writeln!(out, "\n## §2 First visit\n");
    let _ = writeln!(
        out,
        "Cold loads, each in a fresh Chromium profile, medians of {n} per row, app and baseline \
         taking turns. **App**: the login page up to its mark `owf-login-ready` (form mounted); a \
         logged-in user (session cookie set from another page of the origin, cache cold) opening \
         海外仓备案查询 `/query?page=1` up to `owf-results-drawn` (the table has rows). \
         **Baseline**: static HTML pages of what the app draws there (its body as drawn, with the \
         app's stylesheets, no wasm), served by the same `owf serve` with precompressed gzip and \
         brotli as the app's files, setting the same mark from a script at the end of the body. \
         **Bytes**: `transferSize` (headers and body as served, 0 from the cache) of the page and \
         of every request that started before the mark. **Throttled**: {}. **Second visit**: the \
         same browser, after its throttled cold load of the login, goes to `about:blank` and to \
         the login again (`index.html` revalidated, hashed files from the cache).\n",
        r.throttle.describe()
    );
    let _ = writeln!(
        out,
        "| # | measure | owf | baseline | owf / baseline | goal | met |\n|---|---|---|---|---|---|---|"
    );
    let t = &r.throttled;
    bytes_row(
        &mut out,
        "login, cold, throttled: bytes transferred until `owf-login-ready`",
        &t.login,
        Some(&login_bytes),
    );
    time_row(
        &mut out,
        "login, cold, throttled: time to `owf-login-ready`",
        &t.login,
        Some(&login_time),
    );
    bytes_row(
        &mut out,
        "query results, cold, throttled: bytes transferred until `owf-results-drawn`",
        &t.results,
        None,
    );
    time_row(
        &mut out,
        "query results, cold, throttled: time to `owf-results-drawn`",
        &t.results,
        Some(&results_time),
    );
    render_row(
        &mut out,
        "login, second visit, throttled: bytes transferred until `owf-login-ready`",
        bytes(median_bytes(&r.second_visit)),
        "—".into(),
        "—".into(),
        Some(&second_bytes),
    );
    render_row(
        &mut out,
        "login, second visit, throttled: time to `owf-login-ready`",
        format!("{:.0} ms", median_ms(&r.second_visit)),
        "—".into(),
        "—".into(),
        None,
    );
    let l = &r.loopback;
    time_row(
        &mut out,
        "login, cold, loopback (1280×900, no throttling): time to `owf-login-ready`",
        &l.login,
        None,
    );
    time_row(
        &mut out,
        "query results, cold, loopback: time to `owf-results-drawn`",
        &l.results,
        None,
    );
    out
}

/// The goals of §2 in the list of goals.
fn render_goals(r: &Render) -> String {
    first_visit_goals(r)
        .iter()
        .map(|g| {
            format!(
                "* First visit (§2), {}: {} ({}).\n",
                g.what,
                yes(g.met),
                g.figure
            )
        })
        .collect()
}

/// What the three programs of §3 do, printed under the table.
pub fn writes_legend() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n§3, what each program does per request (all three on the same database file or \
         PostgreSQL database, taking turns round by round, each at the same number of concurrent \
         clients):\n\n\
         * **owf**: the release `owf serve` over HTTP/1.1 on loopback (keep-alive, session cookie). \
         Create-draft reads the session and the R3 registration, validates the form, then writes \
         the 申请编号 sequence upsert, the filing insert and the history insert; declare reads \
         the session, then the filing with its timeline, documents and delivery state beside the \
         registration, validates, builds and SM2-signs the message, then writes the guarded \
         status change, the history insert, the declaration time, the outbox insert and the \
         frozen proof documents. The writes go through owf's group-commit writer \
         (`backend/src/store/writer.rs`).\n\
         * **(a) bare group commit**: in-process bare sqlx (the `Any` driver, as owf), the same \
         reads with owf's own SQL text (`session_sql`, `registration_sql`, `parts_sql`) and the \
         same writes, through a bare copy of owf's discipline (`benches/src/group_commit.rs`): one \
         writer task takes up to 64 waiting requests into one transaction — `BEGIN IMMEDIATE` on \
         the 1-connection write pool on SQLite, `BEGIN` on the 16-connection pool on PostgreSQL — \
         a failing write rolls the batch back and the others run again. Reads on an 8-connection \
         pool on SQLite (WAL, `synchronous = NORMAL`, as owf), the same 16-connection pool on \
         PostgreSQL. No HTTP, no JSON, no validation, no signing: it writes a payload owf signed \
         earlier in the run.\n\
         * **(b) bare, one transaction per request**: the same reads and writes, each request's \
         writes in a transaction of its own (deferred `BEGIN` on SQLite, writers waiting in its \
         busy handler) on the 8-connection pool (SQLite) or the 16-connection pool \
         (PostgreSQL).\n\n\
         owf ÷ (a) is the cost of owf's HTTP, session handling, validation, JSON and signing; \
         owf ÷ (b) is the gain of group commit net of that cost; (a) ÷ (b) is group commit \
         alone.\n"
    );
    out
}

/// The rows of §3, also printed alone by `owf-bench --only writes`.
pub fn writes_rows(writes: &[Writes]) -> String {
    let mut out = String::new();
    for w in writes {
        let db = w.database;
        let _ = writeln!(
            out,
            "| 3 | {db}: HTTP floor, `GET /config.json` (a static file: no session, no database), {} requests × {} clients: throughput | {} | — | — |",
            w.requests,
            w.concurrency,
            rate(&w.http_floor),
        );
        for (name, sides) in [("create-draft", &w.create), ("declare", &w.declare)] {
            let (owf, a, b) = (&sides.owf, &sides.group_commit, &sides.per_request);
            let _ = writeln!(
                out,
                "| 3 | {db}: {name}, {} requests × {} clients: throughput | {} | (a) bare group commit: {} | {} |",
                w.requests,
                w.concurrency,
                rate(owf),
                rate(a),
                pct(owf.per_sec() / a.per_sec().max(1e-9))
            );
            let _ = writeln!(
                out,
                "| 3 | {db}: {name}: latency p50 / p99 | {} | (a) bare group commit: {} | {:.1}× |",
                lat(owf),
                lat(a),
                ratio(owf.p50(), a.p50())
            );
            let _ = writeln!(
                out,
                "| 3 | {db}: {name}: throughput | {} | (b) bare, one transaction per request: {} | {} |",
                rate(owf),
                rate(b),
                pct(owf.per_sec() / b.per_sec().max(1e-9))
            );
            let _ = writeln!(
                out,
                "| 3 | {db}: {name}: latency p50 / p99 | {} | (b) bare, one transaction per request: {} | {:.1}× |",
                lat(owf),
                lat(b),
                ratio(owf.p50(), b.p50())
            );
            let _ = writeln!(
                out,
                "| 3 | {db}: {name}: throughput of (a) bare group commit against (b) bare, one transaction per request | {} | (b): {} | {} |",
                rate(a),
                rate(b),
                pct(a.per_sec() / b.per_sec().max(1e-9))
            );
        }
        let _ = writeln!(
            out,
            "| 3 | {db}: time of the section (all three programs, seeding of proof documents included) | {:.0} s | — | — |",
            w.took.as_secs_f64()
        );
    }
    out
}

/// The goal of §3 per database and request.
fn write_goals(writes: &[Writes]) -> String {
    let mut out = String::new();
    for w in writes {
        for (name, sides) in [("create-draft", &w.create), ("declare", &w.declare)] {
            let share = sides.owf.per_sec() / sides.group_commit.per_sec().max(1e-9);
            let _ = writeln!(
                out,
                // One decimal: 84.8 % must not read as the 85 % it misses.
                "* {} {name}: owf ≥ {} of (a) bare sqlx doing the same reads and writes through the same group commit: {} ({:.1} %).",
                w.database,
                pct(WRITE_GOAL),
                yes(share >= WRITE_GOAL),
                share * 100.0
            );
        }
    }
    out
}

/// The rows of §4, also printed alone by `owf-bench --only queries`.
pub fn queries_rows(queries: &[Queries]) -> String {
    let mut out = String::new();
    for q in queries {
        for c in &q.cases {
            let _ = writeln!(
                out,
                "| 4 | {} · {} ({} rows match): p50 / p99 over {} requests | {} | bare sqlx, same SQL: {} | {:.1}× |",
                q.dialect,
                c.name,
                c.total,
                c.owf.latencies.len(),
                lat(&c.owf),
                lat(&c.sqlx),
                ratio(c.owf.p50(), c.sqlx.p50())
            );
        }
        let _ = writeln!(
            out,
            "| 4 | {}: seeding {} filings over {} enterprises / time of the section | {:.0} s / {:.0} s | — | — |",
            q.dialect,
            q.filings,
            q.enterprises,
            q.seed_secs,
            q.took.as_secs_f64()
        );
    }
    out
}

/// The goal of §4 per database and case.
fn query_goals(queries: &[Queries]) -> String {
    let mut out = String::new();
    for q in queries {
        let cases: Vec<String> = q
            .cases
            .iter()
            .map(|c| {
                format!(
                    "{} {} ({})",
                    c.name,
                    yes(c.owf.p99() <= QUERY_P99_GOAL),
                    ms(c.owf.p99())
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "* {} list requests over HTTP, p99 ≤ {} at {} filings over {} enterprises: {}.",
            q.dialect,
            ms(QUERY_P99_GOAL),
            q.filings,
            q.enterprises,
            cases.join("; ")
        );
    }
    out
}

/// The plans of §4's SQL at the seeded size.
pub fn query_plans(queries: &[Queries]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n## Query plans\n");
    let _ = writeln!(
        out,
        "The SQL is `owf_backend::store::filings::list_statement` — the very text `list_filings` \
         runs — explained with its bound values (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on \
         PostgreSQL) at the seeded size. Lines that read a whole table or sort outside an index:\n"
    );
    for q in queries {
        let _ = writeln!(
            out,
            "### {} ({} filings over {} enterprises, seeded in {:.1} s)\n",
            q.dialect, q.filings, q.enterprises, q.seed_secs
        );
        let _ = writeln!(out, "| case | page query | count query |\n|---|---|---|");
        for p in &q.plans {
            let show = |plan: &[String]| {
                let scans = scan_lines(plan);
                if scans.is_empty() {
                    "no scan".to_owned()
                } else {
                    scans.join("<br>").replace('|', "\\|")
                }
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                p.name,
                show(&p.page),
                show(&p.count)
            );
        }
        let _ = writeln!(out, "\n<details><summary>full plans</summary>\n");
        for p in &q.plans {
            let _ = writeln!(
                out,
                "**{}**\n\n```\n{}\n-- count\n{}\n```\n",
                p.name,
                p.page.join("\n"),
                p.count.join("\n")
            );
        }
        let _ = writeln!(out, "</details>\n");
    }
    out
}

/// The rows of §5, also printed alone by `owf-bench --only relay`: per database, owf's relay
/// beside the bare loop delivering a backlog of the same size to the same sandbox, and the
/// latency at a fixed offered load.
pub fn relay_rows(rl: &Relay) -> String {
    let mut out = String::new();
    for run in &rl.runs {
        let _ = writeln!(
            out,
            "| 5 | relay ({}): a backlog of {} declared warehouses (one proof document each) delivered to the in-process customs sandbox of `owf serve`, which verifies each SM2 signature and writes its own rows (customs' cost, on both sides): filings/s, {} ÷ first to last 发送海关成功 | owf's relay (`owf serve`, default relay settings, receipts not yet due) {} | bare loop (sqlx + reqwest in the bench process, same claim statement and batch of {}, one query for the batch's documents with their hash check, every POST of the batch at once with the same client settings, then one transaction marking the acknowledged ones sent: outbox row, status, history; no retries, no receipts) {} | {} |",
            run.dialect,
            run.filings,
            run.filings,
            rate(&run.owf),
            crate::relay::BATCH,
            rate(&run.bare),
            pct(run.owf.per_sec() / run.bare.per_sec().max(1e-9)),
        );
        let _ = writeln!(
            out,
            "| 5 | relay ({}): {} declarations over HTTP paced at {}/s, 申报 → 发送海关成功 per filing (from its history) p50 / p99 | {} | — | — |",
            run.dialect,
            run.paced.latencies.len(),
            run.paced_rate,
            lat(&run.paced),
        );
    }
    out
}
