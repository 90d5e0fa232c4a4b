//! Filings of both kinds — 企业登记 and 海外仓资料 — in one table: drafts with optimistic
//! versions, status changes with their history ([`super::history`]), declaration with its outbox
//! message in the same transaction, and the list queries of the query screens. Every statement is scoped by
//! `enterprise_id`.

use owf_shared::amendment::{record_actions, AppType, Pending};
use owf_shared::api::{AttachmentInfo, ListQuery};
use owf_shared::enterprise::EnterpriseInfo;
use owf_shared::field::{Field, FilingKind};
use owf_shared::form::{RegistrationForm, WarehouseForm};
use owf_shared::lease::LeaseState;
use owf_shared::status::{Action, Status};
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};

use super::history::{append_history, transition_in, HistoryRecord, Ledger, Transition};
use super::outbox::{announce_outbox_in, OutboxState};
use super::{Dialect, Store, StoreError};
use crate::clock::{beijing_compact_date, beijing_day_ms, beijing_today, now_ms};

/// Database name of a filing kind.
pub fn kind_code(kind: FilingKind) -> &'static str {
    match kind {
        FilingKind::Registration => "registration",
        FilingKind::Warehouse => "warehouse",
    }
}

fn kind_from_code(code: &str) -> Result<FilingKind, sqlx::Error> {
    match code {
        "registration" => Ok(FilingKind::Registration),
        "warehouse" => Ok(FilingKind::Warehouse),
        other => Err(sqlx::Error::Decode(
            format!("unknown filing kind {other}").into(),
        )),
    }
}

pub(super) fn status_from(code: i64) -> Result<Status, sqlx::Error> {
    i32::try_from(code)
        .ok()
        .and_then(Status::from_code)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {code}").into()))
}

/// The columns beside `form_json` that queries and uniqueness guards use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexColumns {
    /// 监管方式 codes, stored as `,9810,1210,` so one condition matches either kind.
    pub trade_modes: Vec<String>,
    pub wh_name: Option<String>,
    /// 海外仓名称 compared case- and space-insensitively.
    pub wh_name_key: Option<String>,
    pub wh_code: Option<String>,
    pub country_code: Option<String>,
    /// 详细地址 normalised for the one-warehouse-one-form guard.
    pub address_key: Option<String>,
    pub ownership: Option<String>,
    /// 租赁截止日期 (ISO) of a leased warehouse, for the 租期将满/已过期 conditions.
    pub lease_end: Option<String>,
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

impl IndexColumns {
    /// The columns of a 企业登记: its 监管方式.
    pub fn of_registration(form: &RegistrationForm) -> Self {
        IndexColumns {
            trade_modes: form.trade_modes.clone(),
            ..IndexColumns::default()
        }
    }

    /// The columns of a 海外仓资料; 租赁截止日期 only where the warehouse is leased and the date
    /// is real.
    pub fn of_warehouse(form: &WarehouseForm) -> Self {
        IndexColumns {
            trade_modes: non_empty(&form.trade_mode).into_iter().collect(),
            wh_name: non_empty(&form.wh_name),
            wh_name_key: normalised_key(&form.wh_name),
            wh_code: non_empty(&form.wh_code),
            country_code: non_empty(&form.country_code),
            address_key: normalised_key(&form.wh_address),
            ownership: non_empty(&form.ownership),
            lease_end: LeaseState::of_warehouse(&form.ownership, &form.lease_end, beijing_today())
                .map(|_| form.lease_end.clone()),
        }
    }

    /// The columns of a stored form of `kind`.
    pub fn of_stored(kind: FilingKind, form_json: &str) -> Result<Self, sqlx::Error> {
        let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
        Ok(match kind {
            FilingKind::Registration => {
                Self::of_registration(&serde_json::from_str(form_json).map_err(decode)?)
            }
            FilingKind::Warehouse => {
                Self::of_warehouse(&serde_json::from_str(form_json).map_err(decode)?)
            }
        })
    }
}

/// Letters and digits only, lower-cased: `"12 Main St., Ontario"` and `"12 main st ontario"`
/// are the same key.
pub fn normalised_key(text: &str) -> Option<String> {
    let key: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    (!key.is_empty()).then_some(key)
}

/// Which uniqueness guard a write ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    /// The enterprise already has a 企业登记.
    Registration,
    WarehouseName,
    WarehouseCode,
    WarehouseAddress,
    /// The approved filing already has an amendment (变更/注销) under way.
    PendingAmendment,
}

/// Each guard with the unique index of `filings` that enforces it (`0002_filings.sql` of both
/// databases, `filings_one_pending` of 0013 and 0017), and that index's columns as SQLite names them.
const GUARDS: [(Duplicate, &str, &str); 5] = [
    (
        Duplicate::Registration,
        "filings_one_registration",
        "filings.enterprise_id",
    ),
    (
        Duplicate::WarehouseName,
        "filings_wh_name_key",
        "filings.enterprise_id, filings.wh_name_key",
    ),
    (
        Duplicate::WarehouseCode,
        "filings_wh_code",
        "filings.enterprise_id, filings.wh_code",
    ),
    (
        Duplicate::WarehouseAddress,
        "filings_address_key",
        "filings.enterprise_id, filings.country_code, filings.address_key",
    ),
    (
        Duplicate::PendingAmendment,
        "filings_one_pending",
        "filings.amends_id",
    ),
];

