//! 订仓单 (booking orders, CEB303 W): drafts with optimistic versions, their lines, and the list
//! of the query screen. The header is a row of `booking_orders`, the lines rows of
//! `booking_order_lines` written in batches of [`LINES_PER_INSERT`] and read in one query.
//! Every statement is scoped by `enterprise_id`.

use std::sync::Arc;

use owf_shared::amendment::AppType;
use owf_shared::booking::api::BookingQuery;
use owf_shared::booking::{BookingForm, BookingLine};
use owf_shared::status::Status;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::filings::{bind_all, status_from, ListArg};
use super::history::{append_history, transition_in, HistoryRecord, Ledger, Transition};
use super::{Store, StoreError};
use crate::clock::{beijing_day_ms, now_ms};

/// Lines written by one INSERT: 11 values each, well under the bound parameters either
/// database takes in one statement (SQLite 32,766, PostgreSQL 65,535).
const LINES_PER_INSERT: usize = 500;

/// The unique index of 订仓单编号 per enterprise (`0015_booking_orders.sql`), and its columns
/// as SQLite names them in a violation.
const ORDER_NO_INDEX: (&str, &str) = (
    "booking_orders_order_no",
    "booking_orders.enterprise_id, booking_orders.order_no",
);

/// A 订仓单's header as stored, with what the enterprise and the warehouse record add.
#[derive(Debug, Clone)]
pub struct BookingRecord {
    pub id: i64,
    pub order_no: String,
    pub warehouse_id: Option<i64>,
    /// 海外仓名称 of the warehouse record.
    pub wh_name: Option<String>,
    pub ebp_code: String,
    pub ebp_name: String,
    pub currency: String,
    pub freight: String,
    pub note: String,
    pub goods_value: Option<String>,
    pub line_count: i64,
    pub status: Status,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// What the latest declaration asked customs (or the next will).
    pub app_type: AppType,
    /// 申报时间 of the latest declaration.
    pub decl_time: Option<i64>,
    /// 回执时间 (C17) and 回执信息 of the latest receipt applied.
    pub last_return_time: Option<String>,
    pub last_return_info: Option<String>,
    /// 电商企业: the enterprise's 海关编码 and name.
    pub ebc_code: String,
    pub ebc_name: String,
}

impl BookingRecord {
    /// The form of this header with `lines`.
    pub fn form(&self, lines: Vec<BookingLine>) -> BookingForm {
        BookingForm {
            order_no: self.order_no.clone(),
            warehouse_id: self.warehouse_id,
            ebp_code: self.ebp_code.clone(),
            ebp_name: self.ebp_name.clone(),
            currency: self.currency.clone(),
            freight: self.freight.clone(),
            note: self.note.clone(),
            lines,
        }
    }
}

/// A 暂存 of a 订仓单: the form, 商品总价 computed from it, and who saved it.
#[derive(Debug, Clone)]
pub struct BookingSave {
    pub enterprise_id: i64,
    pub operator_card_no: String,
    pub form: BookingForm,
    pub goods_value: Option<String>,
}

/// What a 暂存 did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Written: the order's id.
    Done(i64),
    /// The 海外仓 is no warehouse record of the enterprise; nothing written.
    NoWarehouse,
    /// The order is no longer at the version saved over; nothing written.
    Stale,
}

const RECORD_COLUMNS: &str = "b.id, b.order_no, b.warehouse_id, w.wh_name, b.ebp_code, \
     b.ebp_name, b.currency, b.freight, b.note, b.goods_value, b.line_count, b.status, \
     b.version, b.created_at, b.updated_at, b.app_type, b.decl_time, b.last_return_time, \
     b.last_return_info, e.customs_code AS ebc_code, e.name AS ebc_name";

const RECORD_FROM: &str = "booking_orders b JOIN enterprises e ON e.id = b.enterprise_id \
     LEFT JOIN filings w ON w.id = b.warehouse_id";

