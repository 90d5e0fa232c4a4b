//! The manual's five work screens.

use leptos::prelude::*;

#[component]
fn Screen(title: &'static str, intro: &'static str) -> impl IntoView {
    view! {
        <section class="screen">
            <h2>{title}</h2>
            <p class="intro">{intro}</p>
        </section>
    }
}

/// 海外仓备案查询
#[component]
pub fn FilingQuery() -> impl IntoView {
    view! { <Screen title="海外仓备案查询" intro="输入查询条件并点击“查询”，查看本企业的海外仓备案信息。" /> }
}

/// 海外仓企业登记录入
#[component]
pub fn RegistrationEntry() -> impl IntoView {
    view! { <Screen title="海外仓企业登记录入" intro="点击“新增”录入海外仓企业登记信息，可暂存或申报。" /> }
}

/// 海外仓企业登记申报
#[component]
pub fn RegistrationList() -> impl IntoView {
    view! { <Screen title="海外仓企业登记申报" intro="查询企业登记，点击“企业申请编号”查看详情。" /> }
}

/// 海外仓资料信息报送
#[component]
pub fn WarehouseEntry() -> impl IntoView {
    view! { <Screen title="海外仓资料信息报送" intro="点击“新增”录入海外仓资料信息，可暂存或申报。" /> }
}

/// 海外仓资料信息查询
#[component]
pub fn WarehouseList() -> impl IntoView {
    view! { <Screen title="海外仓资料信息查询" intro="查询海外仓资料，点击“申请编号”查看详情。" /> }
}
