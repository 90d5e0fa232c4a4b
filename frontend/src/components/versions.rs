//! 版本: the approved versions of a filing (版本 1 新增, 版本 2 变更 …), each with what it changed
//! field by field, its content to open read-only, and its own print; and what a 变更 changes
//! against the version it follows.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::amendment::{value_changes, AppType, FieldValues, ACK};
use owf_shared::api::{AttachmentInfo, VersionEntry};
use owf_shared::codes::{Code, DocType, Ownership, TableKind, TradeMode};
use owf_shared::field::Field;
use owf_shared::form::COMMITMENT;
use owf_shared::proof::format_size;
use owf_shared::status::Status;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::{self, Failure};
use crate::codes;
use crate::components::editor::Stored;
use crate::components::field::Ticked;
use crate::components::receipt::receipt_words;
use crate::filing::Filing;

/// One approved version as the screens show it, whichever the filing.
#[derive(Clone, PartialEq)]
pub struct ShownVersion {
    version_no: i64,
    app_type: AppType,
    /// When customs approved it.
    approved_at: String,
    return_info: Option<String>,
    /// Every field with the value a person reads.
    values: Vec<(Field, String)>,
    /// What a 变更 changed against the version before, e.g. "仓库面积(平方米)：5200 → 6000".
    changes: Vec<String>,
    /// 证明材料 the version was approved with.
    documents: Vec<AttachmentInfo>,
}

impl ShownVersion {
    /// The version as read from the API, before its changes are known.
    fn of<F: FieldValues>(entry: VersionEntry<F>) -> Self {
        Self {
            version_no: entry.version_no,
            app_type: entry.app_type,
            approved_at: entry.approved_at,
            return_info: entry.return_info,
            values: entry.form.field_values(),
            changes: Vec::new(),
            documents: entry.documents,
        }
    }
}

/// The versions, oldest first, each 变更 with what it changed.
fn with_changes(mut versions: Vec<ShownVersion>) -> Vec<ShownVersion> {
    for i in 0..versions.len() {
        if versions[i].app_type == AppType::Change {
            let (version_no, values) = (versions[i].version_no, versions[i].values.clone());
            versions[i].changes = changes_against(&versions, version_no, values);
        }
    }
    versions
}

/// What the field `values` of version `version_no` change against the version before it.
fn changes_against(
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

/// What the version views show of a record.
#[derive(Clone, Default)]
pub struct Versions {
    /// The versions of an approved or cancelled filing; empty for any other record.
    pub list: Vec<ShownVersion>,
    /// For a 变更: what it changes against the version before.
    pub changes: Option<Vec<String>>,
}

/// How the versions of a `K` record are read from the JSON of `GET …/versions`: the version
/// list, or, for a 变更 that becomes version `Some(n)`, what the record in `detail` changes.
pub fn version_reader<K: Filing>(
    detail: RwSignal<Option<K::Detail>>,
) -> Callback<(String, Option<i64>), Result<Versions, Failure>> {
    Callback::new(move |(json, change): (String, Option<i64>)| {
        let entries = api::json::<Vec<VersionEntry<K::Form>>>(&json)?;
        let versions = entries.into_iter().map(ShownVersion::of).collect();
        let change = change.map(|version_no| {
            let values = detail.with_untracked(|d| d.as_ref().map(|d| K::form(d).field_values()));
            (version_no, values.unwrap_or_default())
        });
        Ok(versions_shown(versions, change))
    })
}

/// The version list; or for a 变更 that becomes version `n` with the field values `values`,
/// what it changes.
fn versions_shown(
    versions: Vec<ShownVersion>,
    change: Option<(i64, Vec<(Field, String)>)>,
) -> Versions {
    match change {
        Some((version_no, values)) => Versions {
            list: Vec::new(),
            changes: Some(changes_against(&versions, version_no, values)),
        },
        None => Versions {
            list: with_changes(versions),
            changes: None,
        },
    }
}

/// The versions of the record in `stored`, from the collection `api`, read by `read`; fetched
/// again whenever the record changes.
pub fn load_versions(
    api: &'static str,
    stored: Memo<Option<Stored>>,
    read: Callback<(String, Option<i64>), Result<Versions, Failure>>,
    failure: RwSignal<Option<Failure>>,
) -> RwSignal<Versions> {
    let versions = RwSignal::new(Versions::default());
    let record = move |s: &Option<Stored>| s.as_ref().map(|s| (s.id, s.lifecycle.version));
    Effect::new(move |loaded: Option<Option<(i64, i64)>>| {
        let current = stored.with(record);
        if loaded == Some(current) {
            return current;
        }
        let Some((of, change)) = stored.with_untracked(|s| s.as_ref().and_then(version_source))
        else {
            versions.set(Versions::default());
            return current;
        };
        spawn_local(async move {
            let read = api::versions(api, of)
                .await
                .and_then(|json| read.run((json, change)));
            if stored.try_with_untracked(record) != Some(current) {
                return;
            }
            match read {
                Ok(read) => versions.set(read),
                Err(f) => failure.set(Some(f)),
            }
        });
        current
    });
    versions
}

/// Whose versions a record shows: its own once approved or cancelled; for a 变更, those of the
/// filing it amends, with the version the change becomes.
fn version_source(stored: &Stored) -> Option<(i64, Option<i64>)> {
    let lifecycle = &stored.lifecycle;
    match &lifecycle.amendment {
        Some(a) if a.app_type == AppType::Change => Some((a.amends_id, Some(a.version_no))),
        Some(_) => None,
        None => matches!(lifecycle.status, Status::Approved | Status::Cancelled)
            .then_some((stored.id, None)),
    }
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
        receipt_words(version.return_info.as_deref())
    );
    let changed = (!version.changes.is_empty()).then(|| change_list(version.changes));
    let fields = version
        .values
        .into_iter()
        .map(|(field, value)| {
            let wide = matches!(
                field,
                Field::TradeModes | Field::CommitmentAck | Field::Note
            );
            view! { <div class:wide=wide><dt>{field.label()}</dt><dd>{shown_value(n, field, &value)}</dd></div> }
        })
        .collect_view();
    view! {
        <li class="version" id=format!("version-{n}")>
            <p class="version-head">{head}</p>
            {changed}
            <details>
                <summary>{format!("查看版本 {n} 的内容")}</summary>
                <dl class="summary">{fields}</dl>
                {version_documents(version.documents)}
                <button type="button" class="print-version" on:click=print_version>
                    {format!("打印版本 {n}")}
                </button>
            </details>
        </li>
    }
}

