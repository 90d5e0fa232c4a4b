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
        "Written by `make bench` (`owf-bench`, benches/). Every figure is set against a baseline \
         measured in the same run on the same machine, as a ratio: absolute times drift here from \
         run to run, ratios much less. The server under test is the release `owf serve` as a \
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
        "| 2 | first render: login form interactive (`owf-login-ready`), median of {} cold loads | {login:.0} ms | static page of {} `domInteractive`: {baseline:.0} ms | {:.1}× |",
        r.render.loads,
        kb(r.render.baseline_bytes),
        login / baseline.max(1e-9)
    );
    let _ = writeln!(
        out,
        "| 2 | first render: query results drawn, logged in (`owf-results-drawn`), median of {} cold loads | {results:.0} ms | same static page: {baseline:.0} ms | {:.1}× |",
        r.render.loads,
        results / baseline.max(1e-9)
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
    out.push_str(&relay_rows(rl, Some(&w.base_declare)));
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
    for (name, owf, base) in [
        ("create-draft", &w.create, &w.base_create),
        ("declare", &w.declare, &w.base_declare),
    ] {
        let share = owf.per_sec() / base.per_sec().max(1e-9);
        let _ = writeln!(
            out,
            "* Writes, {name} ≥ {} of bare sqlx: {} ({}).",
            pct(WRITE_GOAL),
            yes(share >= WRITE_GOAL),
            pct(share)
        );
    }
    let _ = writeln!(
        out,
        "* `make bench` under 15 minutes: owf-bench itself took {:.1} min; the Makefile prints the whole duration.",
        r.duration.as_secs_f64() / 60.0
    );
    out.push_str(NOTES);

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

/// What the figures mean, and the biggest costs found (kept beside the code that measures them).
const NOTES: &str = "
### Notes

* **Bundle** (over budget): the wasm is ~95 % of the gzip bytes of a first visit; the server
  sends `dist/` uncompressed (gzip and brotli are what a compressing proxy or precompressed files
  would send). Already applied (313.2 → 278.9 KB gzip over two sessions): `erase_components`,
  non-generic list/editor/detail views and editor flows, flat routes with the layout around each
  screen instead of nested routes, no `<Show>`/`<A>`, one reader for the rows of 备案查询, JSON
  structs read from objects only, minified HTML/CSS. What remains (twiggy on the optimised
  module, raw): the Leptos view layer `tachys` ~98 KB (view code per reactive closure and view
  type, attribute handlers), `reactive_graph` ~87 KB (per signal value type, per effect), closure
  glue in `core` ~93 KB, `leptos_router` ~33 KB, reading the API's JSON ~47 KB, data ~57 KB
  (dispatch tables, 13 KB of labels and code tables). Leptos, its router and the login page alone
  come to about 131 KB gzip; the budget would need screens loaded on demand (`wasm-split`), which
  trunk cannot build.
* **First render**: the baseline is a static HTML table of the same size as the app's first-visit
  bytes, without script, served by the same `owf serve`; its `domInteractive` includes parsing
  all of it. Every load is cold: a fresh Chromium profile per load.
* **Writes**: owf runs the filing writes through a group-commit queue
  (`backend/src/store/writer.rs`): one task runs every write waiting in one transaction (a write
  that fails rolls the batch back and the others run again), instead of each request's
  transaction sleeping in SQLite's busy handler until the lock is free. The baseline is plain bare
  sqlx: one transaction per write on an 8-connection pool. The two take turns in five rounds,
  so that the drift of this machine weighs on both alike. The HTTP floor row shows that HTTP
  itself (hyper, reqwest, loopback) is cheap next to either. Around the baseline's statements,
  create-draft adds a session lookup, the R3 registration read, validation and JSON, and answers
  with what it wrote instead of reading it back. Declare adds more: the session lookup, one query
  for the filing with its timeline, documents and delivery state (beside it, at the same time,
  the registration read), validation, building and **SM2-signing** the XML message. Trial builds
  on this machine (2026-11-30) measured the parts: leaving out one read raised declare throughput
  by about 20 %, leaving out the signature by about 20 %; a `perf` profile of the declare phase
  puts about 40 % of the server's CPU in thread switches (sqlx hands every SQLite statement to
  the connection's own thread and back) and about 15 % in SM2. So the biggest cost of declare is
  its reads before the write — each a pair of thread hand-offs the baseline does not make — and
  then the signature, which the baseline does not compute at all. `owf-bench --owf … --only
  writes` measures this section alone.
* **Relay**: declarations arrive faster over HTTP than the relay delivers them, so the queue
  grows during the run and the latency 申报 → 发送海关成功 is mostly waiting in the outbox (it is
  the queue depth divided by the relay rate). Per message the relay and the in-process sandbox do:
  a claim, reading the attachments for the envelope, an HTTP POST, SM2 **verification** and
  re-validation in the sandbox, the sandbox's message and receipt rows, the delivery outcome, and
  later two receipts (120, 399). The writes among these go through the same group-commit queue
  as the requests' (before, 32 concurrent deliveries slept in SQLite's busy handler behind each
  other: ~270/s delivered and ~290/s drained, against ~390/s and ~470/s now in trial runs of
  4,000 filings). The drain rate after an outage is the steady relay rate (retries are at most
  1 s apart here: `--relay-max-backoff-ms 1000`).
