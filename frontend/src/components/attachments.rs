//! 证明材料 (B17) of a warehouse: the stored documents, upload with progress, and removal after
//! confirmation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::api::AttachmentInfo;
use owf_shared::codes::{Code, DocType};
use owf_shared::field::Field;
use owf_shared::proof::{check_upload, format_size, FileType};
use owf_shared::status::Action;

use crate::api::{self, Failure};
use crate::codes;
use crate::components::dialog::{ConfirmRequest, Confirmer};
use crate::components::field::{choices, Combobox, FieldEnv};
use crate::components::form_state::FormState;
use crate::filing::Warehouse;

/// The field whose message the panel shows.
const FIELD: Field = Field::Attachments;

/// The proof-documents panel of a warehouse form.
#[component]
pub fn Attachments(state: FormState<Warehouse>) -> impl IntoView {
    let env = FieldEnv::use_env();
    let error = env.error(FIELD.key());
    let panel = Panel {
        state,
        env,
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
        confirmer: Confirmer::use_confirmer(),
    };
    let message = move || panel.problem.get().or_else(|| error.get());
    // Documents are stored at once, apart from the form, whenever the record may be changed.
    let uploadable = Memo::new(move |_| {
        state.detail.with(|d| {
            d.as_ref()
                .map(|d| d.lifecycle.actions().contains(&Action::Edit))
        })
    });
    let record = move || {
        state
            .detail
            .with(|d| d.as_ref().map(|d| (d.id, d.attachments.clone())))
    };
    view! {
        <fieldset class="field wide attachments" id="attachments"
            aria-describedby=move || message().is_some().then_some("attachments-error")>
            <legend>{FIELD.label()}<abbr class="req" title="必填">"*"</abbr></legend>
            <p class="hint">"按仓库性质上传相应的证明材料，申报时系统会检查。"</p>
            {move || record().map(|(id, attachments)| documents(panel, id, attachments, uploadable))}
            {move || match uploadable.get() {
                None => Some(view! { <p class="hint">"暂存后即可上传证明材料。"</p> }.into_any()),
                Some(true) => Some(uploader(panel).into_any()),
                Some(false) => None,
            }}
            {move || message().map(|message| view! {
                <p class="field-error" id="attachments-error" role="alert">{message}</p>
            })}
        </fieldset>
    }
}

/// What the panel's parts share.
#[derive(Clone, Copy)]
struct Panel {
    state: FormState<Warehouse>,
    env: FieldEnv,
    /// Why the chosen file or the last action was refused, shown where the declare rule's
    /// message is.
    problem: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    confirmer: Confirmer,
}

impl Panel {
    /// How many documents the record holds.
    fn existing(self) -> usize {
        self.state
            .detail
            .with_untracked(|d| d.as_ref().map_or(0, |d| d.attachments.len()))
    }

    /// After an upload or a removal: the record again, or why it was refused.
    fn finish(self, result: Result<(), Failure>) {
        self.busy.set(false);
        match result {
            Ok(()) => {
                self.problem.set(None);
                self.env.touch(FIELD.key());
                if let Some(reload) = self.state.reload {
                    reload.run(());
                }
            }
            // A refused upload (422) names its reason at the field, the rest in the message.
            Err(f) => self.problem.set(Some(
                f.error
                    .fields
                    .into_values()
                    .next()
                    .unwrap_or(f.error.message),
            )),
        }
    }
}

/// The stored documents of warehouse `id`, removable while `uploadable`.
fn documents(
    panel: Panel,
    id: i64,
    attachments: Vec<AttachmentInfo>,
    uploadable: Memo<Option<bool>>,
) -> AnyView {
    if attachments.is_empty() {
        return view! { <p class="empty">"尚未上传证明材料"</p> }.into_any();
    }
    let rows = attachments
        .into_iter()
        .map(|a| document(panel, id, a, uploadable))
        .collect_view();
    view! { <ul class="attachment-list">{rows}</ul> }.into_any()
}

/// One stored document: thumbnail (images), type, download link, size, 移除.
fn document(
    panel: Panel,
    id: i64,
    attachment: AttachmentInfo,
    uploadable: Memo<Option<bool>>,
) -> impl IntoView {
    let att = attachment.id;
    let href = api::attachment_url(id, att);
    // The API may be on another origin of the site: images are fetched with the session.
    let thumb = attachment.content_type.starts_with("image/").then(|| {
        view! {
            <img class="thumb" src=href.clone() alt=attachment.file_name.clone()
                crossorigin="use-credentials" loading="lazy" />
        }
    });
    let busy = panel.busy;
    let message = format!(
        "移除后需重新上传。确定移除证明材料“{}”吗？",
        attachment.file_name
    );
    let remove = move |_| {
        panel.confirmer.ask(ConfirmRequest {
            title: "移除证明材料".into(),
            message: message.clone(),
            confirm_label: "移除",
            danger: true,
            text: None,
            on_confirm: Callback::new(move |_| {
                busy.set(true);
                spawn_local(async move { panel.finish(api::delete_attachment(id, att).await) });
            }),
        });
    };
    view! {
        <li>
            {thumb}
            <span class="doc-type">{codes::coded::<DocType>(&attachment.doc_type)}</span>
            <a href=href target="_blank" rel="noopener">{attachment.file_name}</a>
            <span class="size">{format_size(attachment.size)}</span>
            <span class="sha256 print-only">"SHA-256 "{attachment.sha256}</span>
            {move || (uploadable.get() == Some(true)).then(|| view! {
                <button type="button" class="link danger" disabled=move || busy.get()
                    on:click=remove.clone()>"移除"</button>
            })}
        </li>
    }
}

