//! The status machine of a filing (domain.md §3.1/§3.2, design.md §3), one definition for the
//! buttons the UI shows and the requests the server accepts.
//!
//! ```text
//! user     1 暂存 ─暂存→ 1        1 ─申报→ 2        4, 100 ─申报→ 2        4, 100 ─暂存 (saved edit)→ 1
//! relay    2 ─delivered→ 3        2 ─failed→ 4
//! customs  3 ─120→ 120            120 ─300→ 300     120, 300 ─399→ 399     120, 300 ─100→ 100
//!          2, 3 ─negative code (gateway refused the message)→ 4
//! ```
//! A 订仓单 (CEB303 W, [`Subject::BookingOrder`]) runs the same machine, but customs answers it
//! once: `3 ─120→ 120` (海关入库, final) or `3 ─100→ 100`; the 120 of its 删除
//! ([`Subject::BookingDeletion`]) ends it in 9 已注销.
//! After 399 审核通过 a filing changes through amendments (module `amendment`): a 变更 or 注销
//! is a filing of its own that runs this same machine from 1 暂存; when customs approves a 注销,
//! the approved filing ends in 9 已注销, which nothing leaves. An amendment the clerk withdraws
//! (删除) after it was declared ends in 8 已撤回 (module `amendment`, [`withdrawal`]).
//!
//! * User actions: [`Status::on_save`] (暂存), [`Status::on_declare`] (申报); 修改 (Edit) only opens
//!   the form and 删除 (Delete) removes a draft — check them with [`Status::allows`].
//!   Rule for 发送海关失败 / 退单: they may be declared again as they are, or edited; saving an
//!   edit (暂存) turns them back into a draft (1 暂存), because the saved content was never sent.
//! * The relay reports delivery with [`apply_relay`]; customs receipts go through
//!   [`apply_receipt`], which refuses stale and out-of-order receipts.
//!
//! `Status` serialises as its numeric CEB code (`1`, `2`, `3`, `4`, `120`, `300`, `399`, `100`),
//! 已注销 as owf's own `9` and 已撤回 as `8` (domain.md §3.1 names the ended states without a
//! code; like 1–4 they are states of the filing system, not a `returnStatus` customs sends).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::Date;

/// 状态 of a filing, with its CEB `returnStatus` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum Status {
    /// 1 暂存: saved draft, never sent.
    Draft,
    /// 2 申报中: declared; signed message queued for the relay.
    Declared,
    /// 3 发送海关成功: the relay delivered the message.
    Sent,
    /// 4 发送海关失败: delivery failed or the gateway refused the message; may be re-declared.
    SendFailed,
    /// 120 海关入库: customs accepted the record for review.
    Received,
    /// 300 人工审核: optional manual review step.
    UnderReview,
    /// 399 审核通过 (备案成功)
    Approved,
    /// 100 退单 (审核不通过): may be edited and re-declared.
    Rejected,
    /// 9 已注销: customs approved the 注销 of this filing; final and read-only.
    Cancelled,
    /// 8 已撤回: a 变更 or 注销 the clerk withdrew (删除) after it had been declared; kept,
    /// read-only, with its timeline and the message that was sent.
    Withdrawn,
}

/// A user action on a filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// 暂存: save the form.
    Save,
    /// 修改: open the form for editing (no request by itself).
    Edit,
    /// 删除: delete the draft.
    Delete,
    /// 申报: declare to customs.
    Declare,
}

impl Action {
    pub const ALL: [Action; 4] = [Self::Save, Self::Edit, Self::Delete, Self::Declare];

    pub fn label(self) -> &'static str {
        match self {
            Self::Save => "暂存",
            Self::Edit => "修改",
            Self::Delete => "删除",
            Self::Declare => "申报",
        }
    }
}

/// The actions a filing in `status` accepts: drafts everything, 发送海关失败 and 退单 everything
/// but 删除, all other statuses nothing (read-only while with customs, and after approval).
pub fn allowed_actions(status: Status) -> &'static [Action] {
    match status {
        Status::Draft => &[Action::Save, Action::Edit, Action::Delete, Action::Declare],
        Status::SendFailed | Status::Rejected => &[Action::Save, Action::Edit, Action::Declare],
        Status::Declared
        | Status::Sent
        | Status::Received
        | Status::UnderReview
        | Status::Approved
        | Status::Cancelled
        | Status::Withdrawn => &[],
    }
}

