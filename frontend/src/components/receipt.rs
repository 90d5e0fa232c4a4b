//! A receipt as a clerk reads it: the plain words of its `returnInfo`, with the CEB code it was
//! tagged with on hover (the shared [`ReceiptText`]).

use leptos::prelude::*;
use owf_shared::receipt::ReceiptText;

/// The plain words of the receipt text `info` (blank when there is none), for a table cell, the
/// CSV export or a heading.
pub fn receipt_words(info: Option<&str>) -> String {
    ReceiptText::of(info.unwrap_or_default()).plain
}

/// The CEB code the receipt text `info` was tagged with, as its hover text.
pub fn receipt_code(info: Option<&str>) -> Option<String> {
    ReceiptText::of(info?).code_note()
}

/// The receipt text `info` in plain words, its code on hover.
#[component]
pub fn Receipt(info: Option<String>, #[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    let text = ReceiptText::of(info.as_deref().unwrap_or_default());
    let code = text.code_note();
    view! { <span class="receipt" id=id title=code>{text.plain}</span> }
}
