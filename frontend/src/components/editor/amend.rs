//! The editor's flows on an approved filing: 变更 opens a change draft of it and goes there;
//! 注销 asks for the reason and a confirmation, then declares the cancellation at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::amendment::{reason_error, MAX_REASON_CHARS};
use owf_shared::api::CancelRequest;

use crate::api;
use crate::components::dialog::{ConfirmRequest, TextRequest};
use crate::components::editor::flows::Flows;

impl Flows {
    /// 变更: the change draft, on its own screen.
    pub fn open_change(self) {
        let Some(record) = self.stored.get_untracked() else {
            return;
        };
        self.busy.set(Some("正在生成变更…"));
        self.failure.set(None);
        spawn_local(async move {
            let result = api::open_change(self.api, record.id, record.lifecycle.version)
                .await
                .and_then(|json| self.accept.run((json, false)));
            self.busy.set(None);
            match result {
                Ok(change) => {
                    let path = format!("{}/{}", self.route, change.id);
                    let message = "已生成变更暂存：点击“修改”录入变更内容，暂存后申报；海关审核通过前，原备案内容继续有效";
                    self.notice.show(message.into(), path.clone());
                    self.navigate.run(path);
                }
                Err(f) => self.refused(f),
            }
        });
    }

    /// 注销 after the reason and a confirmation.
    pub fn cancel(self) {
        let Some(record) = self.stored.get_untracked() else {
            return;
        };
        let (id, version) = (record.id, record.lifecycle.version);
        self.confirmer.ask(ConfirmRequest {
            title: format!("注销{}", self.kind.label()),
            message: format!(
                "注销将立即申报海关；海关审核通过后，{} {} 即为已注销，不能再变更或恢复。确定注销吗？",
                self.apply_no.label(),
                record.apply_no
            ),
            confirm_label: "注销",
            danger: true,
            text: Some(TextRequest {
                label: "注销原因",
                max_chars: MAX_REASON_CHARS,
                error: reason_error,
            }),
            on_confirm: Callback::new(move |reason| self.cancel_confirmed(id, version, reason)),
        });
    }

    fn cancel_confirmed(self, id: i64, version: i64, reason: String) {
        self.busy.set(Some("正在申报注销…"));
        self.failure.set(None);
        spawn_local(async move {
            let body = CancelRequest { version, reason };
            let result = api::cancel(self.api, id, &body)
                .await
                .and_then(|json| self.accept.run((json, true)));
            self.busy.set(None);
            match result {
                Ok(record) => {
                    let message = format!(
                        "已申报注销，{}：{}，正在等待海关回执",
                        self.apply_no.label(),
                        record.apply_no
                    );
                    self.notice
                        .show(message, format!("{}/{}", self.route, record.id));
                }
                Err(f) => self.refused(f),
            }
        });
    }
}
