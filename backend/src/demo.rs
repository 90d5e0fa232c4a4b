//! `owf serve --demo`: two demo enterprises — one 区内企业, one not — each with a user.

use owf_shared::enterprise::{CreditLevel, NewEnterprise};

use crate::auth::password;
use crate::customs::keys::SigningKeys;
use crate::store::{Store, StoreError};

/// A demo login as printed at start.
pub struct DemoAccount {
    pub enterprise: NewEnterprise,
    /// IC卡号
    pub card_no: &'static str,
    pub user_name: &'static str,
    pub password: &'static str,
}

pub fn accounts() -> [DemoAccount; 2] {
    [
        DemoAccount {
            enterprise: NewEnterprise {
                id: (),
                customs_code: "4403960ABC".into(),
                uscc: "91440300MA5G8K2P04".into(),
                name: "深圳前海综保跨境供应链有限公司".into(),
                customs_district: "5300".into(),
                in_zone: true,
                credit_level: CreditLevel::Advanced,
            },
            card_no: "8944030000001",
            user_name: "林晓",
            password: "zone-demo-2026",
        },
        DemoAccount {
            enterprise: NewEnterprise {
                id: (),
                customs_code: "3301961A2B".into(),
                uscc: "91330100MA2H3Y5K7A".into(),
                name: "杭州云帆跨境电子商务有限公司".into(),
                customs_district: "2900".into(),
                in_zone: false,
                credit_level: CreditLevel::Registered,
            },
            card_no: "8933010000002",
            user_name: "周敏",
            password: "plain-demo-2026",
        },
    ]
}

/// Creates the demo enterprises and users where missing; returns the accounts to print.
pub async fn seed(store: &Store) -> Result<[DemoAccount; 2], StoreError> {
    let accounts = accounts();
    let keys = SigningKeys::new(store.clone());
    for account in &accounts {
        let id = match keys.add_enterprise(&account.enterprise).await? {
            Some(id) => id,
            None => {
                store
                    .enterprise_by_customs_code(&account.enterprise.customs_code)
                    .await?
                    .expect("conflicting demo enterprise exists")
                    .id
            }
        };
        store
            .add_user(
                id,
                account.card_no,
                account.user_name,
                &password::hash(account.password),
            )
            .await?;
    }
    Ok(accounts)
}
