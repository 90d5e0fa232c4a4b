//! The editor's buttons: those of the actions the shared `allowed_actions` grants the record's
//! status, 新增 before a new form is opened, 打印 for a stored record, and what is under way.

use leptos::prelude::*;
use owf_shared::allowed_actions;
use owf_shared::status::{Action, Status};

use crate::components::editor::flows::Flows;

/// The toolbar of a form whose record has `status` (`None` until it is stored).
pub fn toolbar(flows: Flows, status: Memo<Option<Status>>) -> impl IntoView {
    let busy = flows.busy;
    view! {
        <div class="toolbar" role="toolbar" aria-label="操作">
            {move || buttons(flows, status.get())}
            {move || busy.get().map(|label| view! { <span class="busy" role="status">{label}</span> })}
        </div>
    }
}

fn buttons(flows: Flows, status: Option<Status>) -> Vec<AnyView> {
    let editing = flows.editing;
    let pending = flows.busy.get().is_some();
    let mut buttons = Vec::new();
    let actions: Vec<Action> = match status {
        None if editing.get() => vec![Action::Save, Action::Declare],
        None => Vec::new(),
        Some(status) => allowed_actions(status).to_vec(),
    };
    if status.is_none() && !editing.get() {
        buttons.push(
            view! {
                <button type="button" id="btn-new" class="primary"
                    on:click=move |_| editing.set(true)>"新增"</button>
            }
            .into_any(),
        );
    }
    buttons.extend(
        actions
            .into_iter()
            .filter_map(|action| action_button(flows, action, pending)),
    );
    if status.is_some() {
        buttons.push(
            view! {
                <button type="button" id="btn-print" on:click=move |_| { let _ = window().print(); }>"打印"</button>
            }
            .into_any(),
        );
    }
    buttons
}

/// The button of `action`, if it applies while the form is (or is not) being edited; disabled
/// while another action is `pending`.
fn action_button(flows: Flows, action: Action, pending: bool) -> Option<AnyView> {
    let editing = flows.editing;
    let button = match action {
        Action::Edit if !editing.get() => view! {
            <button type="button" id="btn-edit" on:click=move |_| editing.set(true)>"修改"</button>
        }
        .into_any(),
        Action::Save if editing.get() => view! {
            <button type="button" id="btn-save" disabled=pending on:click=move |_| flows.save()>"暂存"</button>
        }
        .into_any(),
        Action::Delete => view! {
            <button type="button" id="btn-delete" class="danger" disabled=pending
                on:click=move |_| flows.delete()>"删除"</button>
        }
        .into_any(),
        Action::Declare => view! {
            <button type="button" id="btn-declare" class="primary" disabled=pending
                on:click=move |_| flows.declare()>"申报"</button>
        }
        .into_any(),
        Action::Edit | Action::Save => return None,
    };
    Some(button)
}
