//! Validation of the 订仓单, the same code in the browser and on the server, at the two levels
//! of [`Level`]: 暂存 checks the filled fields, 申报 also the required ones and that there is at
//! least one line. Both refuse more than [`MAX_LINES`] lines (without looking at them), a 总价
//! that differs from 数量 × 单价, and totals past N16,2.
//!
//! Errors map a key to one Chinese message, as for the filings ([`FieldErrors`]); the keys are
//! those of [`super::field`] (`order_no`, `lines.3.qty`).

use crate::codes::CodeTables;
use crate::decimal::{self, Decimal};
use crate::ids::{CustomsCode, Uscc};
use crate::text;
use crate::validate::{FieldErrors, Level};

use super::field::{HeaderField, LineField, Rule};
use super::{BookingForm, BookingLine, MAX_LINES};

/// What [`check_line`] found on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineCheck {
    /// The first problem of each field, in column order; messages name the field.
    pub errors: Vec<(LineField, String)>,
    /// 总价 = 数量 × 单价 (rounded half-up to 2 places), when both are valid.
    pub total: Option<Decimal>,
}

/// Validates the whole 订仓单.
pub fn validate_booking(form: &BookingForm, level: Level, tables: &CodeTables) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let header = [
        (HeaderField::OrderNo, &form.order_no),
        (HeaderField::EbpCode, &form.ebp_code),
        (HeaderField::EbpName, &form.ebp_name),
        (HeaderField::Currency, &form.currency),
        (HeaderField::Freight, &form.freight),
        (HeaderField::Note, &form.note),
    ];
    for (field, raw) in header {
        let Some(rule) = field.rule() else { continue };
        if let Err(message) = check(rule, field.label(), field.required(), raw, level, tables) {
            errors.insert(field.key().to_owned(), message);
        }
    }
    if level == Level::Declare && form.warehouse_id.is_none() {
        errors.insert(
            HeaderField::Warehouse.key().to_owned(),
            "请选择海外仓".into(),
        );
    }
    let lines = HeaderField::Lines.key().to_owned();
    if form.lines.len() > MAX_LINES {
        let message = format!(
            "一个订仓单最多 {MAX_LINES} 行商品（当前 {} 行），请分成多个订仓单",
            form.lines.len()
        );
        errors.insert(lines, message);
        return errors;
    }
    if level == Level::Declare && form.lines.is_empty() {
        errors.insert(lines, "请至少填写 1 行商品".into());
    }
    let mut sum = Some(Decimal::ZERO);
    for (index, line) in form.lines.iter().enumerate() {
        let checked = check_line(line, level, tables);
        for (field, message) in checked.errors {
            errors.insert(field.key_at(index + 1), message);
        }
        sum = sum.zip(checked.total).map(|(sum, total)| sum + total);
    }
    if let Some(sum) = sum.filter(|sum| !sum.fits(decimal::AMOUNT)) {
        errors.insert(
            HeaderField::GoodsValue.key().to_owned(),
            format!(
                "商品总价 {} 超过上限 99999999999999.99，请分成多个订仓单",
                sum.with_places(2)
            ),
        );
    }
    errors
}

/// Validates one line; the importer reports the same problems by row and column.
pub fn check_line(line: &BookingLine, level: Level, tables: &CodeTables) -> LineCheck {
    let mut errors = Vec::new();
    let [mut qty, mut price, mut entered_total] = [None; 3];
    for field in LineField::ALL {
        let raw = line.value(field);
        match check(
            field.rule(),
            field.label(),
            field.required(),
            raw,
            level,
            tables,
        ) {
            Err(message) => errors.push((field, message)),
            Ok(number) => match field {
                LineField::Qty => qty = number,
                LineField::Price => price = number,
                LineField::TotalPrice => entered_total = number,
                _ => {}
            },
        }
    }
    let bar_code = line.bar_code.trim();
    if decimal::is_scientific(bar_code) {
        errors.push((
            LineField::BarCode,
            format!("条形码 {bar_code} 是科学计数法，原条形码的末几位已丢失：请把表格中该列设为“文本”格式，重新填写条形码后再导入"),
        ));
    }
    if qty.is_some_and(Decimal::is_zero) {
        errors.push((LineField::Qty, "数量必须大于 0".into()));
        qty = None;
    }
    let total = qty.zip(price).and_then(|(qty, price)| qty.times(price, 2));
    if let Some(total) = total {
        if !total.fits(decimal::AMOUNT) {
            errors.push((
                LineField::TotalPrice,
                format!(
                    "总价（数量 × 单价 = {}）超过上限 99999999999999.99",
                    total.with_places(2)
                ),
            ));
        } else if entered_total.is_some_and(|entered| entered != total) {
            errors.push((
                LineField::TotalPrice,
                format!(
                    "总价应等于 数量 × 单价 = {}（当前为 {}），也可不填由系统计算",
                    total.with_places(2),
                    line.total_price.trim()
                ),
            ));
        }
    }
    let mut seen = Vec::new();
    errors.retain(|(field, _)| {
        let first = !seen.contains(field);
        seen.push(*field);
        first
    });
    LineCheck { errors, total }
}