/// The guard a unique violation ran into, by the violated index. PostgreSQL names the index
/// (sqlx's `DatabaseError::constraint`); SQLite does not, its message lists the index's columns
/// instead (`UNIQUE constraint failed: filings.enterprise_id, filings.wh_code`), and as no two
/// guards have the same columns, the columns name the index there. Any other violation (a
/// 申请编号 taken, say) is no duplicate the user made: `None`.
fn duplicate_of(e: &sqlx::Error) -> Option<Duplicate> {
    let db = e.as_database_error()?;
    if !db.is_unique_violation() {
        return None;
    }
    let sqlite_columns = db.message().strip_prefix("UNIQUE constraint failed: ");
    GUARDS
        .iter()
        .find(|(_, index, columns)| match db.constraint() {
            Some(constraint) => constraint == *index,
            None => sqlite_columns == Some(*columns),
        })
        .map(|(duplicate, ..)| *duplicate)
}

pub(super) fn write_error(e: sqlx::Error) -> StoreError {
    match duplicate_of(&e) {
        Some(d) => StoreError::Duplicate(d),
        None => e.into(),
    }
}

/// A filing as stored.
#[derive(Debug, Clone)]
pub struct FilingRecord {
    pub id: i64,
    pub enterprise_id: i64,
    pub kind: FilingKind,
    /// 企业申请编号 or 申请编号
    pub apply_no: String,
    /// 企业申请编号 of the registration a warehouse belongs to.
    pub registration_apply_no: Option<String>,
    pub operator_card_no: String,
    pub form_json: String,
    pub trade_modes: Vec<String>,
    pub status: Status,
    pub version: i64,
    pub decl_time: Option<i64>,
    pub last_return_time: Option<String>,
    pub last_return_info: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// 企业名称 and 海关编码 of the owning enterprise.
    pub ent_name: String,
    pub customs_code: String,
    pub wh_name: Option<String>,
    pub country_code: Option<String>,
    pub ownership: Option<String>,
    pub lease_end: Option<String>,
    /// What the filing asks customs: 新增, or — for an amendment — 变更 / 注销 of `amends_id`.
    pub app_type: AppType,
    /// The approved filing an amendment amends.
    pub amends_id: Option<i64>,
    /// 注销原因 of a cancellation.
    pub amend_reason: Option<String>,
    /// The version an amendment becomes once approved (`None` for a 新增).
    pub amend_version: Option<i64>,
    /// The amendment under way on an approved filing, if any.
    pub pending: Option<Pending>,
}

impl FilingRecord {
    /// Whether this record accepts `action` now: the shared rule for what it is and its status
    /// ([`owf_shared::amendment::record_actions`]), the same the browser shows buttons by.
    pub fn allows(&self, action: Action) -> bool {
        record_actions(self.amendment(), self.status).contains(&action)
    }

    /// What the record is, as the shared rules take it: `None` for a filing of its own, else
    /// 变更 or 注销.
    pub fn amendment(&self) -> Option<AppType> {
        self.amends_id.map(|_| self.app_type)
    }

    /// The 申请编号 customs knows the filing by: an amendment's row is numbered
    /// `{申请编号}-{n}` after the approved filing's.
    pub fn customs_apply_no(&self) -> &str {
        self.apply_no.split('-').next().unwrap_or_default()
    }
}

const RECORD_COLUMNS: &str = "f.id, f.enterprise_id, f.kind, f.apply_no, \
     (SELECT r.apply_no FROM filings r WHERE r.id = f.registration_id) AS registration_apply_no, \
     f.operator_card_no, f.form_json, f.trade_modes, f.status, f.version, f.decl_time, \
     f.last_return_time, f.last_return_info, f.created_at, f.updated_at, e.name AS ent_name, \
     e.customs_code, f.wh_name, f.country_code, f.ownership, f.lease_end, f.app_type, \
     f.amends_id, f.amend_reason, f.amend_version, \
     (SELECT a.id || ',' || a.app_type || ',' || a.status FROM filings a \
     WHERE a.amends_id = f.id AND a.status NOT IN (399, 8)) AS pending";

