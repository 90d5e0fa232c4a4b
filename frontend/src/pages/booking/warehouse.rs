//! 海外仓 of the 订仓单: picked from the enterprise's warehouse records (海外仓资料信息) —
//! approved filings first, then saved records complete enough to pass the declare-level checks
//! (公告2024年第167号 no longer requires the filing) — with the name, country and address of the
//! one picked shown.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::api::{ListQuery, SessionInfo, WarehouseDetail, MAX_PAGE_SIZE};
use owf_shared::booking::HeaderField;
use owf_shared::codes::TableKind;
use owf_shared::status::Status;
use owf_shared::validate::Level;

use crate::api::Failure;
use crate::auth::use_auth;
use crate::codes;
use crate::components::feedback::ErrorBanner;
use crate::components::field::{Choice, Combobox};
use crate::filing::{context, Filing, Warehouse};
use crate::pages::booking::state::OrderForm;

/// A warehouse record a 订仓单 may name.
#[derive(Clone, PartialEq)]
struct Candidate {
    id: i64,
    name: String,
    /// 所在国家(地区), code and name.
    country: String,
    /// City and address.
    address: String,
    /// Approved by customs (审核通过), rather than only complete.
    approved: bool,
}

impl Candidate {
    fn of(detail: &WarehouseDetail) -> Self {
        let form = &detail.form;
        Self {
            id: detail.id,
            name: form.wh_name.clone(),
            country: codes::display(TableKind::Countries, &form.country_code),
            address: format!("{} {}", form.city, form.wh_address)
                .trim()
                .to_owned(),
            approved: detail.lifecycle.status == Status::Approved,
        }
    }

    fn choice(&self) -> Choice {
        let standing = if self.approved {
            "已备案"
        } else {
            "资料完整，未备案"
        };
        Choice::named(
            self.id.to_string(),
            format!("{}（{}，{standing}）", self.name, self.country),
        )
    }
}

/// The warehouse records the enterprise may name: approved first, then complete ones; not an
/// ended (已注销) record, nor the record of a 变更 or 注销 under way. The records are read at once.
async fn candidates(session: Option<SessionInfo>) -> Result<Vec<Candidate>, Failure> {
    let query = ListQuery {
        page_size: Some(MAX_PAGE_SIZE),
        ..ListQuery::default()
    };
    // Without the registration's 监管方式 no unfiled record passes the checks; approved ones
    // need none.
    let modes = async {
        Ok(Warehouse::registered_trade_modes()
            .await
            .unwrap_or_default())
    };
    let (page, tables, modes) = futures::try_join!(Warehouse::list(query), codes::tables(), modes)?;
    let ctx = session.map(|session| context(&session, &modes, tables));
    let records = page
        .items
        .into_iter()
        .filter(|row| row.status != Status::Cancelled)
        .map(|row| Warehouse::get(row.id));
    let details = futures::future::try_join_all(records).await?;
    let (mut approved, mut complete) = (Vec::new(), Vec::new());
    for detail in details.iter().filter(|d| d.lifecycle.amendment.is_none()) {
        if detail.lifecycle.status == Status::Approved {
            approved.push(Candidate::of(detail));
        } else if ctx.as_ref().is_some_and(|ctx| {
            Warehouse::validate(&detail.form, Some(detail), Level::Declare, ctx).is_empty()
        }) {
            complete.push(Candidate::of(detail));
        }
    }
    approved.extend(complete);
    Ok(approved)
}

/// The 海外仓 of `order`, picked while `editable`; `stored` is the 海外仓名称 of the saved order,
/// for a record no longer among those that may be picked.
#[component]
pub fn WarehouseField(
    order: OrderForm,
    editable: Signal<bool>,
    stored: Signal<Option<String>>,
) -> impl IntoView {
    let key = HeaderField::Warehouse.key();
    let loaded = RwSignal::new(None::<Result<Vec<Candidate>, Failure>>);
    let session = use_auth().session.get_untracked();
    spawn_local(async move { loaded.set(Some(candidates(session).await)) });
    let chosen = Memo::new(move |_| order.header.with(|form| form.warehouse_id));
    let picked = Memo::new(move |_| {
        let id = chosen.get()?;
        loaded.with(|l| {
            l.as_ref()?
                .as_ref()
                .ok()?
                .iter()
                .find(|c| c.id == id)
                .cloned()
        })
    });
    let picker = move || {
        let list = match loaded.get() {
            None => {
                return view! { <p class="loading" role="status">"正在读取海外仓资料…"</p> }
                    .into_any()
            }
            Some(Err(failure)) => return view! { <ErrorBanner failure /> }.into_any(),
            Some(Ok(list)) => list,
        };
        if !editable.get() {
            let name = move || {
                picked
                    .get()
                    .map(|c| c.name)
                    .or_else(|| stored.get())
                    .unwrap_or_default()
            };
            return view! { <output id=key class="value">{name}</output> }.into_any();
        }
        if list.is_empty() {
            return view! {
                <p class="notice warn" id="no-warehouse">
                    "本企业还没有可用于订仓单的海外仓资料：请先在"
                    <a href="/warehouse/new">"海外仓资料信息报送"</a>
                    "中录入并补全。"
                </p>
            }
            .into_any();
        }
        let options: Vec<Choice> = list.iter().map(Candidate::choice).collect();
        view! {
            <Combobox id=key
                value=Signal::derive(move || chosen.get().map(|id| id.to_string()).unwrap_or_default())
                set=Callback::new(move |code: String| {
                    order.edit_header(key, |form| form.warehouse_id = code.parse().ok());
                })
                options
                invalid=Signal::derive(move || order.messages.error(key).is_some())
                required=Signal::stored(true) />
        }
        .into_any()
    };
    let facts = move || {
        picked.get().map(|c| {
            view! {
                <dl class="warehouse-facts" id="warehouse-facts">
                    <div><dt>"海外仓名称"</dt><dd>{c.name}</dd></div>
                    <div><dt>"所在国家(地区)"</dt><dd>{c.country}</dd></div>
                    <div><dt>"地址"</dt><dd>{c.address}</dd></div>
                </dl>
            }
        })
    };
    view! {
        <div class="field wide">
            <label for=key>{HeaderField::Warehouse.label()}<abbr class="req" title="必填">"*"</abbr></label>
            {picker}
            {facts}
            {move || order.messages.error(key).map(|message| view! {
                <p class="field-error" id=format!("{key}-error")>{message}</p>
            })}
        </div>
    }
}
