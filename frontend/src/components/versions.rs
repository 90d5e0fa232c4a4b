//! 版本: the approved versions of a filing (版本 1 新增, 版本 2 变更 …), each with what it changed
//! field by field, its content to open read-only, and its own print.

use leptos::prelude::*;
use owf_shared::amendment::{value_changes, AppType, FieldValues};
use owf_shared::api::VersionEntry;
use owf_shared::field::Field;
use wasm_bindgen::JsCast;

/// One approved version as the screens show it, whichever the filing.
#[derive(Clone, PartialEq)]
pub struct ShownVersion {
    pub version_no: i64,
    pub app_type: AppType,
    /// When customs approved it.
    pub approved_at: String,
    pub return_info: Option<String>,
    /// Every field with the value a person reads.
    pub values: Vec<(Field, String)>,
    /// What a 变更 changed against the version before, e.g. "仓库面积(平方米)：5200 → 6000".
    pub changes: Vec<String>,
}

impl ShownVersion {
    /// The version as read from the API, before its changes are known.
    pub fn of<F: FieldValues>(entry: VersionEntry<F>) -> Self {
        Self {
            version_no: entry.version_no,
            app_type: entry.app_type,
            approved_at: entry.approved_at,
            return_info: entry.return_info,
            values: entry.form.field_values(),
            changes: Vec::new(),
        }
    }
}

/// The versions, oldest first, each 变更 with what it changed.
pub fn with_changes(mut versions: Vec<ShownVersion>) -> Vec<ShownVersion> {
    for i in 0..versions.len() {
        if versions[i].app_type == AppType::Change {
            let (version_no, values) = (versions[i].version_no, versions[i].values.clone());
            versions[i].changes = changes_against(&versions, version_no, values);
        }
    }
    versions
}

/// What the field `values` of version `version_no` change against the version before it.
pub fn changes_against(
    versions: &[ShownVersion],
    version_no: i64,
    values: Vec<(Field, String)>,
) -> Vec<String> {
    versions
        .iter()
        .find(|v| v.version_no == version_no - 1)
        .map(|before| {
            value_changes(before.values.clone(), values)
                .iter()
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// What changed, one line per field.
pub fn change_list(changes: Vec<String>) -> impl IntoView {
    let lines = changes
        .into_iter()
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    view! { <ul class="changes">{lines}</ul> }
}

/// The version list of the filing numbered `apply_no` (`apply_no_field`).
pub fn version_list(
    apply_no_field: Field,
    apply_no: &str,
    versions: Vec<ShownVersion>,
) -> impl IntoView {
    let title = format!("版本（{} {apply_no}）", apply_no_field.label());
    let items = versions.into_iter().map(version_item).collect_view();
    view! {
        <section class="versions" id="versions" aria-labelledby="versions-title">
            <h3 id="versions-title">{title}</h3>
            <ol>{items}</ol>
        </section>
    }
}

fn version_item(version: ShownVersion) -> impl IntoView {
    let n = version.version_no;
    let head = format!(
        "版本 {n}　{}　{} 审核通过　{}",
        version.app_type.label(),
        version.approved_at,
        version.return_info.unwrap_or_default()
    );
    let changed = (!version.changes.is_empty()).then(|| change_list(version.changes));
    let fields = version
        .values
        .into_iter()
        .map(|(field, value)| view! { <div><dt>{field.label()}</dt><dd>{value}</dd></div> })
        .collect_view();
    view! {
        <li class="version" id=format!("version-{n}")>
            <p class="version-head">{head}</p>
            {changed}
            <details>
                <summary>{format!("查看版本 {n} 的内容")}</summary>
                <dl class="summary">{fields}</dl>
                <button type="button" class="print-version" on:click=print_version>
                    {format!("打印版本 {n}")}
                </button>
            </details>
        </li>
    }
}

/// Prints the version whose button was clicked, and nothing else of the screen.
fn print_version(ev: web_sys::MouseEvent) {
    let version = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|button| button.closest(".version").ok().flatten());
    let (Some(version), Some(root)) = (version, document().document_element()) else {
        return;
    };
    let _ = version.set_attribute("data-printing", "");
    let _ = root.set_attribute("data-print", "version");
    let _ = window().print();
    let _ = root.remove_attribute("data-print");
    let _ = version.remove_attribute("data-printing");
}