const LINE_COLUMNS: [&str; 9] = [
    "item_no",
    "item_name",
    "item_describe",
    "bar_code",
    "unit",
    "qty",
    "price",
    "total_price",
    "note",
];

fn record_from_row(row: &AnyRow) -> Result<BookingRecord, sqlx::Error> {
    Ok(BookingRecord {
        id: row.try_get("id")?,
        order_no: row.try_get("order_no")?,
        warehouse_id: row.try_get("warehouse_id")?,
        wh_name: row.try_get("wh_name")?,
        ebp_code: row.try_get("ebp_code")?,
        ebp_name: row.try_get("ebp_name")?,
        currency: row.try_get("currency")?,
        freight: row.try_get("freight")?,
        note: row.try_get("note")?,
        goods_value: row.try_get("goods_value")?,
        line_count: row.try_get("line_count")?,
        status: status_from(row.try_get("status")?)?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        app_type: u8::try_from(row.try_get::<i64, _>("app_type")?)
            .ok()
            .and_then(AppType::from_code)
            .ok_or_else(|| sqlx::Error::Decode("unknown appType".into()))?,
        decl_time: row.try_get("decl_time")?,
        last_return_time: row.try_get("last_return_time")?,
        last_return_info: row.try_get("last_return_info")?,
        ebc_code: row.try_get("ebc_code")?,
        ebc_name: row.try_get("ebc_name")?,
    })
}

fn line_from_row(row: &AnyRow) -> Result<BookingLine, sqlx::Error> {
    Ok(BookingLine {
        item_no: row.try_get("item_no")?,
        item_name: row.try_get("item_name")?,
        item_describe: row.try_get("item_describe")?,
        bar_code: row.try_get("bar_code")?,
        unit: row.try_get("unit")?,
        qty: row.try_get("qty")?,
        price: row.try_get("price")?,
        total_price: row.try_get("total_price")?,
        note: row.try_get("note")?,
    })
}

/// A 订仓单编号 taken by another order of the enterprise, told by the violated index as
/// `filings::duplicate_of` tells its guards; any other error as it is.
fn write_error(e: sqlx::Error, order_no: &str) -> StoreError {
    let taken = e.as_database_error().is_some_and(|db| {
        db.is_unique_violation()
            && match db.constraint() {
                Some(constraint) => constraint == ORDER_NO_INDEX.0,
                None => {
                    db.message().strip_prefix("UNIQUE constraint failed: ")
                        == Some(ORDER_NO_INDEX.1)
                }
            }
    });
    if taken {
        StoreError::OrderNoTaken(order_no.to_owned())
    } else {
        e.into()
    }
}

