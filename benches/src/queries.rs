//! Queries: the list endpoints over the seeded filings (`--filings`, `--enterprises`: a million
//! over a thousand by default), on SQLite and PostgreSQL, against the same SQL run by bare sqlx;
//! and the plans of that SQL at that size.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use owf_backend::clock::now_ms;
use owf_backend::store::filings::{bind_all, list_statement, ListStatement};
use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::{Dialect, Store};
use owf_shared::api::ListQuery;
use owf_shared::field::FilingKind;
use owf_shared::fixtures;
use owf_shared::status::Status;
use sqlx::Row;

use crate::seed;
use crate::server::{Memory, Owf};
use crate::stats::{self, Load};

/// One condition combination: the HTTP path and the store call it makes.
pub struct Case {
    pub name: &'static str,
    pub collection: &'static str,
    pub kind: Option<FilingKind>,
    pub query: ListQuery,
}

pub struct Measured {
    pub name: &'static str,
    pub owf: Load,
    pub sqlx: Load,
    pub total: i64,
}

/// The plan of one case's statements, as the database prints it.
pub struct Plan {
    pub name: &'static str,
    pub page: Vec<String>,
    pub count: Vec<String>,
}

pub struct Queries {
    pub dialect: &'static str,
    pub filings: usize,
    pub enterprises: usize,
    pub seed_secs: f64,
    pub cases: Vec<Measured>,
    pub plans: Vec<Plan>,
    pub after: Memory,
    /// The whole section on this database, seeding included.
    pub took: Duration,
}

fn date(days_ago: i64) -> String {
    owf_backend::clock::beijing_time(now_ms() - days_ago * 86_400_000)
        .format(&time::macros::format_description!("[year]-[month]-[day]"))
        .expect("date")
}

/// The conditions a clerk uses on the query screens (海外仓资料查询 and 备案查询).
pub fn cases() -> Vec<Case> {
    let page = |n| ListQuery {
        page: Some(n),
        ..ListQuery::default()
    };
    let warehouses = |name, query| Case {
        name,
        collection: "/api/warehouses",
        kind: Some(FilingKind::Warehouse),
        query,
    };
    let last_days = |days| ListQuery {
        decl_from: Some(date(days)),
        decl_to: Some(date(0)),
        ..page(1)
    };
    vec![
        warehouses("default list, newest first", page(1)),
        warehouses("page 2", page(2)),
        warehouses("last page (50)", page(50)),
        warehouses(
            "status = 审核通过",
            ListQuery {
                status: Some(Status::Approved),
                ..page(1)
            },
        ),
        warehouses(
            "status = 暂存, page 2",
            ListQuery {
                status: Some(Status::Draft),
                ..page(2)
            },
        ),
        warehouses("申报日期 last 30 days", last_days(30)),
        warehouses(
            "申报日期 one day (yesterday)",
            ListQuery {
                decl_from: Some(date(1)),
                decl_to: Some(date(1)),
                ..page(1)
            },
        ),
        warehouses(
            "申报日期 last 90 days + status = 审核通过",
            ListQuery {
                status: Some(Status::Approved),
                ..last_days(90)
            },
        ),
        warehouses(
            "海外仓名称 contains \"tokyo\"",
            ListQuery {
                wh_name: Some("tokyo".into()),
                ..page(1)
            },
        ),
        warehouses(
            "海外仓名称 the start of a name \"tokyo hub 01\"",
            ListQuery {
                wh_name: Some("tokyo hub 01".into()),
                ..page(1)
            },
        ),
        warehouses(
            "申请编号 contains \"00000100\"",
            ListQuery {
                apply_no: Some("00000100".into()),
                ..page(1)
            },
        ),
        warehouses(
            "country 502 + sort 申报时间 desc",
            ListQuery {
                country_code: Some("502".into()),
                sort: Some("decl_time".into()),
                desc: true,
                ..page(1)
            },
        ),
        warehouses(
            "sort 海外仓名称 asc, page 3",
            ListQuery {
                sort: Some("wh_name".into()),
                ..page(3)
            },
        ),
        Case {
            name: "备案查询 /api/filings (both kinds)",
            collection: "/api/filings",
            kind: None,
            query: page(1),
        },
        Case {
            name: "备案查询 /api/filings, status = 申报, page 2",
            collection: "/api/filings",
            kind: None,
            query: ListQuery {
                status: Some(Status::Declared),
                ..page(2)
            },
        },
    ]
}

/// Seeds `filings` filings over `enterprises` enterprises into the database at `url`; its store.
pub async fn seeded(url: &str, enterprises: usize, filings: usize) -> Store {
    let store = Store::connect(url)
        .await
        .expect("bench store")
        .with_key_encryption(KeyEncryptionKey::demo());
    let ids = seed::enterprises(&store, enterprises).await;
    seed::filings(&store, url, &ids, filings / enterprises.max(1)).await;
    if store.dialect() == Dialect::Postgres {
        // What autovacuum would do after the load, done now so that it does not run during the
        // measures: statistics for the planner, the visibility map for index-only scans.
        sqlx::query("VACUUM (ANALYZE)")
            .execute(store.write_pool())
            .await
            .expect("vacuum analyze");
    }
    store
}

