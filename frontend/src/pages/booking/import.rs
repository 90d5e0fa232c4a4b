//! 导入商品行: a clerk's spreadsheet — a CSV (UTF-8 or GB18030) or `.xlsx` file, or rows pasted
//! from it — read by the server (`POST /api/booking-orders/import`, nothing stored), shown as a
//! preview with the problems of each row, and put into the form only when the clerk confirms.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::booking::api::ImportPreview;
use owf_shared::booking::LineField;
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, HtmlInputElement};

use crate::api::{self, Failure};
use crate::components::feedback::{ErrorBanner, Loading, Notice};
use crate::pages::booking::state::OrderForm;

/// The field of the import's refusal that says why a file cannot be read.
const FILE_FIELD: &str = "file";

/// Lines shown in the preview; the rest are counted.
const SHOWN: usize = 50;

/// Pasted rows as a text file the importer reads (tab-separated, as a spreadsheet copies them,
/// or comma-separated).
fn pasted_file(text: &str) -> Option<Blob> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    Blob::new_with_str_sequence_and_options(&parts, &options).ok()
}

/// The import panel of `order`.
pub fn import_panel(order: OrderForm) -> impl IntoView {
    let preview = RwSignal::new(None::<ImportPreview>);
    let failure = RwSignal::new(None::<Failure>);
    // Why the file cannot be read at all (422 under `file`): said at the file input.
    let unreadable = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    let empty_paste = RwSignal::new(false);
    let notice = Notice::use_notice();
    let location = leptos_router::hooks::use_location();
    let read = move |file: Blob, name: String| {
        busy.set(true);
        failure.set(None);
        unreadable.set(None);
        preview.set(None);
        spawn_local(async move {
            let result = api::import_booking_lines(&file, &name).await;
            busy.set(false);
            match result {
                Ok(read) => preview.set(Some(read)),
                Err(f) => match f.error.fields.get(FILE_FIELD) {
                    Some(reason) => unreadable.set(Some(format!("“{name}”无法导入：{reason}"))),
                    None => failure.set(Some(f)),
                },
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            let name = file.name();
            read(file.into(), name);
        }
        // The same file may be chosen again after it was corrected.
        input.set_value("");
    };
    let on_paste = move |_| {
        let text = pasted.get_untracked();
        empty_paste.set(text.trim().is_empty());
        if text.trim().is_empty() {
            return;
        }
        if let Some(file) = pasted_file(&text) {
            read(file, "粘贴内容.txt".to_owned());
        }
    };
    let confirm = move |replace: bool| {
        let Some(read) = preview.get_untracked() else {
            return;
        };
        let count = read.lines.len();
        order.add_lines(read.lines.into_iter().map(|l| l.line).collect(), replace);
        preview.set(None);
        pasted.set(String::new());
        let here = location.pathname.get_untracked();
        notice.show(format!("已导入 {count} 行商品，请核对后暂存"), here);
    };
    let here = StoredValue::new(confirm);
    view! {
        <details class="import" id="import" open=true>
            <summary>"导入商品行"</summary>
            <p class="hint">
                "支持 CSV（UTF-8 或 GB18030，即 Excel“CSV（逗号分隔）”）和 .xlsx 文件，第一行为表头（列名与模板一致）。导入前先预览，确认后才会放入下面的商品行。"
                <a href=api::booking_template_url() download="订仓单商品模板.csv" id="template-link">"模板下载"</a>
            </p>
            <div class="import-inputs">
                <label for="import-file">"选择文件"</label>
                <input type="file" id="import-file" accept=".csv,.txt,.tsv,.xlsx" on:change=on_file />
                <label for="import-paste">"或粘贴表格内容"</label>
                <textarea id="import-paste" rows="3" placeholder="从表格复制商品行（含表头行）后粘贴到这里"
                    prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                <button type="button" id="btn-import-paste" on:click=on_paste
                    disabled=move || busy.get()>"预览粘贴内容"</button>
                {move || unreadable.get().map(|reason| view! {
                    <p class="field-error" id="import-file-error" role="alert">{reason}</p>
                })}
                {move || empty_paste.get().then(|| view! {
                    <p class="field-error" id="import-paste-error">"请先把表格中的商品行（含表头行）粘贴到输入框"</p>
                })}
            </div>
            {move || busy.get().then(|| view! { <Loading label="正在读取文件…" /> })}
            {move || failure.get().map(|failure| view! { <ErrorBanner failure /> })}
            {move || preview.get().map(|read| preview_view(read, order, preview, here))}
        </details>
    }
}

/// The preview of `read`: the lines, the problems by row, and 确认导入 when there are none.
fn preview_view(
    read: ImportPreview,
    order: OrderForm,
    preview: RwSignal<Option<ImportPreview>>,
    confirm: StoredValue<impl Fn(bool) + Send + Sync + 'static>,
) -> impl IntoView {
    let (count, problems) = (read.lines.len(), read.errors.len());
    let summary = format!("共 {count} 行商品，{problems} 处错误");
    let errors = (problems > 0).then(|| {
        let items = read
            .errors
            .iter()
            .map(|e| view! { <li>{e.message.clone()}</li> })
            .collect_view();
        view! {
            <ul class="import-errors" id="import-errors" role="alert">{items}</ul>
            <p class="hint">"请修改文件后重新导入；订仓单的商品行没有任何改动。"</p>
        }
    });
    let columns = [
        LineField::ItemNo,
        LineField::ItemName,
        LineField::Unit,
        LineField::Qty,
        LineField::Price,
    ];
    let head = columns
        .iter()
        .map(|f| view! { <th scope="col">{f.label()}</th> })
        .collect_view();
    let rows = read
        .lines
        .iter()
        .take(SHOWN)
        .map(|l| {
            let cells = columns
                .iter()
                .map(|&f| view! { <td>{l.line.value(f).to_owned()}</td> })
                .collect_view();
            view! { <tr><th scope="row">{l.row}</th>{cells}</tr> }
        })
        .collect_view();
    let more = (count > SHOWN).then(|| {
        view! { <p class="hint">{format!("仅显示前 {SHOWN} 行，其余 {} 行确认后一并导入", count - SHOWN)}</p> }
    });
    let has_lines = order.lines.with_untracked(|rows| !rows.is_empty());
    let buttons = (problems == 0 && count > 0).then(|| {
        let run = move |replace: bool| move |_| confirm.with_value(|confirm| confirm(replace));
        if has_lines {
            view! {
                <button type="button" class="primary" id="btn-import-append" on:click=run(false)>"确认导入（追加到现有商品行后）"</button>
                <button type="button" id="btn-import-replace" on:click=run(true)>"确认导入（替换现有商品行）"</button>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="primary" id="btn-import-confirm" on:click=run(true)>"确认导入"</button>
            }
            .into_any()
        }
    });
    view! {
        <section class="import-preview" id="import-preview" aria-label="导入预览">
            <p id="import-summary"><strong>{summary}</strong></p>
            {errors}
            <div class="table-wrap">
                <table class="lines">
                    <thead><tr><th scope="col">"行号"</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {more}
            <div class="toolbar">
                {buttons}
                <button type="button" id="btn-import-cancel" on:click=move |_| preview.set(None)>"取消"</button>
            </div>
        </section>
    }
}
