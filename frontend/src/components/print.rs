//! The page header of a record's printout: 企业名称 and the record's number at the top of every
//! page, in the page margins `style/print.css` sets (which also numbers the pages).

use leptos::prelude::*;
use owf_shared::field::Field;

/// `text` as a CSS string literal.
fn css_string(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\n', '\r'], " ");
    format!("\"{escaped}\"")
}

/// The `@page` rule that heads every printed page with `enterprise` and `apply_no`.
fn page_head(enterprise: &str, apply_no_field: Field, apply_no: &str) -> String {
    format!(
        "@page {{ @top-left {{ content: {}; }} @top-right {{ content: {}; }} }}",
        css_string(&format!("企业名称：{enterprise}")),
        css_string(&format!("{}：{apply_no}", apply_no_field.label())),
    )
}

/// The page header of the printout of the record numbered `apply_no` (a `apply_no_field`) of
/// `enterprise`; nothing until the number is known.
pub fn print_head(
    enterprise: String,
    apply_no_field: Field,
    apply_no: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        apply_no.get().map(|number| {
            view! { <style id="print-head">{page_head(&enterprise, apply_no_field, &number)}</style> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_head_quotes_what_the_enterprise_typed() {
        assert_eq!(
            page_head(r#"A"B\C"#, Field::EntApplyNo, "N1"),
            r#"@page { @top-left { content: "企业名称：A\"B\\C"; } @top-right { content: "企业申请编号：N1"; } }"#
        );
    }
}
