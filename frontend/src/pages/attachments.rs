//! 证明材料 (B17) of a warehouse: the stored documents, upload and removal.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::api::AttachmentInfo;
use owf_shared::codes::{Code, DocType};
use owf_shared::field::Field;
use owf_shared::proof::{check_upload, format_size};
use owf_shared::status::Action;

use crate::api::{self, Failure};
use crate::components::editor::FormState;
use crate::components::feedback::ErrorBanner;
use crate::components::field::FieldEnv;
use crate::filing::Warehouse;

/// The first bytes of `file`, by which the shared rules recognise its format.
async fn file_head(file: &web_sys::File) -> Vec<u8> {
    let Ok(head) = file.slice_with_i32_and_i32(0, 16) else {
        return Vec::new();
    };
    match wasm_bindgen_futures::JsFuture::from(head.array_buffer()).await {
        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        Err(_) => Vec::new(),
    }
}

fn doc_label(code: &str) -> String {
    DocType::from_code(code).map_or_else(
        || code.to_owned(),
        |d| format!("{} {}", d.code(), d.label()),
    )
}

#[component]
pub fn Attachments(state: FormState<Warehouse>) -> impl IntoView {
    let env = FieldEnv::use_env();
    let field = Field::Attachments;
    let error = env.error(field.key());
    let failure = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let doc_type = RwSignal::new(DocType::Ownership.code().to_owned());
    let file_input = NodeRef::<leptos::html::Input>::new();
    let record = move || {
        state
            .detail
            .with(|d| d.as_ref().map(|d| (d.id, d.attachments.clone())))
    };
    // Documents are stored at once, apart from the form, whenever the record may be changed.
    let changeable = move || {
        state.detail.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.lifecycle.status.allows(Action::Edit))
        })
    };
    let finish = move |result: Result<(), Failure>| {
        busy.set(false);
        match result {
            Ok(()) => {
                failure.set(None);
                env.touch(field.key());
                if let Some(reload) = state.reload {
                    reload.run(());
                }
            }
            Err(f) => failure.set(Some(f)),
        }
    };
    let refuse = move |message: String| {
        failure.set(Some(Failure {
            status: 400,
            error: owf_shared::api::ApiError {
                code: "upload".into(),
                message,
                fields: Default::default(),
            },
        }));
    };
    let upload = move |_| {
        let Some((id, existing)) = state
            .detail
            .with_untracked(|d| d.as_ref().map(|d| (d.id, d.attachments.len())))
        else {
            return;
        };
        let file = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            refuse("请先选择要上传的文件".into());
            return;
        };
        busy.set(true);
        let doc_type = doc_type.get_untracked();
        spawn_local(async move {
            let head = file_head(&file).await;
            let size = file.size() as usize;
            if let Err(e) = check_upload(size, &head, existing) {
                busy.set(false);
                refuse(e.to_string());
                return;
            }
            let result = api::upload_attachment(id, &doc_type, file)
                .await
                .map(|_| ());
            if result.is_ok() {
                if let Some(input) = file_input.get_untracked() {
                    input.set_value("");
                }
            }
            finish(result);
        });
    };
    let remove = move |id: i64, attachment: i64| {
        busy.set(true);
        spawn_local(async move { finish(api::delete_attachment(id, attachment).await) });
    };
    let row = move |id: i64, attachment: AttachmentInfo| {
        let att = attachment.id;
        view! {
            <li>
                <span class="doc-type">{doc_label(&attachment.doc_type)}</span>
                <a href=api::attachment_url(id, att) target="_blank" rel="noopener">{attachment.file_name}</a>
                <span class="size">{format_size(attachment.size)}</span>
                <Show when=changeable>
                    <button type="button" class="link danger" disabled=move || busy.get()
                        on:click=move |_| remove(id, att)>"移除"</button>
                </Show>
            </li>
        }
    };
    let uploader = move || {
        view! {
            <div class="upload">
                <label for="doc_type">"材料类型"</label>
                <select id="doc_type" prop:value=move || doc_type.get()
                    on:change=move |ev| doc_type.set(event_target_value(&ev))>
                    {DocType::ALL.iter().map(|d| view! {
                        <option value=d.code() selected=move || doc_type.get() == d.code()>{format!("{} {}", d.code(), d.label())}</option>
                    }).collect_view()}
                </select>
                <label for="doc_file">"文件"</label>
                <input id="doc_file" type="file" node_ref=file_input
                    accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" />
                <button type="button" id="btn-upload" disabled=move || busy.get() on:click=upload>"上传"</button>
                <span class="hint">"PDF、JPG 或 PNG"</span>
            </div>
        }
    };
    view! {
        <fieldset class="field wide attachments" id="attachments"
            aria-describedby=move || error.with(Option::is_some).then_some("attachments-error")>
            <legend>{field.label()}<abbr class="req" title="必填">"*"</abbr></legend>
            <p class="hint">"按仓库性质上传相应的证明材料，申报时系统会检查。"</p>
            {move || record().map(|(id, attachments)| {
                if attachments.is_empty() {
                    view! { <p class="empty">"尚未上传证明材料"</p> }.into_any()
                } else {
                    view! { <ul class="attachment-list">{attachments.into_iter().map(|a| row(id, a)).collect_view()}</ul> }.into_any()
                }
            })}
            {move || match (record().is_some(), changeable()) {
                (false, _) => Some(view! { <p class="hint">"暂存后即可上传证明材料。"</p> }.into_any()),
                (true, true) => Some(uploader().into_any()),
                (true, false) => None,
            }}
            {move || failure.get().map(|failure| view! { <ErrorBanner failure /> })}
            {move || error.get().map(|message| view! { <p class="field-error" id="attachments-error">{message}</p> })}
        </fieldset>
    }
}
