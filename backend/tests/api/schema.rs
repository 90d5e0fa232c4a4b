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