/// The form as it is declared (CEB303), once [`validate_booking`] found nothing at 申报 level:
/// codes and numbers half-width without surrounding blanks, 电商平台代码 upper-case, and 总价 =
/// 数量 × 单价 to 2 places. Numbers keep the digits the clerk entered (`25.5` stays `25.5`).
pub fn declared(form: &BookingForm) -> BookingForm {
    let plain = |raw: &str| text::to_half_width(raw).trim().to_owned();
    BookingForm {
        order_no: form.order_no.trim().to_owned(),
        warehouse_id: form.warehouse_id,
        ebp_code: text::code_input(form.ebp_code.trim(), true),
        ebp_name: form.ebp_name.trim().to_owned(),
        currency: plain(&form.currency),
        freight: plain(&form.freight),
        note: form.note.clone(),
        lines: form
            .lines
            .iter()
            .map(|line| BookingLine {
                unit: plain(&line.unit),
                qty: plain(&line.qty),
                price: plain(&line.price),
                total_price: line_total(line).map_or_else(String::new, |t| t.with_places(2)),
                ..line.clone()
            })
            .collect(),
    }
}

/// 商品总价 (`goodsValue`): the sum of the lines' 总价, once every line has 数量 and 单价.
pub fn goods_value(lines: &[BookingLine]) -> Option<Decimal> {
    lines.iter().map(line_total).sum()
}

/// 总价 of one line, when 数量 and 单价 are valid.
fn line_total(line: &BookingLine) -> Option<Decimal> {
    let number = |raw: &str, format| Decimal::parse(text::to_half_width(raw).trim(), format).ok();
    let qty = number(&line.qty, decimal::QUANTITY)?;
    let price = number(&line.price, decimal::PRICE)?;
    qty.times(price, 2)
}

/// Checks one value against `rule`. `Ok` with the number of a filled decimal field, `Ok(None)`
/// for any other valid or allowed-blank value; `Err` with a message that names `label`.
fn check(
    rule: Rule,
    label: &str,
    required: bool,
    raw: &str,
    level: Level,
    tables: &CodeTables,
) -> Result<Option<Decimal>, String> {
    let value = raw.trim();
    if value.is_empty() {
        if required && level == Level::Declare {
            let verb = match rule {
                Rule::Code(_) => "请选择",
                _ => "请填写",
            };
            return Err(format!("{verb}{label}"));
        }
        return Ok(None);
    }
    let checked = match rule {
        Rule::Text(max) => text::check(value, max).map_err(|e| e.to_string()),
        Rule::Name(max) => text::check_name(value, max).map_err(|e| e.to_string()),
        Rule::Code(kind) => {
            let code = text::code_input(value, false);
            let table = tables.table(kind);
            table
                .parse(code.trim())
                .map(drop)
                .map_err(|e| e.to_string())
        }
        Rule::Decimal(format) => {
            return Decimal::parse(text::to_half_width(value).trim(), format)
                .map(Some)
                .map_err(|e| format!("{label}{e}"));
        }
        Rule::EbpCode => ebp_code(&text::code_input(value, true)),
    };
    checked.map(|()| None).map_err(|e| format!("{label}{e}"))
}

