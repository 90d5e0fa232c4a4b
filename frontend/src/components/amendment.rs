//! What a record's detail says about amendments (变更, 注销): on an approved filing, the one
//! under way with a link to it; on an amendment's own record, what it amends, with a link back,
//! and what it changes or why it cancels.

use leptos::prelude::*;
use owf_shared::amendment::AppType;
use owf_shared::api::{AmendmentInfo, Lifecycle};
use owf_shared::field::Field;

use crate::components::versions::change_list;

/// The notice of the record with `lifecycle`, numbered `apply_no` (`apply_no_field`), whose
/// screens are under `route`; `changes` are what a 变更 changes, once known.
pub fn amendment_notice(
    route: &'static str,
    apply_no_field: Field,
    apply_no: String,
    lifecycle: &Lifecycle,
    changes: Option<Vec<String>>,
) -> Option<AnyView> {
    if let Some(pending) = lifecycle.pending {
        let text = format!(
            "该备案有一项{}，海关审核通过前，以下已审核通过的内容继续有效。",
            pending.mark()
        );
        let view = view! {
            <div class="notice info" role="status" id="pending-notice">
                <span>{text}</span>
                <a href=format!("{route}/{}", pending.id) id="pending-link">"查看"</a>
            </div>
        };
        return Some(view.into_any());
    }
    let info = lifecycle.amendment.clone()?;
    let AmendmentInfo {
        app_type,
        amends_id,
        version_no,
        reason,
    } = info;
    let title = format!(
        "{}（版本 {version_no}）— 原备案 {} {apply_no}",
        app_type.label(),
        apply_no_field.label()
    );
    let body = match app_type {
        AppType::Cancel => view! {
            <p id="cancel-reason"><span class="label">"注销原因："</span>{reason}</p>
        }
        .into_any(),
        AppType::New | AppType::Change => changes_view(version_no, changes).into_any(),
    };
    let view = view! {
        <section class="amendment" id="amendment" aria-labelledby="amendment-title">
            <div class="amendment-head">
                <h3 id="amendment-title">{title}</h3>
                <a href=format!("{route}/{amends_id}") id="amends-link">"查看原备案"</a>
            </div>
            {body}
        </section>
    };
    Some(view.into_any())
}

/// What a 变更 that becomes version `version_no` changes against the version before.
fn changes_view(version_no: i64, changes: Option<Vec<String>>) -> impl IntoView {
    let heading = format!("变更内容（与版本 {} 相比）", version_no - 1);
    let list = match changes {
        None => None,
        Some(changes) if changes.is_empty() => {
            Some(view! { <p class="empty">"与原备案相同，尚未变更任何内容"</p> }.into_any())
        }
        Some(changes) => Some(change_list(changes).into_any()),
    };
    view! {
        <div id="changes">
            <h4>{heading}</h4>
            {list}
        </div>
    }
}