* **Memory**: VmHWM is the peak of each server process over its whole life (one process per
  section).
* **Query plans**: on SQLite only two plans sort outside an index, and neither scans a table:
  the 申报日期 range reads `filings_decl_time` (enterprise, decl_time) and sorts the rows of the
  range by 创建时间 (bounded by the range); 备案查询 across both kinds had no index giving
  (enterprise, newest first) — `filings_list` starts with `kind` — so all of the enterprise's
  filings were sorted for every page. Migration 0004 adds `filings_recent (enterprise_id,
  created_at)` for both dialects. Before it (run of 2026-11-30 12:18 UTC, same counts):
  `/api/filings` p50 0.8 ms SQLite (plan: `USE TEMP B-TREE FOR ORDER BY`), 1.4 ms PostgreSQL
  (plan: `Sort` over 1,030 rows). On PostgreSQL, `Incremental Sort` only orders ties of an index
  order by `id`; `Seq Scan on enterprises` reads a 100-row table of two pages, where the planner
  rightly prefers it to the primary-key index.
";

/// The rows of §3, also printed alone by `owf-bench --only writes`.
pub fn writes_rows(w: &Writes) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| 3 | HTTP floor: `GET /healthz` (no database), {} requests × {} clients: throughput | {} | — | — |",
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
            "| 3 | {name} over HTTP, {} requests × {} clients (SQLite): throughput | {} | bare sqlx, same statements and transaction: {} | {} |",
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

/// The rows of §5, also printed alone by `owf-bench --only relay` (without the §3 baseline).
pub fn relay_rows(rl: &Relay, base_declare: Option<&Load>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| 5 | relay: {} declarations over HTTP ({} clients) → 发送海关成功, filings/s from first 申报 to last 发送海关成功 | {} | declarations/s over HTTP in the same phase: {} | {} |",
        rl.filings,
        rl.concurrency,
        rate(&rl.delivered),
        rate(&rl.declare),
        pct(rl.delivered.per_sec() / rl.declare.per_sec().max(1e-9))
    );
    let _ = writeln!(
        out,
        "| 5 | relay: 申报 → 发送海关成功 latency p50 / p99 | {} | the declare request itself: {} | {:.1}× |",
        lat(&rl.delivered),
        lat(&rl.declare),
        ratio(rl.delivered.p50(), rl.declare.p50())
    );
    let drain_rate = rl.filings as f64 / rl.drain.as_secs_f64().max(1e-9);
    let (baseline, share) = base_declare.map_or(("—".into(), "—".into()), |base| {
        (
            format!("bare sqlx declare transactions (§3): {}", rate(base)),
            pct(drain_rate / base.per_sec().max(1e-9)),
        )
    });
    let _ = writeln!(
        out,
        "| 5 | relay: drain a backlog of {} after the sandbox comes back up | {:.1} s ({drain_rate:.0}/s) | {baseline} | {share} |",
        rl.filings,
        rl.drain.as_secs_f64(),
    );
    out
}