/// The amendment under way as [`RECORD_COLUMNS`] reads it: `id,app_type,status`.
fn pending_from(text: Option<String>) -> Result<Option<Pending>, sqlx::Error> {
    let Some(text) = text else { return Ok(None) };
    let bad = || sqlx::Error::Decode(format!("bad pending amendment {text}").into());
    let mut parts = text.split(',').map(str::parse::<i64>);
    let (Some(Ok(id)), Some(Ok(app_type)), Some(Ok(status))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    Ok(Some(Pending {
        id,
        app_type: app_type_from(app_type)?,
        status: status_from(status)?,
    }))
}

pub(super) fn app_type_from(code: i64) -> Result<AppType, sqlx::Error> {
    u8::try_from(code)
        .ok()
        .and_then(AppType::from_code)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown appType {code}").into()))
}

const RECORD_FROM: &str = "filings f JOIN enterprises e ON e.id = f.enterprise_id";

/// The row that holds a filing's current documents: once approved, the row whose declaration
/// its latest version came from (an approved 变更 brings its own; a 注销 carries none), else
/// the filing itself. Stands for `{CURRENT_DOCUMENTS}` in the statements of [`parts_sql`].
pub(super) const CURRENT_DOCUMENTS: &str = "COALESCE((SELECT v.source_id FROM filing_versions v \
     WHERE v.filing_id = f.id AND v.app_type <> 3 ORDER BY v.version_no DESC LIMIT 1), f.id)";

/// A filing's timeline — its own steps and those of its amendments — documents and latest
/// message as JSON columns beside its record (SQLite).
const PARTS_SQLITE: &str = "\
    (SELECT json_group_array(json_object('at', h.at, 'actor', h.actor, \
       'from_status', h.from_status, 'to_status', h.to_status, 'note', h.note, \
       'detail', h.detail, 'actor_name', u.name, \
       'amendment_id', a.id, 'amend_version', a.amend_version, 'app_type', a.app_type) ORDER BY h.id) \
     FROM filing_history h LEFT JOIN filings a ON a.id = h.filing_id AND a.amends_id = f.id \
     LEFT JOIN users u ON u.card_no = h.actor AND u.enterprise_id = f.enterprise_id \
     WHERE h.filing_id = f.id OR a.id IS NOT NULL) AS history_json, \
    (SELECT json_group_array(json_object('id', a.id, 'doc_type', a.doc_type, \
       'file_name', a.file_name, 'size', a.size, 'sha256', a.sha256, \
       'content_type', a.content_type) ORDER BY a.id) \
     FROM attachments a WHERE a.filing_id = {CURRENT_DOCUMENTS}) AS attachments_json, \
    (SELECT json_object('state', o.state, 'attempts', o.attempts, \
       'next_attempt_at', o.next_attempt_at, 'last_error', o.last_error) \
     FROM outbox o WHERE o.filing_id = f.id ORDER BY o.id DESC LIMIT 1) AS outbox_json";

/// The same for PostgreSQL.
const PARTS_POSTGRES: &str = "\
    (SELECT COALESCE(json_agg(json_build_object('at', h.at, 'actor', h.actor, \
       'from_status', h.from_status, 'to_status', h.to_status, 'note', h.note, \
       'detail', h.detail, 'actor_name', u.name, \
       'amendment_id', a.id, 'amend_version', a.amend_version, 'app_type', a.app_type) ORDER BY h.id), '[]')::text \
     FROM filing_history h LEFT JOIN filings a ON a.id = h.filing_id AND a.amends_id = f.id \
     LEFT JOIN users u ON u.card_no = h.actor AND u.enterprise_id = f.enterprise_id \
     WHERE h.filing_id = f.id OR a.id IS NOT NULL) AS history_json, \
    (SELECT COALESCE(json_agg(json_build_object('id', a.id, 'doc_type', a.doc_type, \
       'file_name', a.file_name, 'size', a.size, 'sha256', a.sha256, \
       'content_type', a.content_type) ORDER BY a.id), '[]')::text \
     FROM attachments a WHERE a.filing_id = {CURRENT_DOCUMENTS}) AS attachments_json, \
    (SELECT json_build_object('state', o.state, 'attempts', o.attempts, \
       'next_attempt_at', o.next_attempt_at, 'last_error', o.last_error)::text \
     FROM outbox o WHERE o.filing_id = f.id ORDER BY o.id DESC LIMIT 1) AS outbox_json";

/// The statement of [`Store::registration_of`] (`$1` enterprise id): the registration in force,
/// else the latest cancelled one. Public, as
/// [`list_statement`], so that the benchmark's baselines run the very text.
pub fn registration_sql() -> String {
    format!(
        "SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} \
         WHERE f.enterprise_id = $1 AND f.kind = 'registration' AND f.amends_id IS NULL \
         ORDER BY f.status = {cancelled}, f.id DESC LIMIT 1",
        cancelled = Status::Cancelled.code()
    )
}

/// The statement of [`Store::filing_parts`] (`$1` filing id, `$2` enterprise id, `$3` kind).
/// Public for the same reason as [`registration_sql`].
pub fn parts_sql(dialect: Dialect) -> String {
    let parts = match dialect {
        Dialect::Sqlite => PARTS_SQLITE,
        Dialect::Postgres => PARTS_POSTGRES,
    };
    let parts = parts.replace("{CURRENT_DOCUMENTS}", CURRENT_DOCUMENTS);
    format!(
        "SELECT {RECORD_COLUMNS}, {parts} FROM {RECORD_FROM} \
         WHERE f.id = $1 AND f.enterprise_id = $2 AND f.kind = $3"
    )
}

#[derive(Deserialize)]
struct HistoryJson {
    at: i64,
    actor: String,
    from_status: Option<i64>,
    to_status: i64,
    note: String,
    detail: String,
    /// The operator's name when the actor is a user's IC卡号.
    actor_name: Option<String>,
    /// The amendment's own record, when the step is one of an amendment.
    amendment_id: Option<i64>,
    /// The version the amendment becomes once approved, when the step is one of an amendment.
    amend_version: Option<i64>,
    app_type: Option<i64>,
}

impl HistoryJson {
    /// The step's note, naming the amendment it belongs to: "变更（版本 2）：…".
    fn note(&self) -> Result<String, sqlx::Error> {
        let (Some(version), Some(app_type)) = (self.amend_version, self.app_type) else {
            return Ok(self.note.clone());
        };
        let label = app_type_from(app_type)?.label();
        Ok(format!("{label}（版本 {version}）：{}", self.note))
    }
}

fn from_json<T: for<'de> Deserialize<'de>>(row: &AnyRow, column: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(&row.try_get::<String, _>(column)?)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn record_from_row(row: &AnyRow) -> Result<FilingRecord, sqlx::Error> {
    let modes: String = row.try_get("trade_modes")?;
    Ok(FilingRecord {
        id: row.try_get("id")?,
        enterprise_id: row.try_get("enterprise_id")?,
        kind: kind_from_code(&row.try_get::<String, _>("kind")?)?,
        apply_no: row.try_get("apply_no")?,
        registration_apply_no: row.try_get("registration_apply_no")?,
        operator_card_no: row.try_get("operator_card_no")?,
        form_json: row.try_get("form_json")?,
        trade_modes: modes
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        status: status_from(row.try_get("status")?)?,
        version: row.try_get("version")?,
        decl_time: row.try_get("decl_time")?,
        last_return_time: row.try_get("last_return_time")?,
        last_return_info: row.try_get("last_return_info")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        ent_name: row.try_get("ent_name")?,
        customs_code: row.try_get("customs_code")?,
        wh_name: row.try_get("wh_name")?,
        country_code: row.try_get("country_code")?,
        ownership: row.try_get("ownership")?,
        lease_end: row.try_get("lease_end")?,
        app_type: app_type_from(row.try_get("app_type")?)?,
        amends_id: row.try_get("amends_id")?,
        amend_reason: row.try_get("amend_reason")?,
        amend_version: row.try_get("amend_version")?,
        pending: pending_from(row.try_get("pending")?)?,
    })
}

/// The statement of 暂存. A warehouse amendment holds in the guarded columns (海外仓名称, 编号,
/// 地址) only the values that differ from the approved filing's, so that it reserves what it
/// changes without colliding with the filing it amends (`0013_amendments.sql`).
const SAVE_SQL: &str = "UPDATE filings SET form_json = $1, trade_modes = $2, wh_name = $3, \
     wh_name_key = CASE WHEN amends_id IS NULL THEN $4 ELSE (SELECT CASE WHEN r.wh_name_key = $4 \
       THEN NULL ELSE $4 END FROM filings r WHERE r.id = filings.amends_id) END, \
     wh_code = CASE WHEN amends_id IS NULL THEN $5 ELSE (SELECT CASE WHEN r.wh_code = $5 \
       THEN NULL ELSE $5 END FROM filings r WHERE r.id = filings.amends_id) END, \
     country_code = $6, \
     address_key = CASE WHEN amends_id IS NULL THEN $7 ELSE (SELECT CASE WHEN \
       r.country_code = $6 AND r.address_key = $7 THEN NULL ELSE $7 END FROM filings r \
       WHERE r.id = filings.amends_id) END, \
     ownership = $8, operator_card_no = $9, lease_end = $11 WHERE id = $10";

/// A filing by id inside a write.
pub(super) async fn record_by_id_in(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<FilingRecord, sqlx::Error> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE f.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(conn).await?;
    record_from_row(&row)
}

/// Writes `form_json` and its index columns into the filing `id` ([`SAVE_SQL`]), `operator` its
/// 录入人: 暂存 of any filing, and an approved 变更 becoming its filing's content.
pub(super) async fn write_form_in(
    conn: &mut AnyConnection,
    id: i64,
    operator: &str,
    form_json: &str,
    index: &IndexColumns,
) -> Result<(), StoreError> {
    sqlx::query(SAVE_SQL)
        .bind(form_json)
        .bind(joined_modes(&index.trade_modes))
        .bind(index.wh_name.as_deref())
        .bind(index.wh_name_key.as_deref())
        .bind(index.wh_code.as_deref())
        .bind(index.country_code.as_deref())
        .bind(index.address_key.as_deref())
        .bind(index.ownership.as_deref())
        .bind(operator)
        .bind(id)
        .bind(index.lease_end.as_deref())
        .execute(conn)
        .await
        .map_err(write_error)?;
    Ok(())
}

/// A message for customs, written to the outbox with the declaration.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub guid: String,
    pub message_type: String,
    pub payload: String,
}

/// A new draft (暂存).
#[derive(Debug, Clone)]
pub struct NewFiling<'a> {
    pub kind: FilingKind,
    pub enterprise: &'a EnterpriseInfo,
    /// The 企业登记 a warehouse belongs to.
    pub registration: Option<&'a FilingRecord>,
    pub operator_card_no: &'a str,
    pub form_json: String,
    pub index: IndexColumns,
}

