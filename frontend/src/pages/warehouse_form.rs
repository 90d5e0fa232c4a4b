//! The fields of 海外仓资料信息 (Form B), shared by 报送 and the detail.

use leptos::prelude::*;
use owf_shared::codes::{Code, Ownership, TradeMode};
use owf_shared::field::Field;
use owf_shared::form::WarehouseForm;
use owf_shared::lease::LeaseState;
use owf_shared::validate::Level;
use owf_shared::validate_warehouse;

use crate::auth::use_auth;
use crate::components::attachments::Attachments;
use crate::components::field::{bind, choices, table_choices, CodeInput, ReadOnly, TextInput};
use crate::components::form_state::{FilingFields, FormState};
use crate::filing::Warehouse;

/// 企业申请编号 of the enterprise's registration, which the entry screen knows before the
/// warehouse is stored.
#[derive(Clone, Copy)]
pub struct RegisteredApplyNo(pub Signal<Option<String>>);

/// Why the shared draft validation refuses a single value (1210 for a non-zone enterprise, a
/// 监管方式 the registration does not hold, 142 中国 as a warehouse location).
fn refused(state: FormState<Warehouse>, field: Field, probe: WarehouseForm) -> Option<String> {
    state
        .ctx
        .with_value(|c| validate_warehouse(&probe, &[], Level::Draft, c))
        .remove(field.key())
}

impl FilingFields for Warehouse {
    fn fields(state: FormState<Self>) -> AnyView {
        let form = state.form;
        let enterprise = use_auth()
            .session
            .get_untracked()
            .expect("logged in")
            .enterprise;
        // The registration's number: the record's, or before the first 暂存 the entry screen's.
        let registered = use_context::<RegisteredApplyNo>();
        let ent_apply_no = Signal::derive(move || {
            state
                .detail
                .with(|d| d.as_ref().map(|d| d.ent_apply_no.clone()))
                .or_else(|| registered.and_then(|r| r.0.get()))
                .unwrap_or_default()
        });
        let modes = choices(&TradeMode::FILING_OPTIONS, &|mode| {
            let probe = WarehouseForm {
                trade_mode: mode.code().to_owned(),
                ..WarehouseForm::default()
            };
            refused(state, Field::TradeMode, probe)
        });
        let countries = state.ctx.with_value(|c| {
            table_choices(c.tables.countries.rows(), &|country| {
                let probe = WarehouseForm {
                    country_code: country.code.clone(),
                    ..WarehouseForm::default()
                };
                refused(state, Field::CountryCode, probe)
            })
        });
        let ownerships = choices(Ownership::ALL, &|_| None);
        let leased = Memo::new(move |_| form.with(|f| f.ownership == Ownership::Leased.code()));
        let lease_start = state.required_now(Field::LeaseStart, |f| f.lease_start.clear());
        let lease_end = state.required_now(Field::LeaseEnd, |f| f.lease_end.clear());
        let lessor = state.required_now(Field::LessorName, |f| f.lessor_name.clear());
        // 租期将满 / 已过期, from the form as it stands; on an approved filing, the way to renew.
        let today = state.ctx.with_value(|c| c.today);
        let lease_warning = move || {
            let warning = form
                .with(|f| LeaseState::of_warehouse(&f.ownership, &f.lease_end, today))
                .and_then(LeaseState::warning)?;
            let amendable = state
                .detail
                .with(|d| d.as_ref().is_some_and(|d| d.lifecycle.amendable()));
            let renew = if amendable {
                "：请点击“变更”录入新的租期并上传新的租赁协议"
            } else {
                ""
            };
            Some(
                view! { <p class="notice warn wide" role="status" id="lease-warning">{warning}{renew}</p> },
            )
        };
        view! {
            <div class="form-grid">
                {lease_warning}
                // Once stored, the record's summary above the form shows the number.
                {move || state.detail.with(Option::is_none).then(|| view! {
                    <ReadOnly field=Field::WhApplyNo value="暂存后由系统生成" />
                })}
                <ReadOnly field=Field::EntApplyNo value=ent_apply_no />
                <ReadOnly field=Field::CustomsCode value=enterprise.customs_code />
                <ReadOnly field=Field::EntName value=enterprise.name />
                <CodeInput field=Field::TradeMode bind=bind!(form, trade_mode) options=modes />
                <TextInput field=Field::WhName bind=bind!(form, wh_name) />
                <TextInput field=Field::WhCode bind=bind!(form, wh_code) />
                <CodeInput field=Field::CountryCode bind=bind!(form, country_code) options=countries
                    hint="可输入代码或中文名称，例如 321 或 匈" />
                <TextInput field=Field::City bind=bind!(form, city) />
                <TextInput field=Field::WhAddress bind=bind!(form, wh_address) wide=true />
                <TextInput field=Field::Postcode bind=bind!(form, postcode) />
                <TextInput field=Field::AreaSqm bind=bind!(form, area_sqm) hint="例如 5200 或 1234.5" />
                <CodeInput field=Field::Ownership bind=bind!(form, ownership) options=ownerships />
                {move || leased.get().then(|| view! {
                    <TextInput field=Field::LeaseStart bind=bind!(form, lease_start) date=true required=lease_start />
                    <TextInput field=Field::LeaseEnd bind=bind!(form, lease_end) date=true required=lease_end />
                    <TextInput field=Field::LessorName bind=bind!(form, lessor_name) required=lessor />
                })}
                <TextInput field=Field::SalesPlatforms bind=bind!(form, sales_platforms) multiline=true />
                <TextInput field=Field::WhContact bind=bind!(form, wh_contact) />
                <TextInput field=Field::WhPhone bind=bind!(form, wh_phone) input_type="tel" hint="可带分机号，例如 0755-88886666 转 8" />
                <TextInput field=Field::Note bind=bind!(form, note) multiline=true />
                <Attachments state />
            </div>
        }
        .into_any()
    }
}
