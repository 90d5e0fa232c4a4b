//! OpenAPI schemas (feature `openapi`, the server's) of the types whose JSON no derive can
//! describe: the two forms, built from the field table — keys, Chinese labels, length limits —
//! so the description cannot drift from validation; and [`Status`], a number on the wire.

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::amendment::AppType;
use crate::field::{Field, FilingKind, Requirement};
use crate::form::{RegistrationForm, WarehouseForm};
use crate::status::Status;

/// The schema of one value of a form: its Chinese label and who provides it as description.
fn field_schema(field: Field, requirement: Requirement) -> Schema {
    let description = Some(format!("{}（{requirement:?}）", field.label()));
    match field {
        Field::TradeModes => ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String))
            .description(description)
            .into(),
        Field::CommitmentAck => ObjectBuilder::new()
            .schema_type(Type::Boolean)
            .description(description)
            .into(),
        _ => ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(field.max_chars())
            .description(description)
            .into(),
    }
}

/// A form as it travels: every field it carries ([`FilingKind::form_fields`]), none required
/// (a draft may be half filled).
fn form_schema(kind: FilingKind) -> RefOr<Schema> {
    kind.form_fields()
        .fold(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(kind.label())),
            |object, (field, requirement)| {
                object.property(field.key(), field_schema(field, requirement))
            },
        )
        .into()
}

impl PartialSchema for RegistrationForm {
    fn schema() -> RefOr<Schema> {
        form_schema(FilingKind::Registration)
    }
}

impl ToSchema for RegistrationForm {}

impl PartialSchema for WarehouseForm {
    fn schema() -> RefOr<Schema> {
        form_schema(FilingKind::Warehouse)
    }
}

impl ToSchema for WarehouseForm {}

/// A number on the wire that stands for one of `values`, each listed with its label in the
/// description after `title`.
fn coded(title: &str, values: impl IntoIterator<Item = (i64, &'static str)>) -> RefOr<Schema> {
    let (codes, legend): (Vec<i64>, Vec<String>) = values
        .into_iter()
        .map(|(code, label)| (code, format!("{code} {label}")))
        .unzip();
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(codes))
        .description(Some(format!("{title}：{}", legend.join("，"))))
        .into()
}

/// 状态: the CEB `returnStatus` code.
impl PartialSchema for Status {
    fn schema() -> RefOr<Schema> {
        coded(
            "状态",
            Status::ALL.map(|s| (i64::from(s.code()), s.label())),
        )
    }
}

impl ToSchema for Status {}

/// appType: 1 新增, 2 变更, 3 注销 (删除).
impl PartialSchema for AppType {
    fn schema() -> RefOr<Schema> {
        coded(
            "appType",
            AppType::ALL.map(|t| (i64::from(t.code()), t.label())),
        )
    }
}

impl ToSchema for AppType {}