/// A step of the timeline with the name of the operator who took it.
#[derive(Debug, Clone)]
pub struct TimelineStep {
    pub entry: HistoryRecord,
    /// `None` for 系统 and 海关.
    pub actor_name: Option<String>,
    /// On an approved filing's timeline, the amendment the step belongs to.
    pub amendment_id: Option<i64>,
}

/// A filing with everything its detail shows.
#[derive(Debug, Clone)]
pub struct FilingParts {
    pub record: FilingRecord,
    /// Oldest first.
    pub history: Vec<TimelineStep>,
    /// Oldest first, without their content.
    pub attachments: Vec<AttachmentInfo>,
    /// Delivery state of the latest message, once declared.
    pub outbox: Option<OutboxState>,
}

/// A new draft as stored, with its first history entry.
#[derive(Debug, Clone)]
pub struct Created {
    pub record: FilingRecord,
    pub entry: HistoryRecord,
}

/// A declared filing as the declaration left it: the record, the history entry appended and the
/// state of the message waiting in the outbox.
#[derive(Debug, Clone)]
pub struct Declared {
    pub record: FilingRecord,
    pub entry: HistoryRecord,
    pub outbox: OutboxState,
}

pub(super) fn joined_modes(modes: &[String]) -> String {
    format!(",{},", modes.join(","))
}

