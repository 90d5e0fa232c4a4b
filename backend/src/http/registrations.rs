//! 海外仓企业登记 (Form A): `/api/registrations`.

use owf_shared::api::{AttachmentInfo, RegistrationDetail, RegistrationRow};
use owf_shared::codes::DocType;
use owf_shared::enterprise::EnterpriseInfo;
use owf_shared::form::RegistrationForm;
use owf_shared::validate::{validate_registration, Context, FieldErrors, Level};

use super::filings::{filing_routes, Filing, FilingForm};
use crate::clock::{display_receipt_time, display_time};
use crate::customs::message::DeclaredForm;
use crate::store::filings::{FilingRecord, IndexColumns};

filing_routes!(
    RegistrationForm,
    RegistrationDetail,
    RegistrationRow,
    "海外仓企业登记",
    "registration"
);

impl FilingForm for RegistrationForm {
    type Detail = RegistrationDetail;
    type Row = RegistrationRow;

    fn normalized(self) -> Self {
        RegistrationForm::normalized(self)
    }

    fn assign(&mut self, enterprise: &EnterpriseInfo) {
        self.customs_district = enterprise.customs_district.clone();
    }

    fn index(&self) -> IndexColumns {
        IndexColumns::of_registration(self)
    }

    fn set_note(&mut self, note: &str) {
        self.note = note.to_owned();
    }

    fn validate(&self, _attachments: &[DocType], level: Level, ctx: &Context) -> FieldErrors {
        validate_registration(self, level, ctx)
    }

    fn declared(&self, _attachments: &[AttachmentInfo]) -> DeclaredForm {
        DeclaredForm::Registration(self.clone())
    }

    fn detail(f: Filing<Self>) -> RegistrationDetail {
        RegistrationDetail {
            id: f.record.id,
            ent_apply_no: f.record.customs_apply_no().to_owned(),
            customs_code: f.record.customs_code,
            in_zone: f.enterprise.in_zone,
            credit_level: f.enterprise.credit_level,
            operator_card_no: f.record.operator_card_no,
            form: f.form,
            lifecycle: f.lifecycle,
        }
    }

    fn row(r: FilingRecord) -> RegistrationRow {
        RegistrationRow {
            id: r.id,
            ent_apply_no: r.apply_no,
            ent_name: r.ent_name,
            customs_code: r.customs_code,
            trade_modes: r.trade_modes,
            status: r.status,
            decl_time: r.decl_time.map(display_time),
            last_return_time: r.last_return_time.as_deref().map(display_receipt_time),
            last_return_info: r.last_return_info,
            pending: r.pending,
        }
    }
}
