//! What customs and the relay do to the shown record, told as they happen: a change of status
//! that was awaited (申报中 → 审核通过, …) replaces the notice of the 申报 and is announced to
//! screen readers by the notice bar's live region, "状态已变为：审核通过".

use leptos::prelude::*;

use crate::components::editor::Stored;
use crate::components::feedback::Notice;
use crate::components::status::status_text;
use owf_shared::status::Status;

/// The shown record as last seen.
struct Seen {
    id: i64,
    /// Its status as shown, with the mark of an amendment under way.
    text: String,
    /// Whether that status awaited customs or the relay.
    awaiting: bool,
    /// Whether it is 申报中.
    declared: bool,
}

/// Tells each status change of the record in `stored`, shown at `route`/`id`, that came while
/// it awaited customs (not the user's own 暂存 or 申报, which tell themselves: 申报中 is only
/// ever the user's doing, also when a 订仓单 customs has is changed or deleted).
pub fn tell_status_changes(stored: Memo<Option<Stored>>, route: &'static str) {
    let notice = Notice::use_notice();
    Effect::new(move |before: Option<Option<Seen>>| {
        let now = stored.with(|s| {
            s.as_ref().map(|s| {
                let lifecycle = &s.lifecycle;
                Seen {
                    id: s.id,
                    text: status_text(lifecycle.status, lifecycle.pending),
                    awaiting: lifecycle.awaiting_customs(),
                    declared: lifecycle.status == Status::Declared,
                }
            })
        });
        if let (Some(Some(before)), Some(now)) = (&before, &now) {
            if before.awaiting && !now.declared && before.id == now.id && before.text != now.text {
                let id = now.id;
                notice.show(format!("状态已变为：{}", now.text), format!("{route}/{id}"));
            }
        }
        now
    });
}