fn like_contains(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

/// A bound value of a statement built at run time (a list query, a one-statement write), in `$N`
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListArg {
    Int(i64),
    Text(String),
}

/// The SQL of one list query: the total count and the page, sharing one argument list.
#[derive(Debug, Clone)]
pub struct ListStatement {
    pub count_sql: String,
    pub page_sql: String,
    pub args: Vec<ListArg>,
}

/// The WHERE conditions of a list query, with their arguments.
struct Conditions {
    conditions: Vec<String>,
    args: Vec<ListArg>,
}

impl Conditions {
    fn push(&mut self, condition: impl FnOnce(usize) -> String, arg: ListArg) {
        self.args.push(arg);
        let n = self.args.len();
        self.conditions.push(condition(n));
    }
}

fn sort_column(field: Field) -> &'static str {
    match field {
        Field::EntApplyNo | Field::WhApplyNo => "f.apply_no",
        Field::EntName => "e.name",
        Field::CustomsCode => "e.customs_code",
        Field::TradeMode => "f.trade_modes",
        Field::WhName => "f.wh_name",
        Field::CountryCode => "f.country_code",
        Field::Status => "f.status",
        Field::LastReturnTime => "f.last_return_time",
        _ => "f.decl_time",
    }
}

/// Binds `args` to `query` in order.
pub fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [ListArg],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            ListArg::Int(v) => query.bind(*v),
            ListArg::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

/// The statements [`Store::list_filings`] runs for the enterprise's filings matching `q` (of one
/// kind, or both when `None`), newest first unless `q` sorts otherwise. Public so that query
/// plans can be inspected (`owf-bench`).
pub fn list_statement(
    enterprise_id: i64,
    kind: Option<FilingKind>,
    q: &ListQuery,
) -> ListStatement {
    let mut sql = Conditions {
        conditions: Vec::new(),
        args: Vec::new(),
    };
    sql.push(
        |n| format!("f.enterprise_id = ${n}"),
        ListArg::Int(enterprise_id),
    );
    // Amendments show on the approved filing they amend, not as rows of their own.
    sql.conditions.push("f.amends_id IS NULL".to_owned());
    if let Some(kind) = kind {
        sql.push(
            |n| format!("f.kind = ${n}"),
            ListArg::Text(kind_code(kind).into()),
        );
    }
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if let Some(v) = text(&q.customs_code) {
        sql.push(
            |n| format!("e.customs_code = ${n}"),
            ListArg::Text(v.to_uppercase()),
        );
    }
    // Contains-searches, case-insensitive, with LIKE wildcards in the input taken literally.
    for (column, value) in [
        ("f.apply_no", &q.apply_no),
        ("e.name", &q.ent_name),
        ("f.wh_name", &q.wh_name),
    ] {
        if let Some(v) = text(value) {
            sql.push(
                |n| format!("LOWER({column}) LIKE ${n} ESCAPE '\\'"),
                ListArg::Text(like_contains(&v)),
            );
        }
    }
    if let Some(v) = text(&q.country_code) {
        sql.push(|n| format!("f.country_code = ${n}"), ListArg::Text(v));
    }
    if let Some(v) = text(&q.trade_mode) {
        sql.push(
            |n| format!("f.trade_modes LIKE ${n}"),
            ListArg::Text(format!("%,{v},%")),
        );
    }
    if let Some(status) = q.status {
        sql.push(
            |n| format!("f.status = ${n}"),
            ListArg::Int(i64::from(status.code())),
        );
    }
    let date = |v: &Option<String>| text(v).and_then(|d| owf_shared::ids::Date::parse(&d).ok());
    if let Some(from) = date(&q.decl_from) {
        sql.push(
            |n| format!("f.decl_time >= ${n}"),
            ListArg::Int(beijing_day_ms(from).start),
        );
    }
    if let Some(to) = date(&q.decl_to) {
        sql.push(
            |n| format!("f.decl_time < ${n}"),
            ListArg::Int(beijing_day_ms(to).end),
        );
    }
    if let Some(lease) = q.lease {
        let (from, to) = lease.end_range(beijing_today());
        sql.push(|n| format!("f.ownership = ${n}"), ListArg::Text("2".into()));
        for (bound, op) in [(from, ">="), (to, "<=")] {
            if let Some(date) = bound {
                sql.push(
                    |n| format!("f.lease_end {op} ${n}"),
                    ListArg::Text(date.to_string()),
                );
            }
        }
    }
    let filter = sql.conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM {RECORD_FROM} WHERE {filter}");
    let order = match q.sort_field() {
        Some(field) => {
            let dir = if q.desc { "DESC" } else { "ASC" };
            format!("{} {dir}, f.id {dir}", sort_column(field))
        }
        None => "f.created_at DESC, f.id DESC".to_owned(),
    };
    let page_sql = format!(
        "SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE {filter} ORDER BY {order} \
         LIMIT {} OFFSET {}",
        q.page_size(),
        q.offset()
    );
    ListStatement {
        count_sql,
        page_sql,
        args: sql.args,
    }
}

