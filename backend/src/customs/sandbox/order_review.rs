//! How the sandbox judges a 订仓单 (CEB303 with orderType W), as customs would: structure and
//! signature first (a failure is a negative code, in CEB304), then the business rules — the
//! same shared validation owf runs (the 海外仓 itself does not travel in CEB303), 商品总价
//! against its lines, and what only customs knows: which 订仓单 it holds. Customs answers once:
//! 120 海关入库, or 100 退单 naming the problem.

use owf_shared::amendment::AppType;
use owf_shared::booking::amendment::label;
use owf_shared::booking::{goods_value, validate_booking, HeaderField};
use owf_shared::codes::CodeTables;
use owf_shared::decimal::{self, Decimal};
use owf_shared::validate::{FieldErrors, Level};

use super::review::{format_error, limit, signed_by, Judgement, STRUCTURE_ERROR};
use super::store::SandboxStore;
use crate::customs::order::OrderDeclaration;
use crate::customs::xml::Element;
use crate::store::StoreError;

/// 海关入库
pub const TAKEN_IN: i32 = 120;
/// 退单
pub const REJECTED: i32 = 100;

/// Field errors as one line: `第 3 行：数量…；币制…`.
fn describe(errors: &FieldErrors) -> String {
    errors
        .iter()
        .map(|(key, message)| {
            let line = key
                .strip_prefix("lines.")
                .and_then(|rest| rest.split_once('.'))
                .map(|(gnum, _)| gnum);
            match line {
                Some(gnum) => format!("第 {gnum} 行：{message}"),
                None => message.clone(),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Judges the CEB303 `xml` with guid `guid` (from the envelope head).
pub async fn judge(store: &SandboxStore, guid: &str, xml: &str) -> Result<Judgement, StoreError> {
    let parsed = Element::parse(xml)
        .map_err(|e| e.to_string())
        .and_then(|root| {
            let order = OrderDeclaration::from_element(&root).map_err(|e| e.to_string())?;
            Ok((root, order))
        });
    let (root, order) = match parsed {
        Ok(parsed) => parsed,
        Err(why) => {
            return Ok(format_error(
                STRUCTURE_ERROR,
                format!("报文结构错误：{why}"),
            ))
        }
    };
    if let Err(refused) = signed_by(
        store,
        &root,
        guid,
        &order.guid,
        [&order.cop_code, &order.ebc_code],
    )
    .await?
    {
        return Ok(refused);
    }
    let form = &order.form;
    let (verdict, info) = match refusal(store, &order).await? {
        Some(reason) => (REJECTED, limit(format!("退单：{reason}"))),
        None => (
            TAKEN_IN,
            format!(
                "[Code:1800;Desc:逻辑校验通过] 订仓单{}成功，海关入库",
                label(order.app_type)
            ),
        ),
    };
    Ok(Judgement {
        cop_code: order.cop_code.clone(),
        apply_no: form.order_no.clone(),
        ebp_code: form.ebp_code.clone(),
        app_type: order.app_type,
        trade_modes: Vec::new(),
        verdict,
        info,
    })
}

/// Why customs refuses the order, or `None` to take it in.
async fn refusal(
    store: &SandboxStore,
    order: &OrderDeclaration,
) -> Result<Option<String>, StoreError> {
    let order_no = &order.form.order_no;
    let held = store.held_order(&order.cop_code, order_no).await?;
    let held = held.filter(|h| h.app_type != AppType::Cancel);
    match (order.app_type, held) {
        (AppType::New, Some(_)) => {
            return Ok(Some(format!(
                "订仓单编号 {order_no} 已存在：海关已接收本企业同一编号的订仓单"
            )))
        }
        (AppType::Change | AppType::Cancel, None) => {
            return Ok(Some(format!(
                "海关没有本企业订仓单编号为 {order_no} 的订仓单，不能{}",
                label(order.app_type)
            )))
        }
        (AppType::Change | AppType::Cancel, Some(held)) if held.taken_in => {
            return Ok(Some(format!(
                "订仓单 {order_no} 已海关入库，不能{}",
                label(order.app_type)
            )))
        }
        _ => {}
    }
    if order.app_type == AppType::Cancel {
        return Ok(None);
    }
    let mut errors = validate_booking(&order.form, Level::Declare, &CodeTables::embedded());
    errors.remove(HeaderField::Warehouse.key());
    if !errors.is_empty() {
        return Ok(Some(describe(&errors)));
    }
    let declared = Decimal::parse(order.goods_value.trim(), decimal::AMOUNT).ok();
    let computed = goods_value(&order.form.lines);
    if declared.is_none() || declared != computed {
        return Ok(Some(format!(
            "商品总价 {} 与各行总价之和 {} 不符",
            order.goods_value,
            computed.map_or_else(String::new, |sum| sum.with_places(2))
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_errors_name_their_line() {
        let errors = FieldErrors::from([
            ("currency".to_owned(), "币制代码不存在".to_owned()),
            ("lines.3.qty".to_owned(), "数量必须大于 0".to_owned()),
        ]);
        assert_eq!(describe(&errors), "币制代码不存在；第 3 行：数量必须大于 0");
    }
}
