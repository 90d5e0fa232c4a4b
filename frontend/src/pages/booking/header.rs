//! The header of the 订仓单 (`OrderHead`): 订仓单编号, 海外仓, 电商平台, 电商企业 (the session's,
//! read-only), 币制, 运费, 商品总价 (computed), 备注.

use leptos::prelude::*;
use owf_shared::api::SessionInfo;
use owf_shared::booking::field::Rule;
use owf_shared::booking::{BookingForm, HeaderField};
use owf_shared::text;

use crate::components::field::{table_choices, Combobox};
use crate::pages::booking::state::OrderForm;
use crate::pages::booking::warehouse::WarehouseField;

/// The text of header `field` in the form; `None` for those that are not text.
fn text_of(form: &mut BookingForm, field: HeaderField) -> Option<&mut String> {
    Some(match field {
        HeaderField::OrderNo => &mut form.order_no,
        HeaderField::EbpCode => &mut form.ebp_code,
        HeaderField::EbpName => &mut form.ebp_name,
        HeaderField::Currency => &mut form.currency,
        HeaderField::Freight => &mut form.freight,
        HeaderField::Note => &mut form.note,
        HeaderField::Warehouse | HeaderField::GoodsValue | HeaderField::Lines => return None,
    })
}

/// The value of header `field` now.
fn value(order: OrderForm, field: HeaderField) -> String {
    order.header.with(|form| {
        let mut form = form.clone();
        text_of(&mut form, field).cloned().unwrap_or_default()
    })
}

/// Label, required mark, the input (or the value), hint and message of header `field`.
#[component]
fn HeaderFrame(
    field: HeaderField,
    order: OrderForm,
    /// Whether the form is edited: only then is the hint shown.
    editable: Signal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let key = field.key();
    let mark = field
        .required()
        .then(|| view! { <abbr class="req" title="必填">"*"</abbr> });
    let message = move || {
        order.messages.error(key).map(|message| {
            view! { <p class="field-error" id=format!("{key}-error")>{message}</p> }
        })
    };
    view! {
        <div class=if wide { "field wide" } else { "field" }>
            <label for=key>{field.label()}{mark}</label>
            {children()}
            {move || editable.get().then(|| hint.map(|hint| view! { <p class="hint">{hint}</p> }))}
            {message}
        </div>
    }
}

/// A text input of header `field`; `editable` says whether it may be typed in now.
fn text_input(
    order: OrderForm,
    field: HeaderField,
    editable: Signal<bool>,
    multiline: bool,
) -> impl IntoView {
    let key = field.key();
    let invalid = move || order.messages.error(key).is_some().to_string();
    let described = move || order.messages.error(key).map(|_| format!("{key}-error"));
    let code = matches!(
        field,
        HeaderField::EbpCode | HeaderField::Freight | HeaderField::OrderNo
    );
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        let value = if code {
            text::code_input(&typed, field == HeaderField::EbpCode)
        } else {
            typed
        };
        order.edit_header(key, |form| {
            if let Some(text) = text_of(form, field) {
                *text = value;
            }
        });
    };
    let maxlength = match field.rule() {
        Some(Rule::Name(max) | Rule::Text(max)) => Some(max.to_string()),
        _ => None,
    };
    move || {
        let maxlength = maxlength.clone();
        if !editable.get() {
            view! { <output id=key class="value">{move || value(order, field)}</output> }.into_any()
        } else if multiline {
            view! {
                <textarea id=key name=key rows="2" maxlength=maxlength aria-invalid=invalid
                    aria-describedby=described prop:value=move || value(order, field)
                    on:input=on_input on:blur=move |_| order.messages.touch(key)></textarea>
            }
            .into_any()
        } else {
            view! {
                <input id=key name=key type="text" maxlength=maxlength aria-invalid=invalid
                    aria-describedby=described prop:value=move || value(order, field)
                    on:input=on_input on:blur=move |_| order.messages.touch(key) />
            }
            .into_any()
        }
    }
}

/// The header of `order` for the enterprise of `session`. 订仓单编号 may be typed while
/// `editable` and not `number_locked` (a 变更 keeps the number customs knows the order by).
pub fn header_fields(
    order: OrderForm,
    session: &SessionInfo,
    editable: Signal<bool>,
    number_locked: Signal<bool>,
    stored_warehouse: Signal<Option<String>>,
) -> impl IntoView {
    let numbered = Signal::derive(move || editable.get() && !number_locked.get());
    let currencies = order
        .tables
        .with_value(|tables| table_choices(tables.currencies.rows(), &|_| None));
    let currency_key = HeaderField::Currency.key();
    let currency = move || {
        if !editable.get() {
            let shown = move || {
                let code = value(order, HeaderField::Currency);
                order.tables.with_value(|t| t.currencies.display(&code))
            };
            return view! { <output id=currency_key class="value">{shown}</output> }.into_any();
        }
        view! {
            <Combobox id=currency_key
                value=Signal::derive(move || value(order, HeaderField::Currency))
                set=Callback::new(move |code: String| {
                    order.edit_header(currency_key, |form| form.currency = code);
                })
                options=currencies.clone()
                invalid=Signal::derive(move || order.messages.error(currency_key).is_some())
                required=Signal::stored(true) />
        }
        .into_any()
    };
    let enterprise = &session.enterprise;
    let ebc = format!("{} {}", enterprise.customs_code, enterprise.name);
    let goods_value = move || {
        order.goods_value.get().map_or_else(
            || "（待各行数量、单价填写完整后计算）".to_owned(),
            |v| v.with_places(2),
        )
    };
    view! {
        <div class="form-grid">
            <HeaderFrame field=HeaderField::OrderNo order editable=numbered hint="本企业内唯一，最多 60 个字符">
                {text_input(order, HeaderField::OrderNo, numbered, false)}
            </HeaderFrame>
            <WarehouseField order editable stored=stored_warehouse />
            <HeaderFrame field=HeaderField::EbpCode order editable hint="18 位统一社会信用代码或 10 位海关编码；境外平台填写“无”">
                {text_input(order, HeaderField::EbpCode, editable, false)}
            </HeaderFrame>
            <HeaderFrame field=HeaderField::EbpName order editable>
                {text_input(order, HeaderField::EbpName, editable, false)}
            </HeaderFrame>
            <div class="field system">
                <label for="ebc">"电商企业"</label>
                <output id="ebc" class="value">{ebc}</output>
            </div>
            <HeaderFrame field=HeaderField::Currency order editable>{currency}</HeaderFrame>
            <HeaderFrame field=HeaderField::Freight order editable hint="例如 120.50">
                {text_input(order, HeaderField::Freight, editable, false)}
            </HeaderFrame>
            <div class="field system">
                <label for=HeaderField::GoodsValue.key()>{HeaderField::GoodsValue.label()}</label>
                <output id=HeaderField::GoodsValue.key() class="value">{goods_value}</output>
                {move || order.messages.error(HeaderField::GoodsValue.key()).map(|message| view! {
                    <p class="field-error" id="goods_value-error">{message}</p>
                })}
            </div>
            <HeaderFrame field=HeaderField::Note order editable wide=true>
                {text_input(order, HeaderField::Note, editable, true)}
            </HeaderFrame>
        </div>
    }
}