/// 申报 of `record` inside a write: status per `t`, history, the outbox message and its frozen
/// proof documents. `None` when the version is stale.
pub(super) async fn declare_in(
    conn: &mut AnyConnection,
    dialect: Dialect,
    record: FilingRecord,
    t: Transition,
    message: OutboxMessage,
    now: i64,
) -> Result<Option<Declared>, StoreError> {
    if !transition_in(conn, Ledger::Filings, record.enterprise_id, &t, now).await? {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE filings SET decl_time = $1, operator_card_no = $2, \
         last_return_time = NULL, last_return_info = NULL WHERE id = $3",
    )
    .bind(now)
    .bind(&t.actor)
    .bind(t.id)
    .execute(&mut *conn)
    .await?;
    let outbox_id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (filing_id, guid, message_type, payload, state, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'pending', $5, $5) \
         RETURNING id",
    )
    .bind(t.id)
    .bind(&message.guid)
    .bind(&message.message_type)
    .bind(&message.payload)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Store::freeze_attachments_in(conn, outbox_id, t.id).await?;
    announce_outbox_in(conn, dialect).await?;
    Ok(Some(Declared {
        entry: t.entry(now),
        record: FilingRecord {
            status: t.to,
            version: t.version + 1,
            updated_at: now,
            decl_time: Some(now),
            operator_card_no: t.actor,
            last_return_time: None,
            last_return_info: None,
            ..record
        },
        outbox: OutboxState {
            state: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
        },
    }))
}

impl Store {
    /// Next 申请编号: `prefix` + yyyyMMdd (Beijing date) + 9-digit daily sequence.
    async fn next_apply_no(
        conn: &mut AnyConnection,
        prefix: char,
        date: &str,
    ) -> Result<String, sqlx::Error> {
        let name = format!("{prefix}{date}");
        let value: i64 = sqlx::query_scalar(
            "INSERT INTO sequences (name, value) VALUES ($1, 1) \
             ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value",
        )
        .bind(&name)
        .fetch_one(conn)
        .await?;
        Ok(format!("{name}{value:09}"))
    }