/// Whether `warehouse_id` is a warehouse record (not an amendment) of the enterprise.
async fn own_warehouse_in(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    warehouse_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let Some(id) = warehouse_id else {
        return Ok(true);
    };
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM filings WHERE id = $1 AND enterprise_id = $2 AND kind = 'warehouse' \
         AND amends_id IS NULL",
    )
    .bind(id)
    .bind(enterprise_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Writes `lines` as the lines of order `order_id`, [`LINES_PER_INSERT`] to a statement.
async fn insert_lines_in(
    conn: &mut AnyConnection,
    order_id: i64,
    lines: &[BookingLine],
) -> Result<(), sqlx::Error> {
    for (batch, chunk) in lines.chunks(LINES_PER_INSERT).enumerate() {
        let width = LINE_COLUMNS.len() + 2;
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let params: Vec<String> =
                    (1..=width).map(|p| format!("${}", i * width + p)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO booking_order_lines (order_id, gnum, {}) VALUES {}",
            LINE_COLUMNS.join(", "),
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (i, line) in chunk.iter().enumerate() {
            let gnum = i64::try_from(batch * LINES_PER_INSERT + i + 1).unwrap_or(i64::MAX);
            query = query.bind(order_id).bind(gnum);
            for value in [
                &line.item_no,
                &line.item_name,
                &line.item_describe,
                &line.bar_code,
                &line.unit,
                &line.qty,
                &line.price,
                &line.total_price,
                &line.note,
            ] {
                query = query.bind(value.as_str());
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

fn line_count(form: &BookingForm) -> i64 {
    i64::try_from(form.lines.len()).unwrap_or(i64::MAX)
}

/// Writes `save` as the header and lines of order `id` (status and version are the caller's).
pub(super) async fn write_content_in(
    conn: &mut AnyConnection,
    id: i64,
    save: &BookingSave,
) -> Result<(), StoreError> {
    let form = &save.form;
    sqlx::query(
        "UPDATE booking_orders SET order_no = $1, warehouse_id = $2, ebp_code = $3, \
         ebp_name = $4, currency = $5, freight = $6, note = $7, goods_value = $8, \
         line_count = $9, operator_card_no = $10 WHERE id = $11 AND enterprise_id = $12",
    )
    .bind(&form.order_no)
    .bind(form.warehouse_id)
    .bind(&form.ebp_code)
    .bind(&form.ebp_name)
    .bind(&form.currency)
    .bind(&form.freight)
    .bind(&form.note)
    .bind(save.goods_value.as_deref())
    .bind(line_count(form))
    .bind(&save.operator_card_no)
    .bind(id)
    .bind(save.enterprise_id)
    .execute(&mut *conn)
    .await
    .map_err(|e| write_error(e, &form.order_no))?;
    sqlx::query("DELETE FROM booking_order_lines WHERE order_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    insert_lines_in(conn, id, &form.lines).await?;
    Ok(())
}

impl Store {
    /// 暂存 of a new 订仓单 with its lines, in one transaction.
    pub async fn create_booking(&self, save: BookingSave) -> Result<Saved, StoreError> {
        let now = now_ms();
        let save = Arc::new(save);
        self.write(move |conn| {
            let save = save.clone();
            Box::pin(async move {
                let form = &save.form;
                if !own_warehouse_in(conn, save.enterprise_id, form.warehouse_id).await? {
                    return Ok(Saved::NoWarehouse);
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO booking_orders (enterprise_id, order_no, warehouse_id, \
                     ebp_code, ebp_name, currency, freight, note, goods_value, line_count, \
                     operator_card_no, status, version, created_at, updated_at) VALUES ($1, $2, \
                     $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13) RETURNING id",
                )
                .bind(save.enterprise_id)
                .bind(&form.order_no)
                .bind(form.warehouse_id)
                .bind(&form.ebp_code)
                .bind(&form.ebp_name)
                .bind(&form.currency)
                .bind(&form.freight)
                .bind(&form.note)
                .bind(save.goods_value.as_deref())
                .bind(line_count(form))
                .bind(&save.operator_card_no)
                .bind(i64::from(Status::Draft.code()))
                .bind(now)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| write_error(e, &form.order_no))?;
                insert_lines_in(conn, id, &form.lines).await?;
                let created = HistoryRecord {
                    at: now,
                    actor: save.operator_card_no.clone(),
                    from: None,
                    to: Status::Draft,
                    note: "新增暂存".into(),
                    detail: String::new(),
                };
                append_history(conn, Ledger::BookingOrders, id, &created).await?;
                Ok(Saved::Done(id))
            })
        })
        .await
    }

    /// 暂存 of order `t.id` per `t` (to 暂存, from the status and version it was decided on):
    /// the header and every line replaced, the version raised by one, the timeline told when
    /// the status changes (a 退单 or 发送海关失败 edited).
    pub async fn save_booking(
        &self,
        t: Transition,
        save: BookingSave,
    ) -> Result<Saved, StoreError> {
        let now = now_ms();
        let (t, save) = (Arc::new(t), Arc::new(save));
        self.write(move |conn| {
            let (t, save) = (t.clone(), save.clone());
            Box::pin(async move {
                if !own_warehouse_in(conn, save.enterprise_id, save.form.warehouse_id).await? {
                    return Ok(Saved::NoWarehouse);
                }
                if !transition_in(conn, Ledger::BookingOrders, save.enterprise_id, &t, now).await? {
                    return Ok(Saved::Stale);
                }
                write_content_in(conn, t.id, &save).await?;
                Ok(Saved::Done(t.id))
            })
        })
        .await
    }

    /// The enterprise's 订仓单 `id` with its lines (one query each); `None` for anything else,
    /// another enterprise's order included.
    pub async fn booking(
        &self,
        enterprise_id: i64,
        id: i64,
    ) -> Result<Option<(BookingRecord, BookingForm)>, StoreError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE b.id = $1 AND b.enterprise_id = $2"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(id)
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let record = record_from_row(&row)?;
        let sql = format!(
            "SELECT {} FROM booking_order_lines WHERE order_id = $1 ORDER BY gnum",
            LINE_COLUMNS.join(", ")
        );
        let lines = sqlx::query(&sql)
            .bind(id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(line_from_row)
            .collect::<Result<_, _>>()?;
        let form = record.form(lines);
        Ok(Some((record, form)))
    }

    /// Deletes the draft `id` at `version`; `false` when it is no longer a draft at that version.
    pub async fn delete_booking(
        &self,
        enterprise_id: i64,
        id: i64,
        version: i64,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            Box::pin(async move {
                let done = sqlx::query(
                    "DELETE FROM booking_orders WHERE id = $1 AND enterprise_id = $2 \
                     AND version = $3 AND status = $4",
                )
                .bind(id)
                .bind(enterprise_id)
                .bind(version)
                .bind(i64::from(Status::Draft.code()))
                .execute(conn)
                .await?;
                Ok(done.rows_affected() > 0)
            })
        })
        .await
    }

    /// One page of the enterprise's 订仓单 matching `q`, newest first unless `q` sorts
    /// otherwise; with the total count.
    pub async fn list_bookings(
        &self,
        enterprise_id: i64,
        q: &BookingQuery,
    ) -> Result<(Vec<BookingRecord>, i64), StoreError> {
        let mut args = vec![ListArg::Int(enterprise_id)];
        let mut conditions = vec!["b.enterprise_id = $1".to_owned()];
        if let Some(prefix) = q.order_no_prefix() {
            // Compared as text, not by LIKE: SQLite's LIKE ignores case, and no wildcard to escape.
            args.push(ListArg::Text(prefix.to_owned()));
            let n = args.len();
            conditions.push(format!("substr(b.order_no, 1, length(${n})) = ${n}"));
        }
        let (from, to) = q.created_range();
        for (condition, arg) in [
            ("b.status =", q.status.map(|s| i64::from(s.code()))),
            ("b.created_at >=", from.map(|d| beijing_day_ms(d).start)),
            ("b.created_at <", to.map(|d| beijing_day_ms(d).end)),
        ] {
            if let Some(arg) = arg {
                args.push(ListArg::Int(arg));
                conditions.push(format!("{condition} ${}", args.len()));
            }
        }
        let filter = conditions.join(" AND ");
        let total: i64 = bind_all(
            sqlx::query(&format!(
                "SELECT COUNT(*) FROM booking_orders b WHERE {filter}"
            )),
            &args,
        )
        .fetch_one(self.pool())
        .await?
        .try_get(0)?;
        let order = match q.sort.as_deref() {
            Some(key) if BookingQuery::SORTABLE.contains(&key) => {
                let dir = if q.desc { "DESC" } else { "ASC" };
                format!("b.{key} {dir}, b.id {dir}")
            }
            _ => "b.created_at DESC, b.id DESC".to_owned(),
        };
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE {filter} ORDER BY {order} \
             LIMIT {} OFFSET {}",
            q.page_size(),
            q.offset()
        );
        let rows = bind_all(sqlx::query(&sql), &args)
            .fetch_all(self.pool())
            .await?;
        let records = rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
        Ok((records, total))
    }
}
