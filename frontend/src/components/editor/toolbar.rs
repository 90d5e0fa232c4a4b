//! The editor's buttons: those of the actions the shared rules grant the record, 新增 before a
//! new form is opened, 变更 and 注销 of an approved filing, 打印 for a stored record, and what is
//! under way.

use leptos::prelude::*;
use owf_shared::status::Action;

use crate::components::editor::flows::Flows;

/// The toolbar of a form and its record.
pub fn toolbar(flows: Flows) -> impl IntoView {
    let busy = flows.busy;
    // Read from the record alone: reading a memo derived from it here as well, the toolbar was
    // not drawn again when 申报中 turned 审核通过, which leaves the actions as they were.
    let record = move || {
        flows.stored.with(|s| {
            s.as_ref()
                .map(|s| (s.lifecycle.actions(), s.lifecycle.amendable()))
        })
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="操作">
            {move || buttons(flows, record())}
            {move || busy.get().map(|label| view! { <span class="busy" role="status">{label}</span> })}
        </div>
    }
}

/// The buttons of the record that accepts `actions` and may be `amendable` (`None` until it is
/// stored).
fn buttons(flows: Flows, record: Option<(Vec<Action>, bool)>) -> Vec<AnyView> {
    let editing = flows.editing;
    let pending = flows.busy.get().is_some();
    let stored = record.is_some();
    let mut buttons = Vec::new();
    let (actions, amendable) = match record {
        None if editing.get() => (vec![Action::Save, Action::Declare], false),
        None => (Vec::new(), false),
        Some(record) => record,
    };
    if !stored && !editing.get() {
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
    if amendable {
        buttons.push(
            view! {
                <button type="button" id="btn-change" disabled=pending
                    on:click=move |_| flows.open_change()>"变更"</button>
                <button type="button" id="btn-cancel" class="danger" disabled=pending
                    on:click=move |_| flows.cancel()>"注销"</button>
            }
            .into_any(),
        );
    }
    if stored {
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
