//! 变更 and 注销 of an approved filing (domain.md §3.2, design.md §3).
//!
//! An amendment is a filing of its own, tied to the approved one: it runs the one status machine
//! of [`crate::status`] from 1 暂存 (a 变更 is opened as a draft of the approved content; a 注销
//! is declared at once with its reason) and is sent with `appType` 2 变更 or 3 删除 under the
//! approved filing's 申请编号. While it is under way the approved version stays in force
//! everywhere; the lists show the approved filing with the amendment's mark ([`Pending::mark`]).
//! When customs approves it, [`on_amendment_approved`] says what the approved filing becomes: a
//! 变更 makes its content the current version, a 注销 ends the filing in 9 已注销. A 退单 or a
//! failed delivery leaves the approved version untouched and the amendment editable.
//!
//! One amendment at a time: a second is refused while one is in draft or with customs
//! ([`may_open`]). Withdrawn (删除) after it was declared, an amendment stays as 8 已撤回
//! ([`removal`]) and no longer counts as under way.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::field::{Field, FilingKind};
use crate::form::{RegistrationForm, WarehouseForm};
use crate::status::{allowed_actions, Action, InvalidTransition, Status};
use crate::validate::FieldErrors;

/// `appType` of a declaration: what it asks customs to do with the filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum AppType {
    /// 1 新增: the first filing.
    New,
    /// 2 变更: new content for an approved filing.
    Change,
    /// 3 删除: 注销 of an approved filing.
    Cancel,
}

impl AppType {
    pub const ALL: [AppType; 3] = [Self::New, Self::Change, Self::Cancel];

    /// The CEB `appType` code.
    pub fn code(self) -> u8 {
        match self {
            Self::New => 1,
            Self::Change => 2,
            Self::Cancel => 3,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The action's name in the UI: 新增, 变更, 注销.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "新增",
            Self::Change => "变更",
            Self::Cancel => "注销",
        }
    }
}

impl From<AppType> for u8 {
    fn from(app_type: AppType) -> u8 {
        app_type.code()
    }
}

impl TryFrom<u8> for AppType {
    type Error = String;

    fn try_from(code: u8) -> Result<Self, String> {
        Self::from_code(code).ok_or_else(|| format!("unknown appType {code}"))
    }
}

/// An amendment under way on an approved filing: a 变更 or 注销 that customs has not approved and
/// the clerk has not withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pending {
    /// The amendment's own record.
    pub id: i64,
    /// [`AppType::Change`] or [`AppType::Cancel`].
    pub app_type: AppType,
    /// The amendment's own status; never 审核通过 or 已撤回 (then it is no longer pending).
    pub status: Status,
}

impl Pending {
    /// The mark the lists show beside the approved filing's 审核通过: 变更暂存, 变更中, 变更退单,
    /// 变更发送失败, and for a 注销 注销暂存, 注销申报中, 注销退单, 注销发送失败.
    pub fn mark(&self) -> String {
        let step = match (self.app_type, self.status) {
            (_, Status::Draft) => "暂存",
            (_, Status::Rejected) => "退单",
            (_, Status::SendFailed) => "发送失败",
            (AppType::Cancel, _) => "申报中",
            _ => "中",
        };
        format!("{}{step}", self.app_type.label())
    }
}

/// Why a 变更 or 注销 cannot be opened now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmendRefused {
    /// Only an approved filing (审核通过) is amended; the others are edited or wait for customs.
    NotApproved(Status),
    /// An amendment is already in draft or with customs.
    Pending(Pending),
}

impl fmt::Display for AmendRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotApproved(Status::Cancelled) => write!(f, "该备案已注销，不能再变更或注销"),
            Self::NotApproved(status) => write!(
                f,
                "当前状态为“{}”，审核通过后才能变更或注销",
                status.label()
            ),
            Self::Pending(pending) => write!(
                f,
                "该备案已有一项{}（{}），请先在其中继续或删除后再操作",
                pending.app_type.label(),
                pending.mark()
            ),
        }
    }
}

