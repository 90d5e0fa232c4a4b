//! Test setup several areas share: an approved 企业登记, a leased warehouse with its lease.

use owf_shared::api::{AttachmentInfo, RegistrationDetail, WarehouseDetail};
use owf_shared::fixtures::{leased_warehouse, Account, PDF};
use owf_shared::status::Status;

use crate::helpers::TestApp;
use crate::user::User;

/// The 企业登记 of `account`'s enterprise by its `user`, put into 审核通过 as if customs had
/// approved it (the answer is the draft as created).
pub async fn approved_registration(
    app: &TestApp,
    user: &User<'_>,
    account: &Account,
) -> RegistrationDetail {
    let registration = user.create(&account.registration()).await.unwrap();
    app.force_status(registration.id, Status::Approved).await;
    registration
}

/// A leased warehouse draft named `DC` (the answer is the draft as created) with its lease
/// agreement (租赁协议, type 02) attached.
pub async fn warehouse_with_lease(user: &User<'_>) -> (WarehouseDetail, AttachmentInfo) {
    let warehouse = user.create(&leased_warehouse("DC")).await.unwrap();
    let lease = user.upload(&warehouse, "02", "l.pdf", PDF).await.unwrap();
    (warehouse, lease)
}