/// A user action the current status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionRefused {
    pub status: Status,
    pub action: Action,
}

impl fmt::Display for ActionRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "当前状态为“{}”，不能{}",
            self.status.label(),
            self.action.label()
        )
    }
}

/// A status code that is not one of [`Status::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownStatus(pub i32);

impl fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown status code {}", self.0)
    }
}

impl Status {
    pub const ALL: [Status; 10] = [
        Self::Draft,
        Self::Declared,
        Self::Sent,
        Self::SendFailed,
        Self::Received,
        Self::UnderReview,
        Self::Approved,
        Self::Rejected,
        Self::Cancelled,
        Self::Withdrawn,
    ];

    /// The CEB `returnStatus` code.
    pub fn code(self) -> i32 {
        match self {
            Self::Draft => 1,
            Self::Declared => 2,
            Self::Sent => 3,
            Self::SendFailed => 4,
            Self::Received => 120,
            Self::UnderReview => 300,
            Self::Approved => 399,
            Self::Rejected => 100,
            Self::Cancelled => 9,
            Self::Withdrawn => 8,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    /// The label the UI shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "暂存",
            Self::Declared => "申报中",
            Self::Sent => "发送海关成功",
            Self::SendFailed => "发送海关失败",
            Self::Received => "海关入库",
            Self::UnderReview => "人工审核",
            Self::Approved => "审核通过",
            Self::Rejected => "退单",
            Self::Cancelled => "已注销",
            Self::Withdrawn => "已撤回",
        }
    }

    /// Whether a row of the lists can be in this status: all but 8 已撤回, which only an
    /// amendment reaches, and the lists show no amendments.
    pub fn listed(self) -> bool {
        self != Self::Withdrawn
    }

    /// Whether `action` is allowed now (see [`allowed_actions`]).
    pub fn allows(self, action: Action) -> bool {
        allowed_actions(self).contains(&action)
    }

    /// Whether the filing is with the relay or customs and its status will still change by
    /// itself (the detail page keeps refreshing).
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            Self::Declared | Self::Sent | Self::Received | Self::UnderReview
        )
    }

    /// The status after 暂存: always 暂存 (a saved edit of 发送海关失败/退单 is a draft again).
    pub fn on_save(self) -> Result<Status, ActionRefused> {
        self.check(Action::Save).map(|()| Status::Draft)
    }

    /// The status after 申报: 申报中.
    pub fn on_declare(self) -> Result<Status, ActionRefused> {
        self.check(Action::Declare).map(|()| Status::Declared)
    }

    fn check(self, action: Action) -> Result<(), ActionRefused> {
        if self.allows(action) {
            Ok(())
        } else {
            Err(ActionRefused {
                status: self,
                action,
            })
        }
    }
}

impl From<Status> for i32 {
    fn from(status: Status) -> i32 {
        status.code()
    }
}

impl TryFrom<i32> for Status {
    type Error = UnknownStatus;

    fn try_from(code: i32) -> Result<Self, UnknownStatus> {
        Self::from_code(code).ok_or(UnknownStatus(code))
    }
}

/// A status change the diagram does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: Status,
    pub to: Status,
}

impl fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "状态“{}”不能变为“{}”",
            self.from.label(),
            self.to.label()
        )
    }
}

/// What runs through the machine: customs answers a filing in two steps (入库, then the
/// verdict), a 订仓单 in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A filing (企业登记, 海外仓资料) or one of its amendments.
    Filing,
    /// A 订仓单 declared 新增 or 变更: 120 海关入库 is customs' last word, 100 退单 comes
    /// instead of it.
    BookingOrder,
    /// The 删除 (appType 3) of a 订仓单: its 120 means customs deleted the order, 9 已注销.
    BookingDeletion,
}

impl Subject {
    /// Whether a record of this subject in `status` is with the relay or customs and its status
    /// will still change by itself (a detail page keeps refreshing; 申报 again is answered with
    /// the record as it is). A 订仓单's 120 is customs' last word.
    pub fn in_flight(self, status: Status) -> bool {
        match self {
            Self::Filing => status.in_flight(),
            Self::BookingOrder | Self::BookingDeletion => {
                matches!(status, Status::Declared | Status::Sent)
            }
        }
    }