/// 电商平台代码: the platform's 统一社会信用代码 (18) or 海关编码 (10), or "无" for a platform
/// outside China.
fn ebp_code(value: &str) -> Result<(), String> {
    match value.chars().count() {
        _ if value == "无" => Ok(()),
        18 => Uscc::parse(value).map(drop).map_err(|e| e.to_string()),
        10 => CustomsCode::parse(value)
            .map(drop)
            .map_err(|e| e.to_string()),
        _ => Err("应为电商平台的 18 位统一社会信用代码或 10 位海关编码；境外平台填写“无”".into()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::*;

    fn tables() -> Arc<CodeTables> {
        CodeTables::embedded()
    }

    fn line(qty: &str, price: &str) -> BookingLine {
        BookingLine {
            item_no: "SKU-0001".into(),
            item_name: "蓝牙耳机".into(),
            unit: "007".into(),
            qty: qty.into(),
            price: price.into(),
            ..BookingLine::default()
        }
    }

    fn form(lines: Vec<BookingLine>) -> BookingForm {
        BookingForm {
            order_no: "WO202603120001".into(),
            warehouse_id: Some(7),
            ebp_code: "无".into(),
            ebp_name: "Amazon".into(),
            currency: "502".into(),
            freight: "120.50".into(),
            note: String::new(),
            lines,
        }
    }

    fn errors(form: &BookingForm, level: Level) -> FieldErrors {
        validate_booking(form, level, &tables())
    }

    #[test]
    fn the_declared_form_keeps_the_digits_and_computes_the_totals() {
        let mut entered = form(vec![line("１００", " 25.5 "), line("2", "0.125")]);
        entered.ebp_code = "91440300ma5g8k2p04".into();
        entered.lines[1].total_price = "0.25".into();
        let sent = declared(&entered);
        assert_eq!(errors(&sent, Level::Declare), FieldErrors::new());
        assert_eq!(sent.ebp_code, "91440300MA5G8K2P04");
        let numbers: Vec<_> = sent
            .lines
            .iter()
            .map(|l| (l.qty.as_str(), l.price.as_str(), l.total_price.as_str()))
            .collect();
        assert_eq!(
            numbers,
            [("100", "25.5", "2550.00"), ("2", "0.125", "0.25")]
        );
        assert_eq!(
            (sent.freight.as_str(), sent.warehouse_id),
            ("120.50", Some(7))
        );
    }

    #[test]
    fn a_complete_order_passes_both_levels() {
        let form = form(vec![line("100", "25.5"), line("2", "0.125")]);
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(errors(&form, level), FieldErrors::new());
        }
        assert_eq!(goods_value(&form.lines).unwrap().with_places(2), "2550.25");
    }

    #[test]
    fn declare_requires_what_draft_lets_stay_empty() {
        let empty = BookingForm {
            lines: vec![BookingLine::default()],
            ..BookingForm::default()
        };
        assert_eq!(errors(&empty, Level::Draft), FieldErrors::new());
        let found = errors(&empty, Level::Declare);
        let expected = [
            ("order_no", "请填写订仓单编号"),
            ("warehouse_id", "请选择海外仓"),
            ("ebp_code", "请填写电商平台代码"),
            ("ebp_name", "请填写电商平台名称"),
            ("currency", "请选择币制"),
            ("freight", "请填写运费"),
            ("lines.1.item_no", "请填写企业商品货号"),
            ("lines.1.item_name", "请填写商品名称"),
            ("lines.1.unit", "请选择计量单位"),
            ("lines.1.qty", "请填写数量"),
            ("lines.1.price", "请填写单价"),
        ];
        let expected: FieldErrors = expected
            .into_iter()
            .map(|(key, message)| (key.to_owned(), message.to_owned()))
            .collect();
        assert_eq!(found, expected);
        assert_eq!(
            errors(&form(Vec::new()), Level::Declare)["lines"],
            "请至少填写 1 行商品"
        );
    }

    #[test]
    fn line_problems_are_keyed_by_line_and_field() {
        let mut bad = vec![line("1", "1"); 4];
        bad[1].qty = "0".into();
        bad[1].unit = "个".into();
        bad[2].price = "-3".into();
        bad[2].item_no = "S".repeat(31);
        bad[3].total_price = "2550.5".into();
        bad[3].qty = "100".into();
        bad[3].price = "25.5".into();
        bad[3].bar_code = "6.90123E+12".into();
        let found = errors(&form(bad), Level::Draft);
        assert_eq!(found["lines.2.qty"], "数量必须大于 0");
        assert_eq!(found["lines.2.unit"], "计量单位应为 3 位数字代码");
        assert_eq!(found["lines.3.price"], "单价不能为负数");
        assert_eq!(
            found["lines.3.item_no"],
            "企业商品货号最多 30 个字符（当前 31 个）"
        );
        assert_eq!(
            found["lines.4.total_price"],
            "总价应等于 数量 × 单价 = 2550.00（当前为 2550.5），也可不填由系统计算"
        );
        assert!(found["lines.4.bar_code"].starts_with("条形码 6.90123E+12 是科学计数法"));
        assert_eq!(found.len(), 6, "{found:?}");
        // A total written with other zeros is the same number.
        let mut same = line("100", "25.5");
        same.total_price = "2550".into();
        assert_eq!(
            errors(&form(vec![same]), Level::Declare),
            FieldErrors::new()
        );
    }

    #[test]
    fn header_codes_and_amounts() {
        let with = |change: &dyn Fn(&mut BookingForm)| {
            let mut form = form(vec![line("1", "1")]);
            change(&mut form);
            errors(&form, Level::Draft)
        };
        assert_eq!(
            with(&|f| f.currency = "840".into())["currency"],
            "币制代码 840 不在币制代码表中"
        );
        assert_eq!(
            with(&|f| f.freight = "1,200.00".into())["freight"],
            "运费不能含逗号：小数点请用“.”，也不要写千位分隔符，例如 1234.5"
        );
        assert_eq!(
            with(&|f| f.freight = "12.345".into())["freight"],
            "运费最多 2 位小数（当前 3 位）"
        );
        assert_eq!(
            with(&|f| f.ebp_code = "ABC".into())["ebp_code"],
            "电商平台代码应为电商平台的 18 位统一社会信用代码或 10 位海关编码；境外平台填写“无”"
        );
        assert!(
            with(&|f| f.ebp_code = "91350100M000100Y42".into())["ebp_code"]
                .starts_with("电商平台代码校验位错误")
        );
        for code in [
            "91350100M000100Y43",
            "4403961234",
            "无",
            "４４０３９６１２３４",
        ] {
            let found = with(&|f| f.ebp_code = code.into());
            assert!(!found.contains_key("ebp_code"), "{code}: {found:?}");
        }
        assert_eq!(
            with(&|f| f.order_no = "W".repeat(61))["order_no"],
            "订仓单编号最多 60 个字符（当前 61 个）"
        );
    }

    #[test]
    fn totals_round_half_up_per_line_then_add() {
        // 3 × 0.125 = 0.375 → 0.38 on each line; the sum adds the rounded totals.
        let lines = vec![line("3", "0.125"); 3];
        assert_eq!(goods_value(&lines).unwrap().with_places(2), "1.14");
        let mut unknown = lines.clone();
        unknown[1].qty = "x".into();
        assert_eq!(goods_value(&unknown), None);
    }

    #[test]
    fn a_thousand_lines_add_up_exactly() {
        // 0.1 has no exact binary form: in f64 a thousand of them sum to 99.9999999999986.
        let lines = vec![line("1", "0.1"); 1000];
        assert_eq!(goods_value(&lines).unwrap().with_places(2), "100.00");
        let lines: Vec<_> = (1..=1000).map(|n| line(&n.to_string(), "0.01")).collect();
        assert_eq!(goods_value(&lines).unwrap().with_places(2), "5005.00");
        assert_eq!(errors(&form(lines), Level::Declare), FieldErrors::new());
    }

    #[test]
    fn the_most_lines_validate_and_one_more_is_refused_unread() {
        let most = form(vec![line("2", "0.5"); MAX_LINES]);
        assert_eq!(errors(&most, Level::Declare), FieldErrors::new());
        assert_eq!(goods_value(&most.lines).unwrap().to_string(), "10000");
        let mut over = form(vec![BookingLine::default(); MAX_LINES + 1]);
        over.lines[0].qty = "-1".into();
        let found = errors(&over, Level::Declare);
        assert_eq!(
            found["lines"],
            "一个订仓单最多 10000 行商品（当前 10001 行），请分成多个订仓单"
        );
        assert!(found.keys().all(|key| !key.starts_with("lines.")));
    }

    #[test]
    fn totals_past_n16_2_are_refused() {
        let big = line("99999999999999", "1");
        assert_eq!(
            errors(&form(vec![big.clone()]), Level::Draft),
            FieldErrors::new()
        );
        let found = errors(&form(vec![big, line("1", "1")]), Level::Draft);
        assert_eq!(
            found["goods_value"],
            "商品总价 100000000000000.00 超过上限 99999999999999.99，请分成多个订仓单"
        );
        let found = errors(&form(vec![line("99999999999999", "1.5")]), Level::Draft);
        assert_eq!(
            found["lines.1.total_price"],
            "总价（数量 × 单价 = 149999999999998.50）超过上限 99999999999999.99"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// 1,000 lines of any amounts within N16,2: the sum is the exact sum of their cents,
        /// refused exactly when it passes N16,2, and nothing overflows.
        #[test]
        fn sums_of_a_thousand_lines_are_exact(
            cents in (1u32..=16).prop_flat_map(|digits| {
                proptest::collection::vec(0..10u64.pow(digits), 1000)
            }),
        ) {
            let lines: Vec<_> = cents
                .iter()
                .map(|c| line("1", &format!("{}.{:02}", c / 100, c % 100)))
                .collect();
            let total: u128 = cents.iter().map(|&c| u128::from(c)).sum();
            let expected = format!("{}.{:02}", total / 100, total % 100);
            prop_assert_eq!(goods_value(&lines).unwrap().with_places(2), expected);
            let found = errors(&form(lines), Level::Declare);
            prop_assert_eq!(found.contains_key("goods_value"), total > 9_999_999_999_999_999);
            prop_assert_eq!(found.len(), usize::from(found.contains_key("goods_value")));
        }
    }
}
