//! BENCHMARKS.md: the machine, one table of every figure beside its baseline, the goals, and the
//! query plans.

use std::fmt::Write;
use std::time::Duration;

use crate::bundle::Sizes;
use crate::queries::{scan_lines, Queries};
use crate::relay::Relay;
use crate::render::Render;
use crate::stats::{ms, Load};
use crate::writes::Writes;
use crate::Args;

/// The first-visit budget: 200 KB gzip (decimal kilobytes).
pub const BUNDLE_BUDGET: u64 = 200_000;
/// Write throughput of owf against bare sqlx.
pub const WRITE_GOAL: f64 = 0.85;

pub struct Results<'a> {
    pub args: &'a Args,
    pub machine: Vec<(&'static str, String)>,
    pub bundle: Vec<Sizes>,
    pub render: Render,
    pub writes: Writes,
    pub queries: Vec<Queries>,
    pub relay: Relay,
    pub duration: Duration,
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
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
    let w = &r.writes;
    let rl = &r.relay;
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `make bench` (`owf-bench`, benches/). Where a baseline doing the same work was \
         measured in the same run on the same machine, a figure is set against it as a ratio \
         (absolute times drift here from run to run, ratios much less); a row without such a \
         baseline shows —. The server under test is the release `owf serve` as a \
         child process on a free loopback port; the load generator runs beside it on the same \
         2 cores.{}\n",
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
    // 2. First render
    let (login, results, baseline) = r.render.medians();
    let _ = writeln!(
        out,
        "| 2 | first render: login form interactive (`owf-login-ready`), median of {} cold loads | {login:.0} ms | — | — |",
        r.render.loads,
    );
    let _ = writeln!(
        out,
        "| 2 | first render: a static page of {} without script, `domInteractive`, median of {} cold loads (another event on another page: no ratio) | {baseline:.0} ms | — | — |",
        kb(r.render.baseline_bytes),
        r.render.loads,
    );
    let _ = writeln!(
        out,
        "| 2 | first render: query results drawn, logged in (`owf-results-drawn`), median of {} cold loads | {results:.0} ms | — | — |",
        r.render.loads,
    );
    // 3. Writes
    out.push_str(&writes_rows(w));
    // 4. Queries
    for q in &r.queries {
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
    }
    // 5. Relay
    out.push_str(&relay_rows(rl));
    // 6. Memory
    let _ = writeln!(
        out,
        "| 6 | memory: server RSS idle (after start and login) | {} | — | — |",
        mib(w.idle.rss_kib)
    );
    let mut peaks = vec![("writes (§3)", w.after.hwm_kib)];
    for q in &r.queries {
        peaks.push((
            if q.dialect == "SQLite" {
                "queries SQLite (§4)"
            } else {
                "queries PostgreSQL (§4)"
            },
            q.after.hwm_kib,
        ));
    }
    peaks.push(("relay (§5)", rl.after.hwm_kib));
    for (what, hwm) in peaks {
        let _ = writeln!(
            out,
            "| 6 | memory: peak RSS (VmHWM) during {what} | {} | idle: {} | {:.1}× |",
            mib(hwm),
            mib(w.idle.rss_kib),
            hwm as f64 / w.idle.rss_kib.max(1) as f64
        );
    }

    let _ = writeln!(out, "\n## Goals\n");
    let total = r.bundle.last().cloned().unwrap_or_default();
    let _ = writeln!(
        out,
        "* Bundle ≤ {} gzip for a first visit: {} ({}).",
        kb(BUNDLE_BUDGET),
        yes(total.gzip <= BUNDLE_BUDGET),
        kb(total.gzip)
    );
    let _ = writeln!(
        out,
        "* Writes ≥ {} of bare sqlx doing the same work through the same group commit: **not \
         measured** by this run. Its write baseline (§3) runs one transaction per request on a \
         pool, so owf / baseline there is the gain of owf's group commit less owf's own costs, \
         not owf's cost alone.",
        pct(WRITE_GOAL)
    );
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

    let _ = writeln!(out, "\n## Query plans\n");
    let _ = writeln!(
        out,
        "The SQL is `owf_backend::store::filings::list_statement` — the very text `list_filings` \
         runs — explained with its bound values (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on \
         PostgreSQL). Lines that read a whole table or sort outside an index:\n"
    );
    for q in &r.queries {
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

/// The rows of §3, also printed alone by `owf-bench --only writes`.
pub fn writes_rows(w: &Writes) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| 3 | HTTP floor: `GET /config.json` (a static file: no session, no database), {} requests × {} clients: throughput | {} | — | — |",
        w.requests,
        w.concurrency,
        rate(&w.http_floor),
    );
    for (name, owf, base) in [
        ("create-draft", &w.create, &w.base_create),
        ("declare", &w.declare, &w.base_declare),
    ] {
        let _ = writeln!(
            out,
            "| 3 | {name} over HTTP, {} requests × {} clients (SQLite): throughput | {} | bare sqlx, same statements, one transaction per request on an 8-connection pool (no group commit): {} | {} |",
            w.requests,
            w.concurrency,
            rate(owf),
            rate(base),
            pct(owf.per_sec() / base.per_sec().max(1e-9))
        );
        let _ = writeln!(
            out,
            "| 3 | {name}: latency p50 / p99 | {} | {} | {:.1}× |",
            lat(owf),
            lat(base),
            ratio(owf.p50(), base.p50())
        );
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