    /// The status a receipt moves this subject to.
    fn receipt_target(self, receipt: ReceiptStatus) -> Status {
        match (self, receipt) {
            (Self::BookingDeletion, ReceiptStatus::Received) => Status::Cancelled,
            _ => receipt.target(),
        }
    }
}

/// The system-driven moves of the diagram (relay and customs), excluding user actions.
fn system_move(subject: Subject, from: Status, to: Status) -> Result<Status, InvalidTransition> {
    use Status::*;
    let allowed = match subject {
        Subject::Filing => matches!(
            (from, to),
            (Declared, Sent | SendFailed)
                | (Sent, Received | SendFailed)
                | (Received, UnderReview | Approved | Rejected)
                | (UnderReview, Approved | Rejected)
        ),
        Subject::BookingOrder => matches!(
            (from, to),
            (Declared, Sent | SendFailed) | (Sent, Received | Rejected | SendFailed)
        ),
        Subject::BookingDeletion => matches!(
            (from, to),
            (Declared, Sent | SendFailed) | (Sent, Cancelled | Rejected | SendFailed)
        ),
    };
    if allowed {
        Ok(to)
    } else {
        Err(InvalidTransition { from, to })
    }
}

/// What the relay reports after trying to hand a declared filing to customs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelayOutcome {
    /// 3 发送海关成功
    Delivered,
    /// 4 发送海关失败 (permanent failure; transient ones are retried, not reported)
    Failed,
}

/// The status after the relay's report; only a 申报中 filing accepts one.
pub fn apply_relay(current: Status, outcome: RelayOutcome) -> Result<Status, InvalidTransition> {
    let to = match outcome {
        RelayOutcome::Delivered => Status::Sent,
        RelayOutcome::Failed => Status::SendFailed,
    };
    if current == Status::Declared {
        Ok(to)
    } else {
        Err(InvalidTransition { from: current, to })
    }
}

/// The `returnStatus` of a customs receipt (回执).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReceiptStatus {
    /// 120 海关入库
    Received,
    /// 300 人工审核
    UnderReview,
    /// 399 审核通过
    Approved,
    /// 100 退单
    Rejected,
    /// A negative code: the gateway refused the message (format or logic error, e.g. -900001).
    GatewayError(i32),
}

impl ReceiptStatus {
    /// The receipt status of a `returnStatus` code; `None` for codes a filing receipt does not
    /// carry (1–4 are our own states, 500/800… belong to goods declarations).
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            120 => Some(Self::Received),
            300 => Some(Self::UnderReview),
            399 => Some(Self::Approved),
            100 => Some(Self::Rejected),
            n if n < 0 => Some(Self::GatewayError(n)),
            _ => None,
        }
    }

    pub fn code(self) -> i32 {
        match self {
            Self::GatewayError(code) => code,
            other => other.target().code(),
        }
    }

    /// The status the receipt moves a filing to (a gateway error means 发送海关失败).
    pub fn target(self) -> Status {
        match self {
            Self::Received => Status::Received,
            Self::UnderReview => Status::UnderReview,
            Self::Approved => Status::Approved,
            Self::Rejected => Status::Rejected,
            Self::GatewayError(_) => Status::SendFailed,
        }
    }
}

/// Why a receipt was not applied. The caller logs it and, for [`ReceiptRefusal::OutOfOrder`],
/// may keep the receipt to retry after the missing step arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptRefusal {
    /// A time that is not CEB C17 `yyyyMMddHHmmssfff`.
    BadTime(String),
    /// Not newer than the last receipt applied to the filing (CEB -301014 旧报文数据).
    Stale {
        last_applied: String,
        receipt_time: String,
    },
    /// The receipt does not follow from the current status (e.g. 120 on a draft, 399 before 3).
    OutOfOrder(InvalidTransition),
}

impl fmt::Display for ReceiptRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadTime(time) => write!(f, "回执时间“{time}”不是 yyyyMMddHHmmssfff 格式"),
            Self::Stale {
                last_applied,
                receipt_time,
            } => write!(
                f,
                "旧回执：回执时间 {receipt_time} 不晚于已处理的回执时间 {last_applied}"
            ),
            Self::OutOfOrder(transition) => write!(f, "回执顺序错误：{transition}"),
        }
    }
}

