//! The fields of the 订仓单 (domain.md §8, `OrderHead` and `OrderList`): JSON key, Chinese
//! label, whether 申报 needs them, and what their text must be ([`Rule`]).
//!
//! Error keys: a header field by its key (`order_no`), a line field as
//! `lines.{序号}.{key}` ([`LineField::key_at`], e.g. `lines.3.qty`), where 序号 counts from 1.

use crate::codes::TableKind;
use crate::decimal::{self, Format};

/// What the text of a field must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Free text of at most this many characters.
    Text(usize),
    /// A name or number people read and match: free text without invisible characters.
    Name(usize),
    /// A code of a customs table.
    Code(TableKind),
    /// An exact decimal of this format.
    Decimal(Format),
    /// 电商平台代码: 统一社会信用代码, 海关编码 or "无".
    EbpCode,
}

/// A field of the 订仓单 header (`OrderHead`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderField {
    /// 订仓单编号 (`orderNo`)
    OrderNo,
    /// 海外仓
    Warehouse,
    /// 电商平台代码 (`ebpCode`)
    EbpCode,
    /// 电商平台名称 (`ebpName`)
    EbpName,
    /// 币制 (`currency`)
    Currency,
    /// 运费 (`freight`)
    Freight,
    /// 商品总价 (`goodsValue`), computed from the lines.
    GoodsValue,
    /// 备注 (`note`)
    Note,
    /// The lines as a whole (their count).
    Lines,
}

impl HeaderField {
    pub fn key(self) -> &'static str {
        match self {
            Self::OrderNo => "order_no",
            Self::Warehouse => "warehouse_id",
            Self::EbpCode => "ebp_code",
            Self::EbpName => "ebp_name",
            Self::Currency => "currency",
            Self::Freight => "freight",
            Self::GoodsValue => "goods_value",
            Self::Note => "note",
            Self::Lines => "lines",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::OrderNo => "订仓单编号",
            Self::Warehouse => "海外仓",
            Self::EbpCode => "电商平台代码",
            Self::EbpName => "电商平台名称",
            Self::Currency => "币制",
            Self::Freight => "运费",
            Self::GoodsValue => "商品总价",
            Self::Note => "备注",
            Self::Lines => "商品",
        }
    }

    /// Whether 申报 needs the field: all but 备注.
    pub fn required(self) -> bool {
        self != Self::Note
    }

    /// What the field's text must be; `None` for 海外仓 (a record id) and 商品 (the lines).
    pub fn rule(self) -> Option<Rule> {
        match self {
            Self::OrderNo => Some(Rule::Name(60)),
            Self::Warehouse | Self::Lines => None,
            Self::EbpCode => Some(Rule::EbpCode),
            Self::EbpName => Some(Rule::Name(100)),
            Self::Currency => Some(Rule::Code(TableKind::Currencies)),
            Self::Freight | Self::GoodsValue => Some(Rule::Decimal(decimal::AMOUNT)),
            Self::Note => Some(Rule::Text(1000)),
        }
    }
}

/// A field of a line (`OrderList`); 序号 is the line's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineField {
    /// 企业商品货号 (`itemNo`)
    ItemNo,
    /// 商品名称 (`itemName`)
    ItemName,
    /// 商品描述 (`itemDescribe`)
    ItemDescribe,
    /// 条形码 (`barCode`)
    BarCode,
    /// 计量单位 (`unit`)
    Unit,
    /// 数量 (`qty`)
    Qty,
    /// 单价 (`price`)
    Price,
    /// 总价 (`totalPrice`)
    TotalPrice,
    /// 备注 (`note`)
    Note,
}

impl LineField {
    /// Every line field, in column order.
    pub const ALL: [LineField; 9] = [
        Self::ItemNo,
        Self::ItemName,
        Self::ItemDescribe,
        Self::BarCode,
        Self::Unit,
        Self::Qty,
        Self::Price,
        Self::TotalPrice,
        Self::Note,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::ItemNo => "item_no",
            Self::ItemName => "item_name",
            Self::ItemDescribe => "item_describe",
            Self::BarCode => "bar_code",
            Self::Unit => "unit",
            Self::Qty => "qty",
            Self::Price => "price",
            Self::TotalPrice => "total_price",
            Self::Note => "note",
        }
    }

    /// The error key of this field on line `gnum` (序号, from 1): `lines.3.qty`.
    pub fn key_at(self, gnum: usize) -> String {
        format!("lines.{gnum}.{}", self.key())
    }

    /// The Chinese label, also the column name of a line file.
    pub fn label(self) -> &'static str {
        match self {
            Self::ItemNo => "企业商品货号",
            Self::ItemName => "商品名称",
            Self::ItemDescribe => "商品描述",
            Self::BarCode => "条形码",
            Self::Unit => "计量单位",
            Self::Qty => "数量",
            Self::Price => "单价",
            Self::TotalPrice => "总价",
            Self::Note => "备注",
        }
    }

    /// Whether 申报 needs the field.
    pub fn required(self) -> bool {
        matches!(
            self,
            Self::ItemNo | Self::ItemName | Self::Unit | Self::Qty | Self::Price
        )
    }

    pub fn rule(self) -> Rule {
        match self {
            Self::ItemNo => Rule::Name(30),
            Self::ItemName => Rule::Name(250),
            Self::ItemDescribe | Self::Note => Rule::Text(1000),
            Self::BarCode => Rule::Name(50),
            Self::Unit => Rule::Code(TableKind::Units),
            Self::Qty => Rule::Decimal(decimal::QUANTITY),
            Self::Price => Rule::Decimal(decimal::PRICE),
            Self::TotalPrice => Rule::Decimal(decimal::AMOUNT),
        }
    }
}
