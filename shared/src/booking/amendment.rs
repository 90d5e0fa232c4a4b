//! 变更 (appType 2) and 删除 (appType 3) of a declared 订仓单: possible while customs has the
//! order but has not taken it in (发送海关成功, before 120 海关入库) — afterwards the order
//! stands as customs took it. Before delivery there is nothing at customs to amend yet, and a
//! 暂存, 发送海关失败 or 退单 order is simply edited and declared again.

use crate::amendment::AppType;
use crate::status::Status;

/// What a 订仓单 declaration with `app_type` asks, in the manual's words: 新增, 变更, 删除.
pub fn label(app_type: AppType) -> &'static str {
    match app_type {
        AppType::New => "新增",
        AppType::Change => "变更",
        AppType::Cancel => "删除",
    }
}

/// Why the order in `status`, whose latest declaration asked `declared`, may not be amended with
/// `app_type` (变更 or 删除) now; `None` when it may.
pub fn amendment_refusal(status: Status, declared: AppType, app_type: AppType) -> Option<String> {
    let action = label(app_type);
    match status {
        Status::Sent if declared == AppType::Cancel => Some(format!(
            "订仓单的删除申请已发送海关，等待海关回执，不能再{action}"
        )),
        Status::Sent => None,
        Status::Declared => Some(format!(
            "订仓单正在发送海关（申报中），发送海关成功后才能{action}"
        )),
        Status::Received => Some(format!("海关已入库该订仓单，不能再{action}")),
        other => Some(format!(
            "订仓单当前状态为“{}”，海关没有待入库的该订仓单，不能{action}",
            other.label()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_order_customs_has_not_taken_in_may_be_amended() {
        for app_type in [AppType::Change, AppType::Cancel] {
            assert_eq!(
                amendment_refusal(Status::Sent, AppType::New, app_type),
                None
            );
            assert_eq!(
                amendment_refusal(Status::Sent, AppType::Change, app_type),
                None
            );
            let taken = amendment_refusal(Status::Received, AppType::New, app_type).unwrap();
            assert!(taken.contains("海关已入库"), "{taken}");
            for status in [
                Status::Draft,
                Status::Declared,
                Status::Rejected,
                Status::Cancelled,
            ] {
                assert!(amendment_refusal(status, AppType::New, app_type).is_some());
            }
        }
        let deleting = amendment_refusal(Status::Sent, AppType::Cancel, AppType::Change).unwrap();
        assert!(deleting.contains("删除申请已发送海关"), "{deleting}");
    }
}