/// Whether `time` is a real instant in CEB C17 format `yyyyMMddHHmmssfff`. For such strings
/// lexicographic order is time order.
pub fn is_receipt_time(time: &str) -> bool {
    if time.len() != 17 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // All ASCII digits, so every slice is a number of at most 4 digits.
    let part = |range: std::ops::Range<usize>| time[range].parse::<u16>().unwrap_or(u16::MAX);
    let small = |range| u8::try_from(part(range)).unwrap_or(u8::MAX);
    Date::new(part(0..4), small(4..6), small(6..8)).is_some()
        && part(8..10) < 24
        && part(10..12) < 60
        && part(12..14) < 60
}

/// Applies a customs receipt to `subject` in status `current`, whose last applied receipt had
/// time `last_applied_time` (`None` if none yet). Returns the new status, or why the receipt
/// must be ignored: a malformed time, a time not newer than the last applied one, or a receipt
/// that does not follow from `current`.
pub fn apply_receipt(
    subject: Subject,
    current: Status,
    last_applied_time: Option<&str>,
    receipt: ReceiptStatus,
    receipt_time: &str,
) -> Result<Status, ReceiptRefusal> {
    for time in last_applied_time.into_iter().chain([receipt_time]) {
        if !is_receipt_time(time) {
            return Err(ReceiptRefusal::BadTime(time.to_owned()));
        }
    }
    if let Some(last) = last_applied_time.filter(|last| receipt_time <= *last) {
        return Err(ReceiptRefusal::Stale {
            last_applied: last.to_owned(),
            receipt_time: receipt_time.to_owned(),
        });
    }
    system_move(subject, current, subject.receipt_target(receipt))
        .map_err(ReceiptRefusal::OutOfOrder)
}

