//! What `/api/booking-orders` takes and answers: the saved 订仓单, a row of its list, the
//! list's conditions, and the preview of an imported line file. A 订仓单 is saved as a
//! [`crate::api::SaveRequest`] of a [`BookingForm`], like the filings.

use serde::{Deserialize, Serialize};

use super::BookingForm;
use crate::amendment::AppType;
use crate::api::{check_date_range, offset, page_number, rows_per_page, HistoryEntry};
use crate::ids::Date;
use crate::status::Status;
use crate::validate::FieldErrors;

/// A saved 订仓单 as the API answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingDetail {
    pub id: i64,
    /// 电商企业代码 (`ebcCode`): the enterprise's 海关编码, never the client's.
    pub ebc_code: String,
    /// 电商企业名称 (`ebcName`): the enterprise's name.
    pub ebc_name: String,
    /// 海外仓名称 of the warehouse record the order names, while it has one.
    pub wh_name: Option<String>,
    /// 商品总价 (`goodsValue`), 2 places, once every line has valid 数量 and 单价.
    pub goods_value: Option<String>,
    /// 状态: 暂存 for a draft.
    pub status: Status,
    /// Optimistic-lock version; send it back with every change.
    pub version: i64,
    /// 录入时间 and 修改时间, `YYYY-MM-DD HH:MM:SS` (Beijing).
    pub created_at: String,
    pub updated_at: String,
    /// What the latest declaration asked customs (新增, 变更 or 删除), or the next one will.
    pub app_type: AppType,
    /// 申报时间 of the latest declaration, `YYYY-MM-DD HH:MM:SS`; `None` until declared.
    pub decl_time: Option<String>,
    /// 回执时间 and 回执信息 (`returnInfo`) of the latest receipt applied.
    pub last_return_time: Option<String>,
    pub last_return_info: Option<String>,
    /// The status timeline, oldest first.
    pub history: Vec<HistoryEntry>,
    pub form: BookingForm,
}

/// A row of the 订仓单 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRow {
    pub id: i64,
    /// 订仓单编号
    pub order_no: String,
    /// 海外仓名称
    pub wh_name: Option<String>,
    /// 币制 code
    pub currency: String,
    /// 商品总价, as in [`BookingDetail::goods_value`].
    pub goods_value: Option<String>,
    /// 商品行数
    pub line_count: i64,
    pub status: Status,
    pub version: i64,
    /// 录入时间, `YYYY-MM-DD HH:MM:SS` (Beijing).
    pub created_at: String,
}

/// Conditions of the 订仓单 list, paging and sorting; every condition is optional and the
/// server scopes to the login enterprise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct BookingQuery {
    /// 订仓单编号, starts with (case-sensitive, as customs compares it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub status: Option<Status>,
    /// 录入日期起, `YYYY-MM-DD`, inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_from: Option<String>,
    /// 录入日期止, `YYYY-MM-DD`, inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_to: Option<String>,
    /// 1-based page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Rows per page, 1 to 100 (20 by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Key of the column to sort by, one of [`BookingQuery::SORTABLE`]; newest first without.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Sort descending.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub desc: bool,
}

impl BookingQuery {
    /// The columns the list may be sorted by.
    pub const SORTABLE: [&'static str; 4] = ["order_no", "status", "created_at", "updated_at"];

    /// The page to show, at least 1.
    pub fn page(&self) -> u32 {
        page_number(self.page)
    }

    /// Rows per page: 20 by default, between 1 and 100.
    pub fn page_size(&self) -> u32 {
        rows_per_page(self.page_size)
    }

    /// Rows to skip for [`BookingQuery::page`].
    pub fn offset(&self) -> u64 {
        offset(self.page, self.page_size)
    }

    /// The 订仓单编号 condition, trimmed; `None` when empty.
    pub fn order_no_prefix(&self) -> Option<&str> {
        self.order_no
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// 录入日期起 and 止, where given and valid.
    pub fn created_range(&self) -> (Option<Date>, Option<Date>) {
        let date = |v: &Option<String>| Date::parse(v.as_deref()?.trim()).ok();
        (date(&self.created_from), date(&self.created_to))
    }

    /// Errors of the conditions that have a format: the dates, their order, the sort key.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_date_range(
            &mut errors,
            "录入日期",
            ("created_from", &self.created_from),
            ("created_to", &self.created_to),
        );
        if self
            .sort
            .as_deref()
            .is_some_and(|key| !Self::SORTABLE.contains(&key))
        {
            errors.insert("sort".to_owned(), "不支持按该列排序".to_owned());
        }
        errors
    }
}

/// The preview of an imported line file: nothing is stored until the clerk saves the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportPreview {
    /// Every line of the file, in file order, with the row it came from.
    pub lines: Vec<PreviewLine>,
    /// The problems, by row; empty when every line is valid.
    pub errors: Vec<PreviewError>,
}

/// A line of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewLine {
    /// The row as the spreadsheet numbers it.
    pub row: usize,
    pub line: super::BookingLine,
}

/// A problem of one row: "第 12 行「数量」：数量必须大于 0".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewError {
    pub row: usize,
    /// The column's name in the header row.
    pub column: String,
    /// The whole message, row and column named.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_with_a_format_are_checked() {
        let query = |json: &str| -> BookingQuery { serde_json::from_str(json).unwrap() };
        assert_eq!(query("{}").validate(), FieldErrors::new());
        let bad = query(r#"{"created_from":"2026-13-01","sort":"ebp_name"}"#).validate();
        assert!(bad["created_from"].starts_with("录入日期"), "{bad:?}");
        assert_eq!(bad["sort"], "不支持按该列排序");
        let reversed = query(r#"{"created_from":"2026-03-02","created_to":"2026-03-01"}"#);
        assert_eq!(
            reversed.validate()["created_to"],
            "录入日期止不能早于录入日期起 2026-03-02"
        );
        let far = query(r#"{"page":4294967295,"page_size":1000}"#);
        assert_eq!(far.page_size(), 100);
        assert_eq!(far.offset(), 4_294_967_294 * 100);
    }
}
