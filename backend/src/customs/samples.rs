//! Sample declarations for the tests of the customs module: a 企业登记 of the 区内 demo
//! enterprise and a 海外仓资料 with one proof document.

use owf_shared::amendment::AppType;
use owf_shared::form::{RegistrationForm, WarehouseForm};

use super::message::{dxp_id, AttachmentRef, Declaration, DeclaredForm};

/// A 企业登记 (OWH101) of the 区内 demo enterprise.
pub(crate) fn registration() -> Declaration {
    Declaration {
        app_type: AppType::New,
        guid: "6F1C0D2E-0000-4000-8000-000000000001".into(),
        app_time: "20250312101500".into(),
        apply_no: "E20250312000000001".into(),
        ent_apply_no: String::new(),
        customs_code: "4403960ABC".into(),
        ic_card: "8944030000001".into(),
        cop_code: "4403960ABC".into(),
        cop_name: "深圳前海综保跨境供应链有限公司".into(),
        dxp_id: dxp_id("4403960ABC"),
        form: DeclaredForm::Registration(RegistrationForm {
            uscc: "91440300MA5G8K2P04".into(),
            ent_name: "深圳前海综保跨境供应链有限公司".into(),
            customs_district: "5300".into(),
            trade_modes: vec!["9810".into(), "1210".into()],
            ems_no: "T5300W000001".into(),
            note: "a < b & c".into(),
            commitment_ack: true,
            ..RegistrationForm::default()
        }),
    }
}

/// A 海外仓资料 (OWH201) of the same enterprise, with one proof document.
pub(crate) fn warehouse() -> Declaration {
    Declaration {
        app_type: AppType::New,
        guid: "6F1C0D2E-0000-4000-8000-000000000002".into(),
        apply_no: "W20250312000000017".into(),
        ent_apply_no: "E20250312000000001".into(),
        form: DeclaredForm::Warehouse(
            WarehouseForm {
                trade_mode: "9810".into(),
                wh_name: "LA Ontario DC".into(),
                lease_start: "2024-01-01".into(),
                lease_end: "2026-12-31".into(),
                ..WarehouseForm::default()
            },
            vec![AttachmentRef {
                doc_type: "02".into(),
                file_name: "lease.pdf".into(),
                size: 12,
                sha256: "ab".repeat(32),
            }],
        ),
        ..registration()
    }
}
