//! 订仓单 (warehouse booking order): the data an exporter transmits for every 9810 export, sent
//! to customs as CEB303 with `orderType` W (domain.md §8).
//!
//! * [`amendment`]: when a declared order may be changed (变更) or deleted (删除).
//! * [`api`]: what `/api/booking-orders` takes and answers.
//! * [`field`]: the header and line fields with key, Chinese label, limit and what they hold.
//! * [`validate`]: draft (暂存) and declare (申报) validation, the totals, and the form as declared.
//! * [`template`]: the column names of a line file, and the template clerks download.
//! * [`import`] (feature `import`, the server's): lines read from a CSV or `.xlsx` file.
//!
//! The form travels as text, like the filing forms, so a half-filled draft round-trips. A line's
//! 序号 (`gnum`) is its position in [`BookingForm::lines`], from 1: contiguous by construction.

pub mod amendment;
pub mod api;
pub mod field;
#[cfg(feature = "import")]
pub mod import;
pub mod template;
pub mod validate;

use serde::{Deserialize, Serialize};

pub use field::{HeaderField, LineField};
pub use validate::{check_line, declared, goods_value, validate_booking, LineCheck};

/// Most lines one 订仓单 holds: a container of small goods can carry a few thousand SKUs, and
/// 10,000 lines keep one CEB303 message under about 5 MB. Validation and import refuse more.
pub const MAX_LINES: usize = 10_000;

/// 订仓单, the fields the clerk enters. 电商企业 (`ebcCode`/`ebcName`) is the logged-in
/// enterprise, and 商品总价 (`goodsValue`) is computed ([`goods_value`]); neither is here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BookingForm {
    /// 订仓单编号 (`orderNo`), ≤ 60 characters; unique per enterprise (the server's check).
    pub order_no: String,
    /// 海外仓: the id of one of the enterprise's warehouse records (海外仓资料信息).
    pub warehouse_id: Option<i64>,
    /// 电商平台代码 (`ebpCode`): 18-character 统一社会信用代码, 10-character 海关编码, or "无".
    pub ebp_code: String,
    /// 电商平台名称 (`ebpName`, for W "电商平台/海外仓名称").
    pub ebp_name: String,
    /// 币制 (`currency`): a code of the customs currency table, e.g. 502 美元.
    pub currency: String,
    /// 运费 (`freight`), N16,2.
    pub freight: String,
    /// 备注 (`note`).
    pub note: String,
    /// 商品 (`OrderList`), 序号 = position + 1.
    pub lines: Vec<BookingLine>,
}

/// One line of goods (`OrderList`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BookingLine {
    /// 企业商品货号 (`itemNo`, SKU), ≤ 30.
    pub item_no: String,
    /// 商品名称 (`itemName`), ≤ 250.
    pub item_name: String,
    /// 商品描述 (`itemDescribe`).
    pub item_describe: String,
    /// 条形码 (`barCode`).
    pub bar_code: String,
    /// 计量单位 (`unit`): a code of the customs unit table, e.g. 007 个.
    pub unit: String,
    /// 数量 (`qty`), > 0, up to 5 decimals.
    pub qty: String,
    /// 单价 (`price`), ≥ 0, up to 5 decimals.
    pub price: String,
    /// 总价 (`totalPrice`): computed; when entered it must equal 数量 × 单价.
    pub total_price: String,
    /// 备注 (`note`).
    pub note: String,
}

impl BookingLine {
    /// The text of `field`.
    pub fn value(&self, field: LineField) -> &str {
        match field {
            LineField::ItemNo => &self.item_no,
            LineField::ItemName => &self.item_name,
            LineField::ItemDescribe => &self.item_describe,
            LineField::BarCode => &self.bar_code,
            LineField::Unit => &self.unit,
            LineField::Qty => &self.qty,
            LineField::Price => &self.price,
            LineField::TotalPrice => &self.total_price,
            LineField::Note => &self.note,
        }
    }

    /// The text of `field`, to fill in.
    pub fn value_mut(&mut self, field: LineField) -> &mut String {
        match field {
            LineField::ItemNo => &mut self.item_no,
            LineField::ItemName => &mut self.item_name,
            LineField::ItemDescribe => &mut self.item_describe,
            LineField::BarCode => &mut self.bar_code,
            LineField::Unit => &mut self.unit,
            LineField::Qty => &mut self.qty,
            LineField::Price => &mut self.price,
            LineField::TotalPrice => &mut self.total_price,
            LineField::Note => &mut self.note,
        }
    }
}
