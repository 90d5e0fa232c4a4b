//! Declaration messages for customs.

use owf_shared::api::EnterpriseInfo;
use owf_shared::field::FilingKind;

use crate::store::filings::{FilingRecord, OutboxMessage};

/// Message type of a declaration: OWH101 (企业登记) or OWH201 (海外仓资料).
pub fn message_type(kind: FilingKind) -> &'static str {
    match kind {
        FilingKind::Registration => "OWH101",
        FilingKind::Warehouse => "OWH201",
    }
}

/// The outbox message of declaring `record`: a fresh upper-case guid and the declared data.
pub fn declaration(
    record: &FilingRecord,
    enterprise: &EnterpriseInfo,
    card_no: &str,
) -> OutboxMessage {
    let guid = uuid::Uuid::new_v4().to_string().to_uppercase();
    let payload = serde_json::json!({
        "guid": guid,
        "applyNo": record.apply_no,
        "customsCode": enterprise.customs_code,
        "copName": enterprise.name,
        "icCard": card_no,
        "form": serde_json::from_str::<serde_json::Value>(&record.form_json).unwrap_or_default(),
    })
    .to_string();
    OutboxMessage {
        guid,
        message_type: message_type(record.kind).to_owned(),
        payload,
    }
}
