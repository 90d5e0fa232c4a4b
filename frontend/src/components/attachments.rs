//! 证明材料 (B17) of a warehouse: the stored documents, upload with progress and removal.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::api::AttachmentInfo;
use owf_shared::codes::{Code, DocType};
use owf_shared::field::Field;
use owf_shared::proof::{check_upload, format_size, FileType};
use owf_shared::status::Action;

use crate::api::{self, Failure};
use crate::components::field::{choices, Combobox, FieldEnv};
use crate::components::form_state::FormState;
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

/// The file chosen in `input`, if any.
fn chosen(input: NodeRef<leptos::html::Input>) -> Option<web_sys::File> {
    input
        .get_untracked()
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
}

/// The shared upload rules applied to `file` for a filing with `existing` documents: its
/// format, or why it is refused.
async fn check(file: &web_sys::File, existing: usize) -> Result<FileType, String> {
    let head = file_head(file).await;
    check_upload(&file.name(), file.size() as usize, &head, existing).map_err(|e| e.to_string())
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
    // Why the chosen file or the last action was refused, shown where the declare rule's
    // message is.
    let problem = RwSignal::new(None::<String>);
    let message = move || problem.get().or_else(|| error.get());
    let busy = RwSignal::new(false);
    let progress = RwSignal::new(None::<u32>);
    let preview = RwSignal::new(None::<String>);
    let doc_type = RwSignal::new(DocType::Ownership.code().to_owned());
    let file_input = NodeRef::<leptos::html::Input>::new();
    let record = move || {
        state
            .detail
            .with(|d| d.as_ref().map(|d| (d.id, d.attachments.clone())))
    };
    let existing = move || {
        state
            .detail
            .with_untracked(|d| d.as_ref().map_or(0, |d| d.attachments.len()))
    };
    // Documents are stored at once, apart from the form, whenever the record may be changed.
    let uploadable = Memo::new(move |_| {
        state
            .detail
            .with(|d| d.as_ref().map(|d| d.lifecycle.status.allows(Action::Edit)))
    });
    let changeable = move || uploadable.get() == Some(true);
    // The local preview of a chosen image; its object URL is released when replaced or gone.
    let show_preview = move |url: Option<String>| {
        if let Some(old) = preview.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        preview.try_set(url);
    };
    on_cleanup(move || show_preview(None));
    let finish = move |result: Result<(), Failure>| {
        busy.set(false);
        match result {
            Ok(()) => {
                problem.set(None);
                env.touch(field.key());
                if let Some(reload) = state.reload {
                    reload.run(());
                }
            }
            // A refused upload (422) names its reason at the field, the rest in the message.
            Err(f) => problem.set(Some(
                f.error
                    .fields
                    .into_values()
                    .next()
                    .unwrap_or(f.error.message),
            )),
        }
    };
    let pick = move |_| {
        let Some(file) = chosen(file_input) else {
            show_preview(None);
            problem.set(None);
            return;
        };
        let existing = existing();
        spawn_local(async move {
            match check(&file, existing).await {
                Ok(format) => {
                    problem.set(None);
                    let url = format
                        .is_image()
                        .then(|| web_sys::Url::create_object_url_with_blob(&file).ok())
                        .flatten();
                    show_preview(url);
                }
                Err(message) => {
                    show_preview(None);
                    problem.set(Some(message));
                }
            }
        });
    };
    let upload = move |_| {
        let Some(id) = state.detail.with_untracked(|d| d.as_ref().map(|d| d.id)) else {
            return;
        };
        let Some(file) = chosen(file_input) else {
            problem.set(Some("请先选择要上传的文件".into()));
            return;
        };
        let doc_type = doc_type.get_untracked();
        if doc_type.is_empty() {
            problem.set(Some("请先选择材料类型".into()));
            return;
        }
        let existing = existing();
        busy.set(true);
        spawn_local(async move {
            if let Err(message) = check(&file, existing).await {
                busy.set(false);
                problem.set(Some(message));
                return;
            }
            progress.set(Some(0));
            let result = api::upload_attachment(id, &doc_type, &file, move |percent| {
                progress.set(Some(percent));
            })
            .await
            .map(drop);
            progress.set(None);
            if result.is_ok() {
                if let Some(input) = file_input.get_untracked() {
                    input.set_value("");
                }
                show_preview(None);
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
        let href = api::attachment_url(id, att);
        // The API may be on another origin of the site: images are fetched with the session.
        let thumb = attachment.content_type.starts_with("image/").then(|| {
            view! {
                <img class="thumb" src=href.clone() alt=attachment.file_name.clone()
                    crossorigin="use-credentials" loading="lazy" />
            }
        });
        view! {
            <li>
                {thumb}
                <span class="doc-type">{doc_label(&attachment.doc_type)}</span>
                <a href=href target="_blank" rel="noopener">{attachment.file_name}</a>
                <span class="size">{format_size(attachment.size)}</span>
                {move || changeable().then(|| view! {
                    <button type="button" class="link danger" disabled=move || busy.get()
                        on:click=move |_| remove(id, att)>"移除"</button>
                })}
            </li>
        }
    };
    let uploader = move || {
        view! {
            <div class="upload">
                <label for="doc_type">"材料类型"</label>
                <Combobox id="doc_type" value=doc_type.into()
                    set=Callback::new(move |code| doc_type.set(code))
                    options=choices(DocType::ALL, &|_| None)
                    required=true />
                <label for="doc_file">"文件"</label>
                <input id="doc_file" type="file" node_ref=file_input on:change=pick
                    accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" />
                <button type="button" id="btn-upload" disabled=move || busy.get() on:click=upload>"上传"</button>
                <span class="hint">"PDF、JPG 或 PNG，不超过 10 MB"</span>
            </div>
            {move || preview.get().map(|src| view! {
                <img class="thumb preview" id="upload-preview" src=src alt="待上传图片预览" />
            })}
            {move || progress.get().map(|percent| view! {
                <div class="upload-progress" role="status">
                    <progress id="upload-progress" max="100" value=percent.to_string()></progress>
                    <span>{format!("正在上传 {percent}%")}</span>
                </div>
            })}
        }
    };
    view! {
        <fieldset class="field wide attachments" id="attachments"
            aria-describedby=move || message().is_some().then_some("attachments-error")>
            <legend>{field.label()}<abbr class="req" title="必填">"*"</abbr></legend>
            <p class="hint">"按仓库性质上传相应的证明材料，申报时系统会检查。"</p>
            {move || record().map(|(id, attachments)| {
                if attachments.is_empty() {
                    view! { <p class="empty">"尚未上传证明材料"</p> }.into_any()
                } else {
                    view! { <ul class="attachment-list">{attachments.into_iter().map(|a| row(id, a)).collect_view()}</ul> }.into_any()
                }
            })}
            {move || match uploadable.get() {
                None => Some(view! { <p class="hint">"暂存后即可上传证明材料。"</p> }.into_any()),
                Some(true) => Some(uploader().into_any()),
                Some(false) => None,
            }}
            {move || message().map(|message| view! {
                <p class="field-error" id="attachments-error" role="alert">{message}</p>
            })}
        </fieldset>
    }
}
