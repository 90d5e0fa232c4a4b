//! The SQLite and the PostgreSQL migrations (`backend/migrations/{sqlite,postgres}`) define the
//! same tables with the same columns — their names and whether they may be NULL; the types
//! differ by dialect.

use std::collections::BTreeSet;

use owf_backend::store::Store;

use crate::helpers::{postgres_only, sqlite, TestApp};

/// `table.column NULL` or `table.column NOT NULL` of every column of the migrated tables.
type Columns = BTreeSet<String>;

fn column(table: &str, column: &str, nullable: bool) -> String {
    let null = if nullable { "NULL" } else { "NOT NULL" };
    format!("{table}.{column} {null}")
}

async fn sqlite_columns(store: &Store) -> Columns {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT m.name, c.name, c.\"notnull\", c.pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) c \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    // A primary key is never NULL, whether or not SQLite says NOT NULL.
    rows.iter()
        .map(|(table, name, not_null, pk)| column(table, name, *not_null == 0 && *pk == 0))
        .collect()
}

async fn postgres_columns(store: &Store) -> Columns {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(is_nullable AS TEXT) \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.iter()
        .map(|(table, name, nullable)| column(table, name, nullable == "YES"))
        .collect()
}

async fn the_migrations_define_the_same_tables_and_columns(postgres: TestApp) {
    let sqlite = sqlite().await;
    let (sqlite, postgres) = (
        sqlite_columns(&sqlite.store).await,
        postgres_columns(&postgres.store).await,
    );
    assert!(
        sqlite.iter().any(|c| c.starts_with("filings.")),
        "{sqlite:?}"
    );
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
}

postgres_only!(the_migrations_define_the_same_tables_and_columns);

/// A SQLite database migrated up to (not including) migration `upgrade`, holding the rows of
/// `statements`, then opened as `owf` opens it (migrating the rest): its folder and store.
async fn upgraded_at(
    upgrade: &str,
    statements: &[&str],
) -> (crate::common::database::TempDir, Store) {
    use crate::common::database::TempDir;

    let dir =
        TempDir(std::env::temp_dir().join(format!("owf_upgrade_{upgrade}_{}", std::process::id())));
    let old = dir.0.join("migrations");
    std::fs::create_dir_all(&old).unwrap();
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap()
    {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < upgrade {
            std::fs::copy(&path, old.join(name)).unwrap();
        }
    }
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}/owf.db?mode=rwc", dir.0.display());
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for statement in statements {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let store =
        crate::common::database::connect(&format!("sqlite:{}/owf.db", dir.0.display())).await;
    (dir, store)
}

const AN_ENTERPRISE: &str = "INSERT INTO enterprises (id, customs_code, uscc, name, \
     customs_district, in_zone, credit_level, created_at) \
     VALUES (1, '4403000001', 'x', '甲', '5300', 0, '2', 0)";

/// Upgrading a SQLite database to 0016, which rebuilds the outbox so that a message may belong
/// to a 订仓单: a message waiting at the upgrade still belongs to its filing and is sent with
/// the proof documents frozen with it.
#[tokio::test]
async fn the_outbox_rebuild_keeps_waiting_messages_and_their_frozen_documents() {
    let (_dir, store) = upgraded_at(
        "0016",
        &[
            AN_ENTERPRISE,
            "INSERT INTO filings (id, enterprise_id, kind, apply_no, operator_card_no, form_json, \
             trade_modes, status, version, created_at, updated_at) \
             VALUES (5, 1, 'warehouse', 'W1', 'c', '{}', '', 2, 1, 0, 0)",
            "INSERT INTO attachments (id, filing_id, enterprise_id, doc_type, file_name, \
             content_type, size, sha256, content, created_at) \
             VALUES (3, 5, 1, '02', 'l.pdf', 'application/pdf', 2, 'ab', X'2550', 0)",
            "INSERT INTO outbox (id, filing_id, guid, message_type, payload, state, \
             next_attempt_at, created_at) VALUES (7, 5, 'G', 'OWH201', '<x/>', 'pending', 0, 0)",
            "INSERT INTO outbox_attachments (outbox_id, attachment_id, sha256, size) \
             VALUES (7, 3, 'ab', 2)",
        ],
    )
    .await;
    let claimed = store.claim_outbox("test", i64::MAX, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id, claimed[0].owner.id), (7, 5));
    let documents: Vec<_> = claimed[0]
        .documents
        .iter()
        .map(|d| (d.attachment_id, d.sha256.as_str(), d.size))
        .collect();
    assert_eq!(documents, [(3, "ab", 2)]);
}

/// Upgrading a SQLite database to 0017, where an amendment's version becomes a column of its own:
/// the amendments there keep the version their number said, and the one under way still counts
/// as the one at a time.
#[tokio::test]
async fn the_amendments_keep_their_versions_through_the_upgrade() {
    let filing = |id: i64, apply_no: &str, status: i64, amends: &str| {
        format!(
            "INSERT INTO filings (id, enterprise_id, kind, apply_no, operator_card_no, form_json, \
             trade_modes, status, version, created_at, updated_at, amends_id, app_type) \
             VALUES ({id}, 1, 'registration', '{apply_no}', 'c', '{{}}', '', {status}, 1, 0, 0, \
             {amends}, {})",
            if amends == "NULL" { 1 } else { 2 }
        )
    };
    let rows = [
        AN_ENTERPRISE.to_owned(),
        filing(5, "E1", 399, "NULL"),
        filing(6, "E1-2", 399, "5"),
        filing(7, "E1-3", 1, "5"),
    ];
    let statements: Vec<_> = rows.iter().map(String::as_str).collect();
    let (_dir, store) = upgraded_at("0017", &statements).await;
    let versions: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT amend_version FROM filings ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(versions, [None, Some(2), Some(3)]);
    let second_pending = sqlx::query(&filing(8, "E1-4", 1, "5"))
        .execute(store.write_pool())
        .await;
    assert!(second_pending.is_err(), "one amendment at a time");
}