/// The documents a version was approved with: type, name, size and SHA-256, as an auditor
/// checks them against the files.
fn version_documents(documents: Vec<AttachmentInfo>) -> Option<impl IntoView> {
    (!documents.is_empty()).then(|| {
        let rows = documents
            .into_iter()
            .map(|d| {
                view! {
                    <li>
                        <span class="doc-type">{codes::coded::<DocType>(&d.doc_type)}</span>
                        <span class="file-name">{d.file_name}</span>
                        <span class="size">{format_size(d.size)}</span>
                        <span class="sha256">"SHA-256 "{d.sha256}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h4 class="version-documents">"证明材料"</h4>
            <ul class="attachment-list">{rows}</ul>
        }
    })
}

/// A value of version `n` as the form shows it: options as ☑/☐ with their labels, codes with
/// their names.
fn shown_value(n: i64, field: Field, value: &str) -> AnyView {
    let id = format!("v{n}-{}", field.key());
    let ticked = |id: String, checked: bool, label: String| view! { <Ticked id checked label /> };
    match field {
        Field::TradeModes => {
            let modes: Vec<&str> = value.split('、').collect();
            TradeMode::FILING_OPTIONS
                .iter()
                .map(|mode| {
                    let code = mode.code();
                    let label = codes::coded::<TradeMode>(code);
                    ticked(format!("{id}-{code}"), modes.contains(&code), label)
                })
                .collect_view()
                .into_any()
        }
        Field::CommitmentAck => ticked(id, value == ACK, COMMITMENT.to_owned()).into_any(),
        Field::TradeMode => codes::coded::<TradeMode>(value).into_any(),
        Field::Ownership => codes::coded::<Ownership>(value).into_any(),
        Field::CountryCode => codes::display(TableKind::Countries, value).into_any(),
        Field::CustomsDistrict => codes::display(TableKind::Districts, value).into_any(),
        _ => value.to_owned().into_any(),
    }
}

/// Prints the version whose button was clicked, and nothing else of the screen; the screen is
/// itself again once the browser has printed.
fn print_version(ev: web_sys::MouseEvent) {
    let version = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|button| button.closest(".version").ok().flatten());
    let (Some(version), Some(root)) = (version, document().document_element()) else {
        return;
    };
    // Its content is printed unfolded, and folded again after if it was.
    let folded = version.query_selector("details:not([open])").ok().flatten();
    if let Some(details) = &folded {
        let _ = details.set_attribute("open", "");
    }
    let _ = version.set_attribute("data-printing", "");
    let _ = root.set_attribute("data-print", "version");
    let done = Closure::once_into_js(move || {
        let _ = root.remove_attribute("data-print");
        let _ = version.remove_attribute("data-printing");
        if let Some(details) = folded {
            let _ = details.remove_attribute("open");
        }
        window().set_onafterprint(None);
    });
    window().set_onafterprint(Some(done.unchecked_ref()));
    let _ = window().print();
}
