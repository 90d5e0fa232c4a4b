//! What customs and the relay do to the shown record, told as they happen: a change of status
//! that was awaited (申报中 → 审核通过, …) replaces the notice of the 申报 and is announced to
//! screen readers by the notice bar's live region, "状态已变为：审核通过".

use leptos::prelude::*;

use crate::components::editor::Stored;
use crate::components::feedback::Notice;
use crate::components::status::status_text;
use owf_shared::status::Status;

/// The record, its status as shown, whether that status awaited customs or the relay, and
/// whether it is 申报中.
type Seen = Option<(i64, String, bool, bool)>;

/// Tells each status change of the record in `stored`, shown at `route`/`id`, that came while
/// it awaited customs (not the user's own 暂存 or 申报, which tell themselves: 申报中 is only
/// ever the user's doing, also when a 订仓单 customs has is changed or deleted).
pub fn tell_status_changes(stored: Memo<Option<Stored>>, route: &'static str) {
    let notice = Notice::use_notice();
    Effect::new(move |before: Option<Seen>| {
        let now: Seen = stored.with(|s| {
            s.as_ref().map(|s| {
                let lifecycle = &s.lifecycle;
                let text = status_text(lifecycle.status, lifecycle.pending);
                let declared = lifecycle.status == Status::Declared;
                (s.id, text, lifecycle.awaiting_customs(), declared)
            })
        });
        if let (Some(Some((id, text, true, _))), Some((now_id, now_text, _, false))) =
            (&before, &now)
        {
            if id == now_id && text != now_text {
                notice.show(format!("状态已变为：{now_text}"), format!("{route}/{id}"));
            }
        }
        now
    });
}