/// Whether an approved filing in `status`, with the amendment `pending` under way (if any), may
/// open a new 变更 or 注销.
pub fn may_open(status: Status, pending: Option<&Pending>) -> Result<(), AmendRefused> {
    if status != Status::Approved {
        return Err(AmendRefused::NotApproved(status));
    }
    match pending {
        Some(pending) => Err(AmendRefused::Pending(*pending)),
        None => Ok(()),
    }
}

/// The status of the approved filing once customs approves its amendment of `app_type`: a 变更
/// keeps it 审核通过 (with the new content), a 注销 ends it in 已注销.
pub fn on_amendment_approved(
    current: Status,
    app_type: AppType,
) -> Result<Status, InvalidTransition> {
    let to = match app_type {
        AppType::Change => Status::Approved,
        AppType::Cancel => Status::Cancelled,
        AppType::New => {
            return Err(InvalidTransition {
                from: current,
                to: current,
            })
        }
    };
    if current == Status::Approved {
        Ok(to)
    } else {
        Err(InvalidTransition { from: current, to })
    }
}

/// A warehouse filing as the rules of a registration's amendments see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarehouseInForce {
    /// 申请编号
    pub apply_no: String,
    /// 海外仓名称
    pub name: String,
    /// 监管方式
    pub trade_mode: String,
    pub status: Status,
    /// An amendment of it under way.
    pub pending: Option<Pending>,
}

impl WarehouseInForce {
    fn named(&self) -> String {
        format!("{}（{}）", self.apply_no, self.name)
    }

    /// Approved, with customs, or amended: what a registration's 注销 must wait for.
    fn holds_registration(&self) -> bool {
        self.status == Status::Approved || self.status.in_flight() || self.pending.is_some()
    }
}

/// Why a 企业登记 cannot be cancelled while warehouse filings rely on it: names each warehouse
/// that is approved or with customs; `None` when there is none.
pub fn registration_cancel_refusal(warehouses: &[WarehouseInForce]) -> Option<String> {
    let held: Vec<String> = warehouses
        .iter()
        .filter(|w| w.holds_registration())
        .map(WarehouseInForce::named)
        .collect();
    (!held.is_empty()).then(|| {
        format!(
            "以下海外仓资料已审核通过或正在办理，企业登记不能注销：{}；请先注销这些海外仓资料",
            held.join("、")
        )
    })
}

/// Why a 企业登记 draft cannot be deleted: warehouse filings were entered under it (they can be
/// only drafts, as none is declared before the registration is approved) — naming each; `None`
/// when there is none.
pub fn registration_delete_refusal(warehouses: &[WarehouseInForce]) -> Option<String> {
    let named: Vec<String> = warehouses.iter().map(WarehouseInForce::named).collect();
    (!named.is_empty()).then(|| {
        format!(
            "该企业登记下已录入海外仓资料：{}；请先删除这些海外仓资料，再删除企业登记",
            named.join("、")
        )
    })
}

/// Why a 变更 of a 企业登记 from the modes `approved` to `changed` is refused: an approved (or
/// in-flight) warehouse uses a 监管方式 the change drops — naming the warehouses.
pub fn trade_modes_change_refusal(
    approved: &[String],
    changed: &[String],
    warehouses: &[WarehouseInForce],
) -> Option<String> {
    let dropped: Vec<&String> = approved.iter().filter(|m| !changed.contains(m)).collect();
    let used: Vec<String> = warehouses
        .iter()
        .filter(|w| w.holds_registration() && dropped.contains(&&w.trade_mode))
        .map(|w| format!("{}使用监管方式 {}", w.named(), w.trade_mode))
        .collect();
    (!used.is_empty()).then(|| {
        format!(
            "{}，不能取消该监管方式；请先变更或注销这些海外仓资料",
            used.join("、")
        )
    })
}

/// The longest 注销原因, in characters.
pub const MAX_REASON_CHARS: usize = 255;

