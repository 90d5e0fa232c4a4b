//! The page header of a record's printout: 企业名称 and the record's number at the top of every
//! page, in the page margins `style/print.css` sets (which also numbers the pages).

use leptos::prelude::*;

/// `text` as a CSS string literal.
fn css_string(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\n', '\r'], " ");
    format!("\"{escaped}\"")
}

/// The `@page` rule that heads every printed page with `enterprise` and `apply_no`, a number
/// called `label`.
fn page_head(enterprise: &str, label: &str, apply_no: &str) -> String {
    format!(
        "@page {{ @top-left {{ content: {}; }} @top-right {{ content: {}; }} }}",
        css_string(&format!("企业名称：{enterprise}")),
        css_string(&format!("{label}：{apply_no}")),
    )
}

/// The page header of the printout of the record numbered `apply_no` (what `label` names:
/// 申请编号, 订仓单编号) of `enterprise`; nothing until the number is known.
pub fn print_head(
    enterprise: String,
    label: &'static str,
    apply_no: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        apply_no.get().map(|number| {
            view! { <style id="print-head">{page_head(&enterprise, label, &number)}</style> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_head_quotes_what_the_enterprise_typed() {
        assert_eq!(
            page_head(r#"A"B\C"#, "企业申请编号", "N1"),
            r#"@page { @top-left { content: "企业名称：A\"B\\C"; } @top-right { content: "企业申请编号：N1"; } }"#
        );
    }
}
