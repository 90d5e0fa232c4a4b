//! Data-transfer types of the HTTP API, used by the frontend client and the backend handlers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The one error body of every failed `/api` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `validation`, `unauthenticated`, `not_found`.
    pub code: String,
    /// Chinese message for the user.
    pub message: String,
    /// Field name → Chinese message, shown next to the field.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// 登录: IC卡号 + password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// IC卡号
    pub card_no: String,
    pub password: String,
}

/// 信用等级 of an enterprise, from customs master data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// The logged-in user's enterprise, as customs master data knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseInfo {
    pub id: i64,
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

/// `GET /api/session`: who am I.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// IC卡号
    pub card_no: String,
    /// 用户姓名
    pub user_name: String,
    pub enterprise: EnterpriseInfo,
}

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

    #[test]
    fn error_body_without_fields_parses() {
        let e: ApiError = serde_json::from_str(r#"{"code":"x","message":"m"}"#).unwrap();
        assert!(e.fields.is_empty());
    }
}
