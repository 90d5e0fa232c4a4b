//! A stored record as the editor knows it, whichever the filing, and its system-assigned facts.

use leptos::prelude::*;
use owf_shared::api::Lifecycle;
use owf_shared::field::Field;
use owf_shared::status::Status;

use crate::components::receipt::Receipt;
use crate::components::status::{local_time, local_time_or_blank, StatusBadge};
use crate::filing::Filing;

/// A stored record as the editor's flows and summary need it.
#[derive(Clone, PartialEq)]
pub struct Stored {
    pub id: i64,
    pub apply_no: String,
    pub lifecycle: Lifecycle,
}

impl Stored {
    pub fn of<K: Filing>(detail: &K::Detail) -> Self {
        Self {
            id: K::id(detail),
            apply_no: K::apply_no(detail).to_owned(),
            lifecycle: K::lifecycle(detail).clone(),
        }
    }
}

/// The system-assigned facts of a record: number, status, declare time, last receipt.
pub fn summary_view(apply_no_field: Field, stored: Memo<Option<Stored>>) -> impl IntoView {
    move || {
        stored.get().map(|Stored { apply_no, lifecycle, .. }| {
            let status: Status = lifecycle.status;
            let delivery = delivery_view(&lifecycle);
            view! {
                <dl class="summary">
                    <div><dt>{apply_no_field.label()}</dt><dd id="apply-no">{apply_no}</dd></div>
                    <div><dt>{Field::Status.label()}</dt><dd id="status"><StatusBadge status pending=lifecycle.pending /></dd></div>
                    <div><dt>{Field::DeclTime.label()}</dt>
                        <dd>{local_time_or_blank(lifecycle.decl_time.as_deref())}</dd></div>
                    <div><dt>{Field::LastReturnTime.label()}</dt>
                        <dd>{local_time_or_blank(lifecycle.last_return_time.as_deref())}</dd></div>
                    <div class="wide"><dt>{Field::LastReturnInfo.label()}</dt>
                        <dd><Receipt info=lifecycle.last_return_info.clone() id="return-info" /></dd></div>
                    {delivery}
                </dl>
            }
        })
    }
}

/// While the relay retries: attempts so far, the next try and the last failure.
fn delivery_view(lifecycle: &Lifecycle) -> Option<impl IntoView> {
    if lifecycle.next_attempt_at.is_none() && lifecycle.last_error.is_none() {
        return None;
    }
    let next = lifecycle
        .next_attempt_at
        .as_deref()
        .map(|t| format!("；下次重试 {}", local_time(t)))
        .unwrap_or_default();
    let error = lifecycle
        .last_error
        .as_deref()
        .map(|e| format!("；最近一次失败：{e}"))
        .unwrap_or_default();
    let text = format!("已尝试发送 {} 次{next}{error}", lifecycle.send_attempts);
    Some(view! { <div class="wide"><dt>"发送海关"</dt><dd id="delivery">{text}</dd></div> })
}