/// The uploader: what it works on besides the panel.
#[derive(Clone, Copy)]
struct Upload {
    panel: Panel,
    doc_type: RwSignal<String>,
    file_input: NodeRef<leptos::html::Input>,
    /// The name of the chosen file.
    file_name: RwSignal<Option<String>>,
    /// The local preview of a chosen image; its object URL is released when replaced or gone.
    preview: RwSignal<Option<String>>,
    progress: RwSignal<Option<u32>>,
}

impl Upload {
    fn show_preview(self, url: Option<String>) {
        if let Some(old) = self.preview.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        self.preview.try_set(url);
    }

    /// A file is chosen: checked at once, and previewed when it is an image.
    fn pick(self) {
        let problem = self.panel.problem;
        let file = chosen(self.file_input);
        self.file_name.set(file.as_ref().map(web_sys::File::name));
        let Some(file) = file else {
            self.show_preview(None);
            problem.set(None);
            return;
        };
        let existing = self.panel.existing();
        spawn_local(async move {
            match check(&file, existing).await {
                Ok(format) => {
                    problem.set(None);
                    let url = format
                        .is_image()
                        .then(|| web_sys::Url::create_object_url_with_blob(&file).ok())
                        .flatten();
                    self.show_preview(url);
                }
                Err(message) => {
                    self.show_preview(None);
                    problem.set(Some(message));
                }
            }
        });
    }

    /// 上传 of the chosen file as a document of the chosen type.
    fn upload(self) {
        let Panel {
            state,
            problem,
            busy,
            ..
        } = self.panel;
        let Some(id) = state.detail.with_untracked(|d| d.as_ref().map(|d| d.id)) else {
            return;
        };
        let Some(file) = chosen(self.file_input) else {
            problem.set(Some("请先选择要上传的文件".into()));
            return;
        };
        let doc_type = self.doc_type.get_untracked();
        if doc_type.is_empty() {
            problem.set(Some("请先选择材料类型".into()));
            return;
        }
        let existing = self.panel.existing();
        busy.set(true);
        spawn_local(async move {
            if let Err(message) = check(&file, existing).await {
                busy.set(false);
                problem.set(Some(message));
                return;
            }
            let result = self.send(id, &doc_type, &file).await;
            if result.is_ok() {
                if let Some(input) = self.file_input.get_untracked() {
                    input.set_value("");
                }
                self.file_name.set(None);
                self.show_preview(None);
            }
            self.panel.finish(result);
        });
    }

    /// Sends `file` as a document of warehouse `id`, showing the progress meanwhile.
    async fn send(self, id: i64, doc_type: &str, file: &web_sys::File) -> Result<(), Failure> {
        let progress = self.progress;
        progress.set(Some(0));
        let result = api::upload_attachment(id, doc_type, file, move |percent| {
            progress.set(Some(percent));
        })
        .await
        .map(drop);
        progress.set(None);
        result
    }
}

/// Type and file of a new document, 上传, the preview of a chosen image and the progress.
fn uploader(panel: Panel) -> impl IntoView {
    let upload = Upload {
        panel,
        doc_type: RwSignal::new(DocType::Ownership.code().to_owned()),
        file_input: NodeRef::new(),
        file_name: RwSignal::new(None),
        preview: RwSignal::new(None),
        progress: RwSignal::new(None),
    };
    on_cleanup(move || upload.show_preview(None));
    let Upload {
        doc_type,
        file_input,
        file_name,
        preview,
        progress,
        ..
    } = upload;
    view! {
        <div class="upload">
            <label for="doc_type">"材料类型"</label>
            <Combobox id="doc_type" value=doc_type.into()
                set=Callback::new(move |code| doc_type.set(code))
                options=choices(DocType::ALL, &|_| None)
                required=true />
            // The browser's own file input names its button in the browser's language: it is
            // hidden (still focusable), and a label in Chinese stands for it.
            <span class="file-picker">
                <input id="doc_file" type="file" class="visually-hidden" node_ref=file_input
                    aria-describedby="doc_file-name" on:change=move |_| upload.pick()
                    accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" />
                <label for="doc_file" class="button">"选择文件"</label>
                <span id="doc_file-name" class="file-name">
                    {move || file_name.get().unwrap_or_else(|| "未选择文件".to_owned())}
                </span>
            </span>
            <button type="button" id="btn-upload" disabled=move || panel.busy.get()
                on:click=move |_| upload.upload()>"上传"</button>
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