/// Rule R3 at 申报 (资料信息报送): why a warehouse may not be declared yet under a 企业登记 in
/// status `registration` with 企业申请编号 `apply_no` — naming both and what to do; `None` once
/// the registration is approved (审核通过). Warehouse drafts may be saved before that.
pub fn warehouse_declare_refusal(registration: Status, apply_no: &str) -> Option<String> {
    let todo = match registration {
        Status::Approved => return None,
        Status::Draft | Status::SendFailed => "请先申报企业登记",
        Status::Rejected => "企业登记已被海关退单，请按退单原因修改后重新申报",
        _ => "请等待海关审核通过",
    };
    Some(format!(
        "本企业的海外仓企业登记（企业申请编号 {apply_no}）当前状态为“{}”，审核通过后才能申报海外仓资料：{todo}；海外仓资料可先暂存",
        registration.label()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T1: &str = "20250312101531123";
    const T2: &str = "20250312101531124";

    #[test]
    fn a_withdrawn_amendment_takes_no_report_or_receipt_and_no_action() {
        assert!(apply_relay(Status::Withdrawn, RelayOutcome::Delivered).is_err());
        assert!(apply_relay(Status::Withdrawn, RelayOutcome::Failed).is_err());
        for receipt in [
            ReceiptStatus::Received,
            ReceiptStatus::UnderReview,
            ReceiptStatus::Approved,
            ReceiptStatus::Rejected,
            ReceiptStatus::GatewayError(-900001),
        ] {
            let applied = apply_receipt(Subject::Filing, Status::Withdrawn, None, receipt, T1);
            assert!(applied.is_err(), "{receipt:?}");
        }
        assert!(allowed_actions(Status::Withdrawn).is_empty());
        assert!(!Status::Withdrawn.in_flight());
    }

    #[test]
    fn codes_and_labels() {
        let table: Vec<_> = Status::ALL.iter().map(|s| (s.code(), s.label())).collect();
        assert_eq!(
            table,
            [
                (1, "暂存"),
                (2, "申报中"),
                (3, "发送海关成功"),
                (4, "发送海关失败"),
                (120, "海关入库"),
                (300, "人工审核"),
                (399, "审核通过"),
                (100, "退单"),
                (9, "已注销"),
                (8, "已撤回")
            ]
        );
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(status));
        }
        assert_eq!(Status::from_code(0), None);
        assert_eq!(Status::try_from(800), Err(UnknownStatus(800)));
    }

    #[test]
    fn status_serialises_as_its_code() {
        assert_eq!(serde_json::to_string(&Status::Received).unwrap(), "120");
        assert_eq!(
            serde_json::from_str::<Status>("399").unwrap(),
            Status::Approved
        );
        assert!(serde_json::from_str::<Status>("5").is_err());
        assert!(serde_json::from_str::<Status>(r#""draft""#).is_err());
    }

    #[test]
    fn allowed_actions_per_status() {
        use Action::*;
        assert_eq!(
            allowed_actions(Status::Draft),
            [Save, Edit, Delete, Declare]
        );
        for status in [Status::SendFailed, Status::Rejected] {
            assert_eq!(allowed_actions(status), [Save, Edit, Declare]);
            assert!(!status.allows(Delete));
        }
        for status in [
            Status::Declared,
            Status::Sent,
            Status::Received,
            Status::UnderReview,
            Status::Approved,
            Status::Cancelled,
        ] {
            assert!(allowed_actions(status).is_empty(), "{status:?}");
        }
        assert_eq!(Action::Declare.label(), "申报");
    }

    #[test]
    fn user_transitions() {
        assert_eq!(Status::Draft.on_save(), Ok(Status::Draft));
        assert_eq!(Status::Draft.on_declare(), Ok(Status::Declared));
        assert_eq!(Status::SendFailed.on_declare(), Ok(Status::Declared));
        assert_eq!(Status::SendFailed.on_save(), Ok(Status::Draft));
        assert_eq!(Status::Rejected.on_save(), Ok(Status::Draft));
        assert_eq!(Status::Rejected.on_declare(), Ok(Status::Declared));
        let refused = Status::Declared.on_declare().unwrap_err();
        assert_eq!(
            refused,
            ActionRefused {
                status: Status::Declared,
                action: Action::Declare
            }
        );
        assert_eq!(refused.to_string(), "当前状态为“申报中”，不能申报");
        assert!(Status::Approved.on_save().is_err());
    }

    #[test]
    fn relay_reports_apply_only_to_declared_filings() {
        assert_eq!(
            apply_relay(Status::Declared, RelayOutcome::Delivered),
            Ok(Status::Sent)
        );
        assert_eq!(
            apply_relay(Status::Declared, RelayOutcome::Failed),
            Ok(Status::SendFailed)
        );
        assert_eq!(
            apply_relay(Status::Draft, RelayOutcome::Delivered),
            Err(InvalidTransition {
                from: Status::Draft,
                to: Status::Sent
            })
        );
        assert!(apply_relay(Status::Sent, RelayOutcome::Failed).is_err());
    }

    #[test]
    fn receipt_codes() {
        for code in [120, 300, 399, 100, -900001] {
            assert_eq!(ReceiptStatus::from_code(code).unwrap().code(), code);
        }
        for code in [0, 1, 2, 3, 4, 500, 800] {
            assert_eq!(ReceiptStatus::from_code(code), None, "{code}");
        }
        assert_eq!(ReceiptStatus::GatewayError(-1).target(), Status::SendFailed);
    }

    #[test]
    fn receipts_follow_the_lifecycle() {
        use ReceiptStatus as R;
        let steps = [
            (Status::Sent, R::Received, Status::Received),
            (Status::Received, R::UnderReview, Status::UnderReview),
            (Status::UnderReview, R::Approved, Status::Approved),
            (Status::Received, R::Approved, Status::Approved),
            (Status::Received, R::Rejected, Status::Rejected),
            (Status::UnderReview, R::Rejected, Status::Rejected),
            (Status::Sent, R::GatewayError(-900001), Status::SendFailed),
            (Status::Declared, R::GatewayError(-1), Status::SendFailed),
        ];
        for (current, receipt, next) in steps {
            assert_eq!(
                apply_receipt(Subject::Filing, current, Some(T1), receipt, T2),
                Ok(next)
            );
            assert_eq!(
                apply_receipt(Subject::Filing, current, None, receipt, T1),
                Ok(next)
            );
        }
    }

    #[test]
    fn customs_answers_a_booking_order_once() {
        use ReceiptStatus as R;
        let order = Subject::BookingOrder;
        let first = |subject, receipt| apply_receipt(subject, Status::Sent, None, receipt, T1);
        assert_eq!(first(order, R::Received), Ok(Status::Received));
        assert_eq!(first(order, R::Rejected), Ok(Status::Rejected));
        assert_eq!(
            first(order, R::GatewayError(-301_010)),
            Ok(Status::SendFailed)
        );
        assert_eq!(
            first(Subject::BookingDeletion, R::Received),
            Ok(Status::Cancelled)
        );
        assert!(first(order, R::Approved).is_err());
        // 海关入库 is final for an order; a filing still waits for its verdict.
        for receipt in [R::Approved, R::Rejected, R::UnderReview] {
            let after = apply_receipt(order, Status::Received, Some(T1), receipt, T2);
            assert!(after.is_err(), "{receipt:?}");
        }
        assert!(first(Subject::Filing, R::Rejected).is_err());
    }

    #[test]
    fn out_of_order_receipts_are_refused() {
        use ReceiptStatus as R;
        let refused = [
            (Status::Draft, R::Received),
            (Status::Declared, R::Received),
            (Status::Declared, R::Approved),
            (Status::Sent, R::Approved),
            (Status::Sent, R::Rejected),
            (Status::Approved, R::Rejected),
            (Status::Rejected, R::Approved),
            (Status::Received, R::Received),
            (Status::Received, R::GatewayError(-1)),
            (Status::SendFailed, R::Received),
        ];
        for (current, receipt) in refused {
            assert_eq!(
                apply_receipt(Subject::Filing, current, Some(T1), receipt, T2),
                Err(ReceiptRefusal::OutOfOrder(InvalidTransition {
                    from: current,
                    to: receipt.target()
                })),
                "{current:?} {receipt:?}"
            );
        }
        let message = apply_receipt(Subject::Filing, Status::Draft, None, R::Received, T1)
            .unwrap_err()
            .to_string();
        assert_eq!(message, "回执顺序错误：状态“暂存”不能变为“海关入库”");
    }

    #[test]
    fn stale_receipts_are_refused() {
        for time in [T1, "20250312101531122", "20240101000000000"] {
            assert_eq!(
                apply_receipt(
                    Subject::Filing,
                    Status::Sent,
                    Some(T1),
                    ReceiptStatus::Received,
                    time
                ),
                Err(ReceiptRefusal::Stale {
                    last_applied: T1.into(),
                    receipt_time: time.into()
                })
            );
        }
    }

    #[test]
    fn receipt_times_must_be_c17() {
        assert!(is_receipt_time(T1));
        assert!(is_receipt_time("20240229235959999"));
        for bad in [
            "2025031210153112",
            "202503121015311234",
            "20250229101531123",
            "20251301101531123",
            "20250312241531123",
            "20250312106031123",
            "20250312101560123",
            "2025-03-12T10:15:3",
            "2025031210153112x",
            "２0250312101531123",
            "",
        ] {
            assert!(!is_receipt_time(bad), "{bad}");
            assert_eq!(
                apply_receipt(
                    Subject::Filing,
                    Status::Sent,
                    None,
                    ReceiptStatus::Received,
                    bad
                ),
                Err(ReceiptRefusal::BadTime(bad.into()))
            );
        }
        assert_eq!(
            apply_receipt(
                Subject::Filing,
                Status::Sent,
                Some("x"),
                ReceiptStatus::Received,
                T1
            ),
            Err(ReceiptRefusal::BadTime("x".into()))
        );
    }

    #[test]
    fn a_booking_order_is_in_flight_only_until_customs_answers() {
        for subject in [Subject::BookingOrder, Subject::BookingDeletion] {
            let flying: Vec<_> = Status::ALL
                .into_iter()
                .filter(|s| subject.in_flight(*s))
                .collect();
            assert_eq!(flying, [Status::Declared, Status::Sent], "{subject:?}");
        }
        let filing: Vec<_> = Status::ALL
            .into_iter()
            .filter(|s| Subject::Filing.in_flight(*s))
            .collect();
        assert!(filing.contains(&Status::Received));
    }

    #[test]
    fn in_flight_statuses() {
        let flying: Vec<_> = Status::ALL.into_iter().filter(|s| s.in_flight()).collect();
        assert_eq!(
            flying,
            [
                Status::Declared,
                Status::Sent,
                Status::Received,
                Status::UnderReview
            ]
        );
    }

    #[test]
    fn a_warehouse_is_declared_only_under_an_approved_registration() {
        assert_eq!(warehouse_declare_refusal(Status::Approved, "E1"), None);
        let refusal = warehouse_declare_refusal(Status::Declared, "E1").unwrap();
        assert!(refusal.contains("企业申请编号 E1") && refusal.contains("“申报中”"));
        assert!(warehouse_declare_refusal(Status::Draft, "E1")
            .unwrap()
            .contains("请先申报企业登记"));
    }
}