/// Seeds `filings` filings over `enterprises` enterprises into `url`, serves it, and measures
/// every case with `requests` sequential requests over HTTP and through bare sqlx.
pub async fn run(
    bin: &Path,
    dist: &Path,
    url: &str,
    dialect: &'static str,
    enterprises: usize,
    filings: usize,
    requests: usize,
) -> Queries {
    let started = Instant::now();
    let store = seeded(url, enterprises, filings).await;
    let seed_secs = started.elapsed().as_secs_f64();
    let enterprise_id = seed::zone_enterprise(&store).await.id;
    let server = Owf::start(bin, url, dist, &["--no-relay"]).await;
    let api = server
        .login(fixtures::ZONE.card_no, fixtures::ZONE.password)
        .await;
    let mut measured = Vec::new();
    let mut plans = Vec::new();
    for case in cases() {
        let path = format!("{}?{}", case.collection, query_string(&case.query));
        let (status, first) = api.get(&path).await;
        assert_eq!(status, 200, "{path}: {first}");
        let total = first["total"].as_i64().unwrap_or(0);
        let client = api.clone();
        let owf = stats::run(requests, 1, move |_| {
            let (api, path) = (client.clone(), path.clone());
            async move {
                let (status, _) = api.get(&path).await;
                assert_eq!(status, 200);
            }
        })
        .await;
        let statement = Arc::new(list_statement(enterprise_id, case.kind, &case.query));
        let (s, st) = (store.clone(), statement.clone());
        let sqlx = stats::run(requests, 1, move |_| {
            let (store, statement) = (s.clone(), st.clone());
            async move { run_statement(&store, &statement).await }
        })
        .await;
        plans.push(Plan {
            name: case.name,
            page: explain(&store, &statement.page_sql, &statement).await,
            count: explain(&store, &statement.count_sql, &statement).await,
        });
        measured.push(Measured {
            name: case.name,
            owf,
            sqlx,
            total,
        });
    }
    let after = server.memory();
    Queries {
        dialect,
        filings,
        enterprises,
        seed_secs,
        cases: measured,
        plans,
        after,
        took: started.elapsed(),
    }
}

/// The query string the frontend sends for `q`.
fn query_string(q: &ListQuery) -> String {
    let value = serde_json::to_value(q).expect("query");
    let mut parts = Vec::new();
    if let Some(map) = value.as_object() {
        for (k, v) in map {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            parts.push(format!("{k}={text}"));
        }
    }
    parts.join("&")
}

async fn run_statement(store: &Store, statement: &ListStatement) {
    let _: i64 = bind_all(sqlx::query(&statement.count_sql), &statement.args)
        .fetch_one(store.pool())
        .await
        .expect("count")
        .get(0);
    bind_all(sqlx::query(&statement.page_sql), &statement.args)
        .fetch_all(store.pool())
        .await
        .expect("page");
}

/// The plan of `sql` with the statement's arguments: `EXPLAIN QUERY PLAN` on SQLite (the
/// `detail` column), `EXPLAIN` on PostgreSQL.
async fn explain(store: &Store, sql: &str, statement: &ListStatement) -> Vec<String> {
    let (prefix, column) = match store.dialect() {
        Dialect::Sqlite => ("EXPLAIN QUERY PLAN ", "detail"),
        Dialect::Postgres => ("EXPLAIN ", "QUERY PLAN"),
    };
    let text = format!("{prefix}{sql}");
    bind_all(sqlx::query(&text), &statement.args)
        .fetch_all(store.pool())
        .await
        .expect("explain")
        .iter()
        .map(|r| r.get::<String, _>(column))
        .collect()
}

/// The lines of a plan that read a whole table or index, or sort outside an index: SQLite's
/// `SCAN` and temp B-trees, PostgreSQL's `Seq Scan`, a full `Sort` (not an `Incremental Sort`,
/// which orders ties within an index order) and an index scan without an `Index Cond` (every
/// entry of the index).
pub fn scan_lines(plan: &[String]) -> Vec<String> {
    plan.iter()
        .enumerate()
        .filter(|(i, l)| {
            let l = l.trim_start().trim_start_matches("->  ");
            let whole_index = l.contains("Index") && l.contains("Scan using") && {
                let next = plan.get(i + 1).map_or("", String::as_str);
                !next.contains("Index Cond")
            };
            l.starts_with("SCAN")
                || l.contains("TEMP B-TREE")
                || l.contains("Seq Scan")
                || l.starts_with("Sort  (")
                || whole_index
        })
        .map(|(_, l)| l.trim().to_owned())
        .collect()
}