/// The error of a 注销原因, if any: required, at most [`MAX_REASON_CHARS`] characters.
pub fn reason_error(reason: &str) -> Option<String> {
    let count = reason.trim().chars().count();
    if count == 0 {
        Some("请填写注销原因".into())
    } else if count > MAX_REASON_CHARS {
        Some(format!(
            "注销原因最多 {MAX_REASON_CHARS} 个字符，当前 {count} 个"
        ))
    } else {
        None
    }
}

/// Whether an amendment's record may be withdrawn (删除): a 变更 while a draft, like any draft;
/// a 注销, which has no draft of its own, also after a 退单 or failed delivery.
pub fn withdrawable(app_type: AppType, status: Status) -> bool {
    match app_type {
        AppType::Cancel => matches!(
            status,
            Status::Draft | Status::Rejected | Status::SendFailed
        ),
        _ => status == Status::Draft,
    }
}

/// What 删除 does to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// The record goes with everything it holds: a draft no one outside owf has seen.
    Deleted,
    /// The record stays as 8 已撤回 with its timeline and the message that was sent: an
    /// amendment that was declared before, which the relay or customs has seen.
    Withdrawn,
}

/// What 删除 of a record does ([`Removal`]), given what it is (`amendment`: `None` for a filing of
/// its own) and whether it was ever declared. The approved filing's timeline keeps showing a
/// withdrawn amendment's steps, and the amendment no longer counts as the one under way.
pub fn removal(amendment: Option<AppType>, declared_before: bool) -> Removal {
    if amendment.is_some() && declared_before {
        Removal::Withdrawn
    } else {
        Removal::Deleted
    }
}

/// The actions the record of a filing accepts in `status`, given what it is (`amendment`: `None`
/// for a filing of its own): a filing and a 变更 those of [`allowed_actions`]; a 注销, which has
/// no form of its own, only 申报 again, and 删除 while [`withdrawable`].
pub fn record_actions(amendment: Option<AppType>, status: Status) -> Vec<Action> {
    let allowed = allowed_actions(status);
    match amendment {
        Some(AppType::Cancel) => {
            let mut actions: Vec<Action> = allowed
                .iter()
                .copied()
                .filter(|a| *a == Action::Declare)
                .collect();
            if withdrawable(AppType::Cancel, status) {
                actions.insert(0, Action::Delete);
            }
            actions
        }
        _ => allowed.to_vec(),
    }
}

/// Whether the proof documents of a record (`amendment`: what it is, as for [`record_actions`])
/// may be added or removed in `status`: while it accepts 暂存 — so never on a 注销, which has no
/// form and carries no documents.
pub fn documents_editable(amendment: Option<AppType>, status: Status) -> bool {
    record_actions(amendment, status).contains(&Action::Save)
}

/// The fields customs holds as master data of the enterprise: a 变更 shows them read-only and
/// cannot alter them (统一社会信用代码, 企业名称, 主管海关; 海关编码 is not part of the form).
pub fn locked_on_change(kind: FilingKind) -> &'static [Field] {
    match kind {
        FilingKind::Registration => &[Field::Uscc, Field::EntName, Field::CustomsDistrict],
        FilingKind::Warehouse => &[],
    }
}

/// The value of a ticked 承诺声明 in [`FieldValues::field_values`].
pub const ACK: &str = "已勾选";

/// A form's fields with the values a person reads: codes as entered, several 监管方式 joined with
/// "、", 承诺声明 as 已勾选 / 未勾选.
pub trait FieldValues {
    const KIND: FilingKind;

    fn field_values(&self) -> Vec<(Field, String)>;
}

impl FieldValues for RegistrationForm {
    const KIND: FilingKind = FilingKind::Registration;

    fn field_values(&self) -> Vec<(Field, String)> {
        let ack = if self.commitment_ack {
            ACK
        } else {
            "未勾选"
        };
        let mut values = self.text_values();
        values.push((Field::TradeModes, self.trade_modes.join("、")));
        values.push((Field::CommitmentAck, ack.to_owned()));
        values
    }
}

impl FieldValues for WarehouseForm {
    const KIND: FilingKind = FilingKind::Warehouse;

