//! The fields of 海外仓企业登记 (Form A), shared by 录入 and the detail.

use leptos::prelude::*;
use owf_shared::codes::{Code, TradeMode};
use owf_shared::field::Field;
use owf_shared::form::{RegistrationForm, COMMITMENT};
use owf_shared::validate::Level;
use owf_shared::validate_registration;

use crate::auth::use_auth;
use crate::components::field::{bind, choices, FieldEnv, FieldFrame, ReadOnly, TextInput, Ticked};
use crate::components::form_state::{FilingFields, FormState};
use crate::filing::Registration;

impl FilingFields for Registration {
    fn fields(state: FormState<Self>) -> AnyView {
        let form = state.form;
        let session = use_auth().session.get_untracked().expect("logged in");
        let enterprise = session.enterprise;
        // 主管海关 comes from customs master data (the enterprise record); the server stores it so.
        let district = state
            .ctx
            .with_value(|c| c.tables.districts.display(&c.customs_district));
        let ems_required = state.required_now(Field::EmsNo, |f| f.ems_no.clear());
        view! {
            <div class="form-grid">
                // Once stored, the record's summary above the form shows the number.
                {move || state.detail.with(Option::is_none).then(|| view! {
                    <ReadOnly field=Field::EntApplyNo value="暂存后由系统生成" />
                })}
                <ReadOnly field=Field::CustomsCode value=enterprise.customs_code />
                <ReadOnly field=Field::InZone value=if enterprise.in_zone { "是（区内企业）" } else { "否（非区内企业）" } />
                <ReadOnly field=Field::CreditLevel value=enterprise.credit_level.label() />
                <TextInput field=Field::Uscc bind=bind!(form, uscc) />
                <TextInput field=Field::EntName bind=bind!(form, ent_name) />
                <ReadOnly field=Field::CustomsDistrict value=district />
                <TradeModes state />
                <TextInput field=Field::EmsNo bind=bind!(form, ems_no) required=ems_required />
                <TextInput field=Field::LegalRep bind=bind!(form, legal_rep) />
                <TextInput field=Field::EntAddress bind=bind!(form, ent_address) />
                <TextInput field=Field::ContactName bind=bind!(form, contact_name) />
                <TextInput field=Field::ContactPhone bind=bind!(form, contact_phone) input_type="tel" hint="可带分机号，例如 0755-88886666 转 8" />
                <TextInput field=Field::Note bind=bind!(form, note) multiline=true />
                <Commitment state />
            </div>
        }
        .into_any()
    }
}

/// 监管方式 (A6): checkboxes; a mode the shared validation refuses for this enterprise (1210
/// for a non-zone enterprise) is disabled with the reason next to it.
#[component]
fn TradeModes(state: FormState<Registration>) -> impl IntoView {
    let env = FieldEnv::use_env();
    let field = Field::TradeModes;
    let ctx = state.ctx;
    let refused = |mode: TradeMode| {
        let probe = RegistrationForm {
            trade_modes: vec![mode.code().to_owned()],
            ..RegistrationForm::default()
        };
        ctx.with_value(|c| validate_registration(&probe, Level::Draft, c))
            .remove(field.key())
    };
    let error = env.error(field.key());
    let boxes = choices(&TradeMode::FILING_OPTIONS, &refused)
        .into_iter()
        .map(|choice| {
            let id = format!("trade_modes-{}", choice.code);
            let code = StoredValue::new(choice.code.clone());
            let checked =
                move || code.with_value(|code| state.form.with(|f| f.trade_modes.contains(code)));
            let toggle = move |ev| {
                let code = code.get_value();
                let on = event_target_checked(&ev);
                state.form.update(|f| {
                    f.trade_modes.retain(|m| *m != code);
                    if on {
                        f.trade_modes.push(code);
                    }
                });
                env.touch(field.key());
            };
            move || {
                let id = id.clone();
                if !env.may_edit(field) {
                    return view! {
                        <div class="check"><Ticked id checked=Signal::derive(checked) label=choice.text.clone() /></div>
                    }
                    .into_any();
                }
                let refused_note = choice.refused.clone().map(|reason| {
                    view! { <span class="option-note" id=format!("{id}-note")>{reason}</span> }
                });
                let disabled = choice.refused.is_some();
                view! {
                    <div class="check">
                        <input type="checkbox" id=id.clone() value=choice.code.clone()
                            disabled=disabled
                            aria-invalid=move || error.with(Option::is_some).to_string()
                            aria-describedby=disabled.then(|| format!("{id}-note"))
                            prop:checked=checked on:change=toggle />
                        <label for=id>{choice.text.clone()}</label>
                        {refused_note}
                    </div>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <FieldFrame field required=Signal::stored(field.required(env.kind)) group=true>
            <div class="checks">{boxes}</div>
        </FieldFrame>
    }
}

/// 承诺声明 (A15).
#[component]
fn Commitment(state: FormState<Registration>) -> impl IntoView {
    let env = FieldEnv::use_env();
    let field = Field::CommitmentAck;
    let error = env.error(field.key());
    let checked = move || state.form.with(|f| f.commitment_ack);
    let input = move || {
        if !env.may_edit(field) {
            return view! { <Ticked id=field.key() checked=Signal::derive(checked) label=COMMITMENT /> }
                .into_any();
        }
        view! {
                <input type="checkbox" id=field.key()
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-describedby=move || error.with(Option::is_some).then(|| format!("{}-error", field.key()))
                    prop:checked=checked
                    on:change=move |ev| {
                        state.form.update(|f| f.commitment_ack = event_target_checked(&ev));
                        env.touch(field.key());
                    } />
                <label for=field.key()>{COMMITMENT}</label>
        }
        .into_any()
    };
    view! {
        <FieldFrame field required=Signal::stored(field.required(env.kind)) group=true wide=true>
            <div class="check">{input}</div>
        </FieldFrame>
    }
}