    /// Saves a new draft and its first history entry; returns it as stored, so that nothing
    /// needs to be read back.
    pub async fn create_filing(&self, new: &NewFiling<'_>) -> Result<Created, StoreError> {
        let now = now_ms();
        let prefix = match new.kind {
            FilingKind::Registration => 'E',
            FilingKind::Warehouse => 'W',
        };
        let ix = new.index.clone();
        let registration_id = new.registration.map(|r| r.id);
        let record = FilingRecord {
            id: 0,
            enterprise_id: new.enterprise.id,
            kind: new.kind,
            apply_no: String::new(),
            registration_apply_no: new.registration.map(|r| r.apply_no.clone()),
            operator_card_no: new.operator_card_no.to_owned(),
            form_json: new.form_json.clone(),
            trade_modes: ix.trade_modes.clone(),
            status: Status::Draft,
            version: 1,
            decl_time: None,
            last_return_time: None,
            last_return_info: None,
            created_at: now,
            updated_at: now,
            ent_name: new.enterprise.name.clone(),
            customs_code: new.enterprise.customs_code.clone(),
            wh_name: ix.wh_name.clone(),
            country_code: ix.country_code.clone(),
            ownership: ix.ownership.clone(),
            lease_end: ix.lease_end.clone(),
            app_type: AppType::New,
            amends_id: None,
            amend_reason: None,
            amend_version: None,
            pending: None,
        };
        let entry = HistoryRecord {
            at: now,
            actor: record.operator_card_no.clone(),
            from: None,
            to: Status::Draft,
            note: "新增暂存".into(),
            detail: String::new(),
        };
        self.write(move |conn| {
            let (mut record, entry, ix) = (record.clone(), entry.clone(), ix.clone());
            Box::pin(async move {
                record.apply_no =
                    Self::next_apply_no(conn, prefix, &beijing_compact_date(now)).await?;
                record.id = sqlx::query_scalar(
                    "INSERT INTO filings (enterprise_id, kind, apply_no, registration_id, \
                         operator_card_no, form_json, trade_modes, wh_name, wh_name_key, wh_code, \
                         country_code, address_key, ownership, lease_end, status, version, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
                         $10, $11, $12, $13, $16, $14, 1, $15, $15) RETURNING id",
                )
                .bind(record.enterprise_id)
                .bind(kind_code(record.kind))
                .bind(&record.apply_no)
                .bind(registration_id)
                .bind(&record.operator_card_no)
                .bind(&record.form_json)
                .bind(joined_modes(&ix.trade_modes))
                .bind(ix.wh_name.as_deref())
                .bind(ix.wh_name_key.as_deref())
                .bind(ix.wh_code.as_deref())
                .bind(ix.country_code.as_deref())
                .bind(ix.address_key.as_deref())
                .bind(ix.ownership.as_deref())
                .bind(i64::from(Status::Draft.code()))
                .bind(now)
                .bind(ix.lease_end.as_deref())
                .fetch_one(&mut *conn)
                .await
                .map_err(write_error)?;
                append_history(conn, Ledger::Filings, record.id, &entry).await?;
                Ok(Created { record, entry })
            })
        })
        .await
    }

    /// A filing of the enterprise, of the given kind; `None` for anything else (including another
    /// enterprise's record).
    pub async fn filing(
        &self,
        enterprise_id: i64,
        kind: FilingKind,
        id: i64,
    ) -> Result<Option<FilingRecord>, StoreError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} \
             WHERE f.id = $1 AND f.enterprise_id = $2 AND f.kind = $3"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(enterprise_id)
            .bind(kind_code(kind))
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record_from_row).transpose()?)
    }

    /// The enterprise's 企业登记, if it has one.
    pub async fn registration_of(
        &self,
        enterprise_id: i64,
    ) -> Result<Option<FilingRecord>, StoreError> {
        let row = sqlx::query(&registration_sql())
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record_from_row).transpose()?)
    }

    /// A filing of the enterprise with everything its detail shows — timeline, documents,
    /// delivery state — in one query; `None` as for [`Store::filing`].
    pub async fn filing_parts(
        &self,
        enterprise_id: i64,
        kind: FilingKind,
        id: i64,
    ) -> Result<Option<FilingParts>, StoreError> {
        let Some(row) = sqlx::query(&parts_sql(self.dialect()))
            .bind(id)
            .bind(enterprise_id)
            .bind(kind_code(kind))
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let history: Vec<HistoryJson> = from_json(&row, "history_json")?;
        let outbox: Option<String> = row.try_get("outbox_json")?;
        Ok(Some(FilingParts {
            record: record_from_row(&row)?,
            history: history
                .into_iter()
                .map(|h| -> Result<_, sqlx::Error> {
                    Ok(TimelineStep {
                        entry: HistoryRecord {
                            note: h.note()?,
                            at: h.at,
                            actor: h.actor,
                            from: h.from_status.map(status_from).transpose()?,
                            to: status_from(h.to_status)?,
                            detail: h.detail,
                        },
                        actor_name: h.actor_name,
                        amendment_id: h.amendment_id,
                    })
                })
                .collect::<Result<_, _>>()?,
            attachments: from_json(&row, "attachments_json")?,
            outbox: outbox
                .map(|json| serde_json::from_str(&json))
                .transpose()
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        }))
    }

    /// 暂存 of an existing filing: new form and index columns, status per `t.to` (an
    /// amendment keeps only the guarded values it changes, see [`SAVE_SQL`]). `false` when the
    /// version is stale.
    pub async fn save_filing(
        &self,
        enterprise_id: i64,
        t: Transition,
        form_json: String,
        index: IndexColumns,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        self.write(move |conn| {
            let (t, form_json, index) = (t.clone(), form_json.clone(), index.clone());
            Box::pin(async move {
                if !transition_in(conn, Ledger::Filings, enterprise_id, &t, now).await? {
                    return Ok(false);
                }
                write_form_in(conn, t.id, &t.actor, &form_json, &index).await?;
                Ok(true)
            })
        })
        .await
    }

    /// 申报 of `record`: status 申报中, history, the outbox message and its frozen proof
    /// documents in one transaction.
    /// Returns the filing as the declaration left it; `None` when the version is stale (nothing
    /// written).
    pub async fn declare_filing(
        &self,
        record: FilingRecord,
        t: Transition,
        message: OutboxMessage,
    ) -> Result<Option<Declared>, StoreError> {
        let now = now_ms();
        let dialect = self.dialect();
        let declared = self
            .write(move |conn| {
                let (record, t, message) = (record.clone(), t.clone(), message.clone());
                Box::pin(async move { declare_in(conn, dialect, record, t, message, now).await })
            })
            .await?;
        Ok(self.announced(declared))
    }

    /// `declared`, after waking this process's relay when a declaration was written.
    pub(super) fn announced(&self, declared: Option<Declared>) -> Option<Declared> {
        if declared.is_some() {
            self.signal_outbox_written();
        }
        declared
    }

    /// Deletes a draft — or an amendment never declared ([`owf_shared::amendment::removal`]) — in
    /// `status` at `version`; `false` when it is no longer in that status at that version, or when
    /// a warehouse filing was entered under it meanwhile (a registration's).
    pub async fn delete_draft(
        &self,
        enterprise_id: i64,
        kind: FilingKind,
        id: i64,
        version: i64,
        status: Status,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            Box::pin(async move {
                let done = sqlx::query(
                    "DELETE FROM filings WHERE id = $1 AND enterprise_id = $2 AND kind = $3 \
                     AND version = $4 AND status = $5 \
                     AND NOT EXISTS (SELECT 1 FROM filings w WHERE w.registration_id = $1)",
                )
                .bind(id)
                .bind(enterprise_id)
                .bind(kind_code(kind))
                .bind(version)
                .bind(i64::from(status.code()))
                .execute(conn)
                .await?;
                Ok(done.rows_affected() > 0)
            })
        })
        .await
    }

    /// The warehouse filings (not their amendments) of the enterprise's registration
    /// `registration_id`.
    pub async fn warehouses_of(
        &self,
        enterprise_id: i64,
        registration_id: i64,
    ) -> Result<Vec<FilingRecord>, StoreError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE f.enterprise_id = $1 \
             AND f.kind = 'warehouse' AND f.amends_id IS NULL AND f.registration_id = $2 \
             ORDER BY f.id"
        );
        let rows = sqlx::query(&sql)
            .bind(enterprise_id)
            .bind(registration_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(record_from_row).collect::<Result<_, _>>()?)
    }

    /// Messages waiting in the outbox for a filing (all states).
    pub async fn outbox_count(&self, filing_id: i64) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE filing_id = $1")
                .bind(filing_id)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// One page of the enterprise's filings matching `q` (of one kind, or both when `None`),
    /// newest first unless `q` sorts otherwise; with the total count.
    pub async fn list_filings(
        &self,
        enterprise_id: i64,
        kind: Option<FilingKind>,
        q: &ListQuery,
    ) -> Result<(Vec<FilingRecord>, i64), StoreError> {
        let statement = list_statement(enterprise_id, kind, q);
        let total: i64 = bind_all(sqlx::query(&statement.count_sql), &statement.args)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let rows = bind_all(sqlx::query(&statement.page_sql), &statement.args)
            .fetch_all(self.pool())
            .await?;
        let records = rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
        Ok((records, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_normalise_ignoring_case_space_and_punctuation() {
        assert_eq!(
            normalised_key("12 Main St., Ontario"),
            normalised_key("12 main st ONTARIO")
        );
        assert_ne!(normalised_key("12 Main St"), normalised_key("13 Main St"));
        assert_eq!(normalised_key(" ,. "), None);
        assert_eq!(
            normalised_key("东京都 大田区 1-2"),
            Some("东京都大田区12".into())
        );
    }

    /// Each guard's violation on a migrated SQLite database is told apart by its columns; a
    /// violation of another unique column is no duplicate.
    #[tokio::test]
    async fn sqlite_violations_map_to_their_guards() {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        super::super::SQLITE_MIGRATIONS
            .run(&mut conn)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO enterprises (id, customs_code, uscc, name, customs_district, in_zone, \
             credit_level, created_at) VALUES (1, 'C', 'U', 'N', '5300', 0, 'registered', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        let insert = |kind: &'static str, apply_no: &'static str, warehouse: [&'static str; 4]| {
            sqlx::query(
                "INSERT INTO filings (enterprise_id, kind, apply_no, operator_card_no, form_json, \
                 trade_modes, wh_name_key, wh_code, country_code, address_key, status, version, \
                 created_at, updated_at) VALUES (1, $1, $2, '', '{}', '', $3, $4, $5, $6, 1, 1, 0, 0)",
            )
            .bind(kind)
            .bind(apply_no)
            .bind(warehouse[0])
            .bind(warehouse[1])
            .bind(warehouse[2])
            .bind(warehouse[3])
        };
        insert("registration", "E1", ["", "", "", ""])
            .execute(&mut conn)
            .await
            .unwrap();
        insert("warehouse", "W1", ["name", "code", "502", "address"])
            .execute(&mut conn)
            .await
            .unwrap();
        for (kind, apply_no, warehouse, expected) in [
            (
                "registration",
                "E2",
                ["", "", "", ""],
                Some(Duplicate::Registration),
            ),
            (
                "warehouse",
                "W2",
                ["name", "c2", "502", "a2"],
                Some(Duplicate::WarehouseName),
            ),
            (
                "warehouse",
                "W3",
                ["n3", "code", "502", "a3"],
                Some(Duplicate::WarehouseCode),
            ),
            (
                "warehouse",
                "W4",
                ["n4", "c4", "502", "address"],
                Some(Duplicate::WarehouseAddress),
            ),
            ("warehouse", "W1", ["n5", "c5", "502", "a5"], None),
        ] {
            let e = insert(kind, apply_no, warehouse)
                .execute(&mut conn)
                .await
                .unwrap_err();
            assert!(e.as_database_error().unwrap().is_unique_violation(), "{e}");
            assert_eq!(duplicate_of(&e), expected, "{e}");
        }
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_contains("a%b_c\\"), "%a\\%b\\_c\\\\%");
        assert_eq!(like_contains("ABC"), "%abc%");
    }
}