    fn field_values(&self) -> Vec<(Field, String)> {
        self.text_values()
    }
}

/// One field a 变更 alters: "仓库面积(平方米)：5200 → 6000".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: Field,
    pub before: String,
    pub after: String,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |value: &str| {
            if value.is_empty() {
                "（空）".to_owned()
            } else {
                value.to_owned()
            }
        };
        write!(
            f,
            "{}：{} → {}",
            self.field.label(),
            shown(&self.before),
            shown(&self.after)
        )
    }
}

/// What `after` changes against `before`, field by field in the order of the form.
pub fn changes<F: FieldValues>(before: &F, after: &F) -> Vec<FieldChange> {
    value_changes(before.field_values(), after.field_values())
}

/// [`changes`] between the [`FieldValues::field_values`] of two forms of one kind.
pub fn value_changes(
    before: Vec<(Field, String)>,
    after: Vec<(Field, String)>,
) -> Vec<FieldChange> {
    before
        .into_iter()
        .zip(after)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, before), (_, after))| FieldChange {
            field,
            before,
            after,
        })
        .collect()
}

/// The error of each master-data field ([`locked_on_change`]) that a 变更 `change` alters
/// against the `approved` content.
pub fn locked_field_errors<F: FieldValues>(approved: &F, change: &F) -> FieldErrors {
    let locked = locked_on_change(F::KIND);
    changes(approved, change)
        .into_iter()
        .filter(|c| locked.contains(&c.field))
        .map(|c| {
            (
                c.field.key().to_owned(),
                format!(
                    "{}是海关备案的主体信息，变更时不能修改（备案为“{}”）",
                    c.field.label(),
                    c.before
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(app_type: AppType, status: Status) -> Pending {
        Pending {
            id: 7,
            app_type,
            status,
        }
    }

    #[test]
    fn app_type_codes_and_labels() {
        let table: Vec<_> = AppType::ALL.iter().map(|t| (t.code(), t.label())).collect();
        assert_eq!(table, [(1, "新增"), (2, "变更"), (3, "注销")]);
        assert_eq!(serde_json::to_string(&AppType::Change).unwrap(), "2");
        assert_eq!(
            serde_json::from_str::<AppType>("3").unwrap(),
            AppType::Cancel
        );
        assert!(serde_json::from_str::<AppType>("4").is_err());
    }

    #[test]
    fn marks_name_the_amendment_and_its_step() {
        use AppType::*;
        let marks = [
            (Change, Status::Draft, "变更暂存"),
            (Change, Status::Declared, "变更中"),
            (Change, Status::Received, "变更中"),
            (Change, Status::Rejected, "变更退单"),
            (Change, Status::SendFailed, "变更发送失败"),
            (Cancel, Status::Declared, "注销申报中"),
            (Cancel, Status::UnderReview, "注销申报中"),
            (Cancel, Status::Rejected, "注销退单"),
            (Cancel, Status::Draft, "注销暂存"),
        ];
        for (app_type, status, mark) in marks {
            assert_eq!(pending(app_type, status).mark(), mark);
        }
    }

    #[test]
    fn only_an_approved_filing_without_a_pending_amendment_opens_one() {
        assert_eq!(may_open(Status::Approved, None), Ok(()));
        let draft = pending(AppType::Change, Status::Draft);
        let refused = may_open(Status::Approved, Some(&draft)).unwrap_err();
        assert_eq!(refused, AmendRefused::Pending(draft));
        assert_eq!(
            refused.to_string(),
            "该备案已有一项变更（变更暂存），请先在其中继续或删除后再操作"
        );
        for status in Status::ALL.into_iter().filter(|s| *s != Status::Approved) {
            assert_eq!(
                may_open(status, None),
                Err(AmendRefused::NotApproved(status))
            );
        }
        assert_eq!(
            may_open(Status::Cancelled, None).unwrap_err().to_string(),
            "该备案已注销，不能再变更或注销"
        );
        assert_eq!(
            may_open(Status::Declared, None).unwrap_err().to_string(),
            "当前状态为“申报中”，审核通过后才能变更或注销"
        );
    }

    #[test]
    fn approval_of_an_amendment() {
        assert_eq!(
            on_amendment_approved(Status::Approved, AppType::Change),
            Ok(Status::Approved)
        );
        assert_eq!(
            on_amendment_approved(Status::Approved, AppType::Cancel),
            Ok(Status::Cancelled)
        );
        for status in Status::ALL.into_iter().filter(|s| *s != Status::Approved) {
            for app_type in AppType::ALL {
                assert!(
                    on_amendment_approved(status, app_type).is_err(),
                    "{status:?}"
                );
            }
        }
        assert!(on_amendment_approved(Status::Approved, AppType::New).is_err());
    }

    fn warehouse() -> WarehouseForm {
        WarehouseForm {
            wh_name: "洛杉矶一号仓".into(),
            area_sqm: "5200".into(),
            lease_end: "2026-12-31".into(),
            ..WarehouseForm::default()
        }
    }

    #[test]
    fn changes_list_the_altered_fields_in_form_order() {
        let before = warehouse();
        let after = WarehouseForm {
            area_sqm: "6000".into(),
            lease_end: "2029-12-31".into(),
            note: "新租约".into(),
            ..before.clone()
        };
        let shown: Vec<_> = changes(&before, &after)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "仓库面积(平方米)：5200 → 6000",
                "租赁截止日期：2026-12-31 → 2029-12-31",
                "备注：（空） → 新租约"
            ]
        );
        assert!(changes(&before, &before).is_empty());
    }

    #[test]
    fn registration_changes_read_modes_and_the_commitment() {
        let before = RegistrationForm {
            trade_modes: vec!["9810".into()],
            commitment_ack: true,
            ..RegistrationForm::default()
        };
        let after = RegistrationForm {
            trade_modes: vec!["9810".into(), "1210".into()],
            ..before.clone()
        };
        let shown: Vec<_> = changes(&before, &after)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["监管方式：9810 → 9810、1210"]);
    }

    fn warehouse_in_force(apply_no: &str, mode: &str, status: Status) -> WarehouseInForce {
        WarehouseInForce {
            apply_no: apply_no.into(),
            name: format!("仓{apply_no}"),
            trade_mode: mode.into(),
            status,
            pending: None,
        }
    }

    #[test]
    fn a_registration_is_cancelled_only_without_warehouses_in_force() {
        let draft = warehouse_in_force("W1", "9810", Status::Draft);
        let cancelled = warehouse_in_force("W2", "9810", Status::Cancelled);
        assert_eq!(
            registration_cancel_refusal(&[draft.clone(), cancelled]),
            None
        );
        let approved = warehouse_in_force("W3", "1210", Status::Approved);
        let declared = warehouse_in_force("W4", "9810", Status::Declared);
        assert_eq!(
            registration_cancel_refusal(&[draft, approved, declared]).unwrap(),
            "以下海外仓资料已审核通过或正在办理，企业登记不能注销：W3（仓W3）、W4（仓W4）；请先注销这些海外仓资料"
        );
    }

    #[test]
    fn a_registration_draft_is_deleted_only_without_warehouses_entered_under_it() {
        assert_eq!(registration_delete_refusal(&[]), None);
        let drafts = [
            warehouse_in_force("W1", "9810", Status::Draft),
            warehouse_in_force("W2", "9810", Status::Draft),
        ];
        assert_eq!(
            registration_delete_refusal(&drafts).unwrap(),
            "该企业登记下已录入海外仓资料：W1（仓W1）、W2（仓W2）；请先删除这些海外仓资料，再删除企业登记"
        );
    }

    #[test]
    fn a_change_keeps_the_modes_approved_warehouses_use() {
        let modes = |m: &[&str]| m.iter().map(|m| m.to_string()).collect::<Vec<_>>();
        let warehouses = [
            warehouse_in_force("W1", "1210", Status::Approved),
            warehouse_in_force("W2", "0110", Status::Draft),
        ];
        let approved = modes(&["9810", "1210", "0110"]);
        assert_eq!(
            trade_modes_change_refusal(&approved, &modes(&["9810", "1210"]), &warehouses),
            None
        );
        assert_eq!(
            trade_modes_change_refusal(&approved, &modes(&["9810"]), &warehouses).unwrap(),
            "W1（仓W1）使用监管方式 1210，不能取消该监管方式；请先变更或注销这些海外仓资料"
        );
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(reason_error(" 　"), Some("请填写注销原因".into()));
        assert_eq!(reason_error("仓库关闭"), None);
        assert_eq!(reason_error(&"退".repeat(255)), None);
        assert_eq!(
            reason_error(&"退".repeat(256)),
            Some("注销原因最多 255 个字符，当前 256 个".into())
        );
    }

    #[test]
    fn withdrawing_an_amendment() {
        assert!(withdrawable(AppType::Change, Status::Draft));
        assert!(!withdrawable(AppType::Change, Status::Rejected));
        assert!(withdrawable(AppType::Cancel, Status::Rejected));
        assert!(withdrawable(AppType::Cancel, Status::SendFailed));
        assert!(!withdrawable(AppType::Cancel, Status::Declared));
        assert!(!withdrawable(AppType::Cancel, Status::Approved));
    }

    #[test]
    fn a_cancellation_is_declared_again_or_withdrawn_but_never_edited() {
        use Action::*;
        assert_eq!(
            record_actions(None, Status::Draft),
            [Save, Edit, Delete, Declare]
        );
        assert_eq!(
            record_actions(Some(AppType::Change), Status::Rejected),
            [Save, Edit, Declare]
        );
        assert_eq!(
            record_actions(Some(AppType::Cancel), Status::Rejected),
            [Delete, Declare]
        );
        assert_eq!(
            record_actions(Some(AppType::Cancel), Status::SendFailed),
            [Delete, Declare]
        );
        assert!(record_actions(Some(AppType::Cancel), Status::Declared).is_empty());
        assert!(record_actions(None, Status::Cancelled).is_empty());
        assert!(record_actions(Some(AppType::Cancel), Status::Withdrawn).is_empty());
        assert!(record_actions(Some(AppType::Change), Status::Withdrawn).is_empty());
    }

    #[test]
    fn documents_change_while_the_record_accepts_a_save_and_never_on_a_cancellation() {
        for status in Status::ALL {
            assert_eq!(
                documents_editable(None, status),
                status.allows(Action::Save),
                "{status:?}"
            );
            assert!(
                !documents_editable(Some(AppType::Cancel), status),
                "{status:?}"
            );
        }
        assert!(documents_editable(Some(AppType::Change), Status::Rejected));
    }

    #[test]
    fn an_amendment_declared_before_is_withdrawn_rather_than_deleted() {
        assert_eq!(removal(None, false), Removal::Deleted);
        assert_eq!(removal(None, true), Removal::Deleted, "a filing's draft");
        assert_eq!(removal(Some(AppType::Change), false), Removal::Deleted);
        assert_eq!(removal(Some(AppType::Change), true), Removal::Withdrawn);
        assert_eq!(removal(Some(AppType::Cancel), true), Removal::Withdrawn);
    }

    #[test]
    fn a_change_cannot_alter_master_data() {
        let approved = RegistrationForm {
            uscc: "91440300MA5EXAMPLE".into(),
            ent_name: "深圳前海".into(),
            contact_name: "张三".into(),
            ..RegistrationForm::default()
        };
        let change = RegistrationForm {
            ent_name: "深圳后海".into(),
            contact_name: "李四".into(),
            ..approved.clone()
        };
        let errors = locked_field_errors(&approved, &change);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[Field::EntName.key()],
            "企业名称是海关备案的主体信息，变更时不能修改（备案为“深圳前海”）"
        );
        assert!(locked_field_errors(&warehouse(), &WarehouseForm::default()).is_empty());
    }
}
