//! Enterprises as customs master data knows them (海关企业信息): 海关编码, 统一社会信用代码, 企业名称,
//! 主管海关, 区内企业 and 信用等级.

use serde::{Deserialize, Serialize};

/// 信用等级 of an enterprise, from customs master data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CreditLevel {
    /// 高级认证企业
    Advanced,
    /// 注册登记和备案企业
    Registered,
    /// 失信企业
    Discredited,
}

impl CreditLevel {
    pub const ALL: [CreditLevel; 3] = [Self::Advanced, Self::Registered, Self::Discredited];

    pub fn code(self) -> &'static str {
        match self {
            Self::Advanced => "advanced",
            Self::Registered => "registered",
            Self::Discredited => "discredited",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Advanced => "高级认证企业",
            Self::Registered => "注册登记和备案企业",
            Self::Discredited => "失信企业",
        }
    }
}

/// An enterprise's master data. `Id` is what identifies it: its id once stored
/// ([`EnterpriseInfo`]), nothing before ([`NewEnterprise`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enterprise<Id> {
    pub id: Id,
    /// 海关编码
    pub customs_code: String,
    /// 统一社会信用代码
    pub uscc: String,
    /// 企业名称
    pub name: String,
    /// 主管海关
    pub customs_district: String,
    /// 区内企业
    pub in_zone: bool,
    /// 信用等级
    pub credit_level: CreditLevel,
}

/// A stored enterprise: the logged-in user's, the owner of filings.
pub type EnterpriseInfo = Enterprise<i64>;

/// The master data of an enterprise to add (`owf admin enterprise add`, the demo accounts).
pub type NewEnterprise = Enterprise<()>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_level_codes_round_trip() {
        for level in CreditLevel::ALL {
            assert_eq!(CreditLevel::from_code(level.code()), Some(level));
        }
        assert_eq!(CreditLevel::from_code("x"), None);
    }
}
