//! What the editor's buttons do: 暂存, 申报 (after confirmation, saving first when the form has
//! changed) and 删除, each with the busy note while under way and the notice or the refusal after.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::amendment::Removal;
use owf_shared::field::{Field, FilingKind};
use owf_shared::validate::{Level, FORM_KEY};

use crate::api::{self, Failure};
use crate::components::dialog::{ConfirmRequest, Confirmer};
use crate::components::editor::messages::Messages;
use crate::components::editor::summary::Stored;
use crate::components::feedback::Notice;

/// The editor's flows over one form and its record, whichever the filing.
#[derive(Clone, Copy)]
pub struct Flows {
    pub kind: FilingKind,
    /// The field that numbers a record.
    pub apply_no: Field,
    /// The API collection of the filing.
    pub api: &'static str,
    /// The app's list route of the filing.
    pub route: &'static str,
    /// The record, once it is stored.
    pub stored: Memo<Option<Stored>>,
    /// Whether the form is being edited and differs from the record.
    pub dirty: Signal<bool>,
    pub editing: RwSignal<bool>,
    /// What is under way, e.g. "正在暂存…".
    pub busy: RwSignal<Option<&'static str>>,
    /// Why the last action failed.
    pub failure: RwSignal<Option<Failure>>,
    pub messages: Messages,
    /// The JSON of a 暂存 of the form over `version`.
    pub save_body: Callback<Option<i64>, serde_json::Result<String>>,
    /// Reads a record the server answered with, and shows it when asked to.
    pub accept: Callback<(String, bool), Result<Stored, Failure>>,
    /// Goes to a path of the app.
    pub navigate: Callback<String>,
    pub confirmer: Confirmer,
    pub notice: Notice,
    /// Forgets the form kept while it was not stored.
    pub forget: Callback<()>,
}

impl Flows {
    /// 暂存, once the form passes the draft-level validation.
    pub fn save(self) {
        if !self.ready(Level::Draft) {
            return;
        }
        let target = self.stored.get_untracked();
        self.busy.set(Some("正在暂存…"));
        spawn_local(async move {
            let result = self
                .save_over(target.as_ref())
                .await
                .and_then(|json| self.accept.run((json, true)));
            self.busy.set(None);
            match result {
                Ok(record) => {
                    let message = format!("已暂存，{}：{}", self.apply_no.label(), record.apply_no);
                    self.stored_now(message, &record, target.is_none());
                }
                Err(f) => self.refused(f),
            }
        });
    }

    /// 申报 after confirmation, once the form passes the declare-level validation.
    pub fn declare(self) {
        if !self.ready(Level::Declare) {
            return;
        }
        self.confirmer.ask(ConfirmRequest {
            title: format!("申报{}", self.kind.label()),
            message: "申报后将以报文方式发送海关，海关处理期间不能修改。确定申报吗？".into(),
            confirm_label: "申报",
            danger: false,
            text: None,
            on_confirm: Callback::new(move |_| self.declare_confirmed()),
        });
    }

    /// 删除 of the stored record after confirmation: a draft goes; an amendment declared before
    /// is withdrawn and stays on record ([`Removal`]).
    pub fn delete(self) {
        let Some(record) = self.stored.get_untracked() else {
            return;
        };
        let (id, version) = (record.id, record.lifecycle.version);
        let withdrawn = (record.lifecycle.removal() == Removal::Withdrawn)
            .then_some(record.lifecycle.amendment.as_ref())
            .flatten();
        // The question, its button, and once done the notice and where it shows.
        let (title, message, confirm_label, done, path) = match withdrawn {
            Some(amendment) => {
                let label = amendment.app_type.label();
                (
                    format!("撤回{label}申请"),
                    format!(
                        "这项{label}已经申报过。撤回后不能再申报，原备案保持不变；它的申报记录和海关回执仍保留在原备案的状态变更中。确定撤回吗？"
                    ),
                    "撤回",
                    format!("已撤回{label}申请，原备案保持不变"),
                    format!("{}/{}", self.route, amendment.amends_id),
                )
            }
            None => (
                format!("删除{}", self.kind.label()),
                "删除后不能恢复。确定删除这条暂存数据吗？".to_owned(),
                "删除",
                format!("已删除{} {}", self.kind.label(), record.apply_no),
                self.route.to_owned(),
            ),
        };
        self.confirmer.ask(ConfirmRequest {
            title,
            message,
            confirm_label,
            danger: true,
            text: None,
            on_confirm: Callback::new(move |_| {
                self.delete_confirmed(id, version, done.clone(), path.clone())
            }),
        });
    }

    fn declare_confirmed(self) {
        let target = self.stored.get_untracked();
        let unsaved = target.is_none() || self.dirty.get_untracked();
        self.busy.set(Some("正在申报…"));
        spawn_local(async move {
            let result = self.save_and_declare(target.as_ref(), unsaved).await;
            self.busy.set(None);
            match result {
                Ok(record) => {
                    let message = format!(
                        "已申报，{}：{}，正在等待海关回执",
                        self.apply_no.label(),
                        record.apply_no
                    );
                    self.editing.set(false);
                    self.stored_now(message, &record, target.is_none());
                }
                Err(f) => self.refused(f),
            }
        });
    }

    /// 申报 of `target`, saved first when it is new or `unsaved`; the declared record.
    async fn save_and_declare(
        self,
        target: Option<&Stored>,
        unsaved: bool,
    ) -> Result<Stored, Failure> {
        let saved = match target {
            Some(target) if !unsaved => target.clone(),
            _ => self.accept.run((self.save_over(target).await?, false))?,
        };
        let json = api::declare(self.api, saved.id, saved.lifecycle.version).await?;
        self.accept.run((json, true))
    }

    /// 删除 of record `id` at `version`; once done, the notice `done` on the screen at `path`.
    fn delete_confirmed(self, id: i64, version: i64, done: String, path: String) {
        self.busy.set(Some("正在删除…"));
        self.failure.set(None);
        spawn_local(async move {
            let result = api::delete(self.api, id, version).await;
            self.busy.set(None);
            match result {
                Ok(()) => {
                    self.forget.run(());
                    self.notice.show(done, path.clone());
                    self.editing.set(false);
                    self.navigate.run(path);
                }
                Err(f) => self.refused(f),
            }
        });
    }

    /// Before 暂存 or 申报: whether the form passes validation of that `level`.
    fn ready(self, level: Level) -> bool {
        self.failure.set(None);
        self.messages.ready(level)
    }

    /// 暂存 of the form over the record `target` (a new record when `None`).
    fn save_over(self, target: Option<&Stored>) -> impl Future<Output = Result<String, Failure>> {
        let body = self.save_body.run(target.map(|t| t.lifecycle.version));
        api::save(self.api, target.map(|t| t.id), body)
    }

    /// After 暂存 or 申报: the notice, and the record's own screen when it `was_new`.
    fn stored_now(self, message: String, record: &Stored, was_new: bool) {
        self.forget.run(());
        let path = format!("{}/{}", self.route, record.id);
        self.notice.show(message, path.clone());
        self.messages.stored();
        if was_new {
            self.navigate.run(path);
        }
    }

    /// A refused action: its field errors beside their fields, and the banner of the failure.
    pub(super) fn refused(self, f: Failure) {
        if f.status == 422 {
            self.messages.refused(f.error.fields.clone());
            // A refusal of the whole form says it all above the form: no second banner.
            if f.error.fields.keys().all(|key| key == FORM_KEY) && !f.error.fields.is_empty() {
                self.failure.set(None);
                return;
            }
        }
        self.failure.set(Some(f));
    }
}
