//! The OWH messages (domain.md §4.3): CEB-shaped XML in owf's own namespace `urn:sim:owh:1.0`.
//! Declarations OWH101 (企业登记) and OWH201 (海外仓资料) are signed; receipts (回执) OWH102 /
//! OWH202 and the format-check receipt OWH900 are not. The 订仓单 is a real CEB message in the
//! CEB namespace (domain.md §8): its declaration CEB303 is in [`super::order`], its receipt
//! CEB304 (`OrderReturn`) is a [`Receipt`] here. Everything is written and read through
//! [`Element`] (quick-xml), never by string concatenation.

use owf_shared::amendment::AppType;
use owf_shared::api::AttachmentInfo;
use owf_shared::enterprise::EnterpriseInfo;
use owf_shared::field::FilingKind;
use owf_shared::form::{RegistrationForm, WarehouseForm};
use owf_shared::ids::Date;

use super::sign::MessageSigner;
use super::xml::{Element, XmlError};
use crate::clock::{c14, now_ms};
use crate::store::filings::OutboxMessage;

/// The namespace of every OWH message.
pub const NAMESPACE: &str = "urn:sim:owh:1.0";
const PREFIX: &str = "owh";
/// The namespace of the CEB messages (the 订仓单's).
pub const CEB_NAMESPACE: &str = "http://www.chinaport.gov.cn/ceb";
const CEB_PREFIX: &str = "ceb";

/// A message type (报文类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// OWH101 海外仓企业登记
    Registration,
    /// OWH102 企业登记回执
    RegistrationReturn,
    /// OWH201 海外仓资料信息
    Warehouse,
    /// OWH202 海外仓资料回执
    WarehouseReturn,
    /// OWH900 格式校验回执 (format and signature errors, negative codes)
    FormatCheck,
    /// CEB303 电子订单 with orderType W: the 订仓单
    Order,
    /// CEB304 订单回执 (`OrderReturn`), negative codes included
    OrderReturn,
}

impl MessageType {
    pub const ALL: [MessageType; 7] = [
        Self::Registration,
        Self::RegistrationReturn,
        Self::Warehouse,
        Self::WarehouseReturn,
        Self::FormatCheck,
        Self::Order,
        Self::OrderReturn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Registration => "OWH101",
            Self::RegistrationReturn => "OWH102",
            Self::Warehouse => "OWH201",
            Self::WarehouseReturn => "OWH202",
            Self::FormatCheck => "OWH900",
            Self::Order => "CEB303",
            Self::OrderReturn => "CEB304",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The declaration of a filing kind.
    pub fn declaring(kind: FilingKind) -> Self {
        match kind {
            FilingKind::Registration => Self::Registration,
            FilingKind::Warehouse => Self::Warehouse,
        }
    }

    /// The business receipt answering this declaration.
    pub fn receipt(self) -> Self {
        match self {
            Self::Registration | Self::RegistrationReturn => Self::RegistrationReturn,
            Self::Warehouse | Self::WarehouseReturn => Self::WarehouseReturn,
            Self::FormatCheck => Self::FormatCheck,
            Self::Order | Self::OrderReturn => Self::OrderReturn,
        }
    }

    /// The receipt with `return_status` answering this declaration: a negative code comes in
    /// OWH900 for an OWH message, in the business receipt itself (CEB304) for a 订仓单.
    pub fn receipt_with(self, return_status: i32) -> Self {
        match self.receipt() {
            Self::OrderReturn => Self::OrderReturn,
            _ if return_status < 0 => Self::FormatCheck,
            receipt => receipt,
        }
    }

    /// The namespace prefix and namespace.
    fn namespace(self) -> (&'static str, &'static str) {
        match self {
            Self::Order | Self::OrderReturn => (CEB_PREFIX, CEB_NAMESPACE),
            _ => (PREFIX, NAMESPACE),
        }
    }

    /// `name` in this message's namespace.
    pub(super) fn qualified(self, name: &str) -> String {
        format!("{}:{name}", self.namespace().0)
    }

    fn root(self) -> String {
        self.qualified(&format!("{}Message", self.code()))
    }

    /// An empty root element of this message, with its namespace and `guid`.
    pub(super) fn root_element(self, guid: &str) -> Element {
        let (prefix, namespace) = self.namespace();
        Element::new(self.root())
            .attr(format!("xmlns:{prefix}"), namespace)
            .attr("guid", guid)
            .attr("version", "1.0")
    }

    /// Business node, its head, and the element naming its 申请编号.
    fn nodes(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Registration => ("EntRegistration", "EntRegistrationHead", "entApplyNo"),
            Self::Warehouse => ("Warehouse", "WarehouseHead", "whApplyNo"),
            Self::RegistrationReturn => ("EntRegistrationReturn", "", "entApplyNo"),
            Self::WarehouseReturn => ("WarehouseReturn", "", "whApplyNo"),
            Self::FormatCheck => ("MessageReturn", "", ""),
            Self::Order => ("Order", "OrderHead", "orderNo"),
            Self::OrderReturn => ("OrderReturn", "", "orderNo"),
        }
    }
}

/// A message that is not a well-formed OWH message of the expected kind.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("报文根元素 {0} 不是 OWH 或订仓单报文")]
    Root(String),
    #[error("报文命名空间必须是 {NAMESPACE}（订仓单报文：{CEB_NAMESPACE}）")]
    Namespace,
    #[error("{field} 的值“{value}”无效")]
    Value { field: &'static str, value: String },
}

fn owh(name: &str) -> String {
    format!("{PREFIX}:{name}")
}

/// DXP user id of an enterprise (BaseTransfer/dxpId).
pub fn dxp_id(customs_code: &str) -> String {
    format!("DXPENT{customs_code}")
}

/// A proof document referenced by a warehouse declaration (证明材料, travels by reference + hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    pub doc_type: String,
    pub file_name: String,
    pub size: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

impl From<&AttachmentInfo> for AttachmentRef {
    fn from(a: &AttachmentInfo) -> Self {
        Self {
            doc_type: a.doc_type.clone(),
            file_name: a.file_name.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
        }
    }
}

/// The declared form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredForm {
    Registration(RegistrationForm),
    Warehouse(WarehouseForm, Vec<AttachmentRef>),
}

/// A declaration as it travels: head, form and BaseTransfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub guid: String,
    /// 1 新增, 2 变更, 3 删除 (注销)
    pub app_type: AppType,
    /// 申报时间 C14
    pub app_time: String,
    /// 企业申请编号 (OWH101) or 申请编号 (OWH201)
    pub apply_no: String,
    /// 企业申请编号 of the registration a warehouse belongs to; empty for OWH101.
    pub ent_apply_no: String,
    /// 海关编码
    pub customs_code: String,
    /// 申报人 IC卡号
    pub ic_card: String,
    /// BaseTransfer/copCode, copName, dxpId
    pub cop_code: String,
    pub cop_name: String,
    pub dxp_id: String,
    pub form: DeclaredForm,
}

/// A date field travels as C8 `yyyyMMdd`.
fn date_out(value: &str) -> String {
    Date::parse(value).map_or_else(|_| value.to_owned(), Date::compact)
}

fn date_in(value: &str) -> String {
    if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &value[..4], &value[4..6], &value[6..])
    } else {
        value.to_owned()
    }
}

/// The text fields of Form A with their element names, in message order.
fn registration_fields(f: &mut RegistrationForm) -> [(&'static str, &mut String); 9] {
    [
        ("uscc", &mut f.uscc),
        ("entName", &mut f.ent_name),
        ("customsDistrict", &mut f.customs_district),
        ("emsNo", &mut f.ems_no),
        ("legalRep", &mut f.legal_rep),
        ("entAddress", &mut f.ent_address),
        ("contactName", &mut f.contact_name),
        ("contactPhone", &mut f.contact_phone),
        ("note", &mut f.note),
    ]
}

/// The fields of Form B with their element names, in message order; `true` marks dates.
fn warehouse_fields(f: &mut WarehouseForm) -> [(&'static str, &mut String, bool); 16] {
    [
        ("tradeMode", &mut f.trade_mode, false),
        ("whName", &mut f.wh_name, false),
        ("whCode", &mut f.wh_code, false),
        ("countryCode", &mut f.country_code, false),
        ("city", &mut f.city, false),
        ("whAddress", &mut f.wh_address, false),
        ("postcode", &mut f.postcode, false),
        ("areaSqm", &mut f.area_sqm, false),
        ("ownership", &mut f.ownership, false),
        ("leaseStart", &mut f.lease_start, true),
        ("leaseEnd", &mut f.lease_end, true),
        ("lessorName", &mut f.lessor_name, false),
        ("salesPlatforms", &mut f.sales_platforms, false),
        ("whContact", &mut f.wh_contact, false),
        ("whPhone", &mut f.wh_phone, false),
        ("note", &mut f.note, false),
    ]
}

impl Declaration {
    pub fn message_type(&self) -> MessageType {
        match self.form {
            DeclaredForm::Registration(_) => MessageType::Registration,
            DeclaredForm::Warehouse(..) => MessageType::Warehouse,
        }
    }

    /// The unsigned message.
    pub fn to_element(&self) -> Element {
        let kind = self.message_type();
        let (node, head_name, apply_no_name) = kind.nodes();
        let mut head = Element::new(owh(head_name))
            .leaf(owh("guid"), &self.guid)
            .leaf(owh("appType"), self.app_type.code().to_string())
            .leaf(owh("appTime"), &self.app_time)
            .leaf(owh("appStatus"), "2")
            .leaf(owh(apply_no_name), &self.apply_no);
        if kind == MessageType::Warehouse {
            head = head.leaf(owh("entApplyNo"), &self.ent_apply_no);
        }
        head = head
            .leaf(owh("customsCode"), &self.customs_code)
            .leaf(owh("icCard"), &self.ic_card);
        let mut business = Element::new(owh(node));
        match &self.form {
            DeclaredForm::Registration(form) => {
                let mut form = form.clone();
                let modes = Element::new(owh("tradeModes")).children(
                    form.trade_modes
                        .iter()
                        .map(|m| Element::with_text(owh("tradeMode"), m)),
                );
                let ack = if form.commitment_ack { "1" } else { "0" };
                for (name, value) in registration_fields(&mut form) {
                    head = head.leaf(owh(name), value.as_str());
                }
                head = head.child(modes).leaf(owh("commitmentAck"), ack);
                business = business.child(head);
            }
            DeclaredForm::Warehouse(form, attachments) => {
                let mut form = form.clone();
                for (name, value, date) in warehouse_fields(&mut form) {
                    let value = if date { date_out(value) } else { value.clone() };
                    head = head.leaf(owh(name), value);
                }
                business = business.child(head).children(attachments.iter().map(|a| {
                    Element::new(owh("Attachment"))
                        .leaf(owh("docType"), &a.doc_type)
                        .leaf(owh("fileName"), &a.file_name)
                        .leaf(owh("size"), a.size.to_string())
                        .leaf(owh("sha256"), &a.sha256)
                }));
            }
        }
        kind.root_element(&self.guid).child(business).child(
            Element::new(owh("BaseTransfer"))
                .leaf(owh("copCode"), &self.cop_code)
                .leaf(owh("copName"), &self.cop_name)
                .leaf(owh("dxpMode"), "DXP")
                .leaf(owh("dxpId"), &self.dxp_id),
        )
    }

    /// Reads a declaration (OWH101 or OWH201) back; the signature is checked separately.
    pub fn from_element(root: &Element) -> Result<Self, MessageError> {
        let kind = message_root(root)?;
        if !matches!(kind, MessageType::Registration | MessageType::Warehouse) {
            return Err(MessageError::Root(root.name.clone()));
        }
        let (node, head_name, apply_no_name) = kind.nodes();
        let business = root.find(node)?;
        let head = business.find(head_name)?;
        let transfer = root.find("BaseTransfer")?;
        let form = match kind {
            MessageType::Registration => {
                let mut form = RegistrationForm::default();
                for (name, value) in registration_fields(&mut form) {
                    *value = head.text_of(name)?;
                }
                form.trade_modes = head
                    .find("tradeModes")?
                    .all("tradeMode")
                    .map(Element::text)
                    .collect();
                form.commitment_ack = match head.text_of("commitmentAck")?.as_str() {
                    "1" => true,
                    "0" => false,
                    other => {
                        return Err(MessageError::Value {
                            field: "commitmentAck",
                            value: other.to_owned(),
                        })
                    }
                };
                DeclaredForm::Registration(form)
            }
            _ => {
                let mut form = WarehouseForm::default();
                for (name, value, date) in warehouse_fields(&mut form) {
                    let text = head.text_of(name)?;
                    *value = if date { date_in(&text) } else { text };
                }
                let attachments = business
                    .all("Attachment")
                    .map(|a| {
                        let size = a.text_of("size")?;
                        Ok(AttachmentRef {
                            doc_type: a.text_of("docType")?,
                            file_name: a.text_of("fileName")?,
                            size: size.parse().map_err(|_| MessageError::Value {
                                field: "size",
                                value: size.clone(),
                            })?,
                            sha256: a.text_of("sha256")?,
                        })
                    })
                    .collect::<Result<_, MessageError>>()?;
                DeclaredForm::Warehouse(form, attachments)
            }
        };
        let app_type = head.text_of("appType")?;
        Ok(Self {
            guid: head.text_of("guid")?,
            app_type: app_type.parse().ok().and_then(AppType::from_code).ok_or(
                MessageError::Value {
                    field: "appType",
                    value: app_type.clone(),
                },
            )?,
            app_time: head.text_of("appTime")?,
            apply_no: head.text_of(apply_no_name)?,
            ent_apply_no: if kind == MessageType::Warehouse {
                head.text_of("entApplyNo")?
            } else {
                String::new()
            },
            customs_code: head.text_of("customsCode")?,
            ic_card: head.text_of("icCard")?,
            cop_code: transfer.text_of("copCode")?,
            cop_name: transfer.text_of("copName")?,
            dxp_id: transfer.text_of("dxpId")?,
            form,
        })
    }
}

/// The message type of a root element, in the namespace of its type.
pub fn message_root(root: &Element) -> Result<MessageType, MessageError> {
    let declares = |(prefix, namespace): (&str, &str)| {
        root.attribute(&format!("xmlns:{prefix}")) == Some(namespace)
    };
    let kind = root
        .local_name()
        .strip_suffix("Message")
        .and_then(MessageType::from_code);
    let known = match kind {
        Some(kind) => declares(kind.namespace()),
        None => declares((PREFIX, NAMESPACE)) || declares((CEB_PREFIX, CEB_NAMESPACE)),
    };
    if !known {
        return Err(MessageError::Namespace);
    }
    kind.filter(|t| root.name == t.root())
        .ok_or_else(|| MessageError::Root(root.name.clone()))
}

/// What a declaration says, as the declaring request knows it: the plain input of
/// [`declaration`].
#[derive(Debug, Clone)]
pub struct DeclarationInput<'a> {
    /// 新增, or 变更 / 注销 of an approved filing.
    pub app_type: AppType,
    /// 企业申请编号 (OWH101) or 申请编号 (OWH201)
    pub apply_no: &'a str,
    /// 企业申请编号 of the registration a warehouse belongs to; empty for OWH101.
    pub ent_apply_no: &'a str,
    /// The declaring enterprise: its 海关编码 and 企业名称 go into the head and BaseTransfer.
    pub enterprise: &'a EnterpriseInfo,
    /// 申报人 IC卡号
    pub card_no: &'a str,
    /// The form, with a warehouse's proof documents by reference.
    pub form: DeclaredForm,
}

/// A signed declaration, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedDeclaration {
    pub guid: String,
    pub message_type: MessageType,
    /// The signed OWH101 / OWH201 document.
    pub document: String,
}

/// The outbox row that carries a signed declaration to customs.
impl From<SignedDeclaration> for OutboxMessage {
    fn from(signed: SignedDeclaration) -> Self {
        Self {
            guid: signed.guid,
            message_type: signed.message_type.code().to_owned(),
            payload: signed.document,
        }
    }
}

/// The declaration of `input` under a fresh upper-case guid and the current time, signed by
/// `signer`.
pub fn declaration(input: DeclarationInput<'_>, signer: &MessageSigner) -> SignedDeclaration {
    let guid = uuid::Uuid::new_v4().to_string().to_uppercase();
    let customs_code = &input.enterprise.customs_code;
    let declaration = Declaration {
        guid: guid.clone(),
        app_type: input.app_type,
        app_time: c14(now_ms()),
        apply_no: input.apply_no.to_owned(),
        ent_apply_no: input.ent_apply_no.to_owned(),
        customs_code: customs_code.clone(),
        ic_card: input.card_no.to_owned(),
        cop_code: customs_code.clone(),
        cop_name: input.enterprise.name.clone(),
        dxp_id: dxp_id(customs_code),
        form: input.form,
    };
    SignedDeclaration {
        guid,
        message_type: declaration.message_type(),
        document: signer.sign(declaration.to_element()).to_document(),
    }
}

/// `value` of `field`, which must not be blank (a receipt without its guid is unreadable).
fn non_blank(field: &'static str, value: &str) -> Result<String, MessageError> {
    if value.trim().is_empty() {
        return Err(MessageError::Value {
            field,
            value: value.to_owned(),
        });
    }
    Ok(value.to_owned())
}

/// A 回执 from customs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// guid of the receipt message itself; unique, so each receipt is applied once.
    pub receipt_id: String,
    /// OWH102, OWH202, OWH900 or CEB304.
    pub message_type: MessageType,
    /// guid of the declaration it answers.
    pub guid: String,
    /// 申请编号 of the declaration (订仓单编号 `orderNo` in CEB304); empty in OWH900.
    pub apply_no: String,
    /// 海关编码 of the declaring enterprise (电商企业代码 `ebcCode` in CEB304).
    pub customs_code: String,
    /// 电商平台代码 (`ebpCode`) of CEB304; empty in the OWH receipts.
    pub ebp_code: String,
    /// `returnStatus`: 120, 399, 100, or negative for format errors.
    pub return_status: i32,
    /// `returnTime`, C17.
    pub return_time: String,
    /// `returnInfo`
    pub return_info: String,
}

impl Receipt {
    pub fn to_document(&self) -> String {
        let kind = self.message_type;
        let q = |name: &str| kind.qualified(name);
        let (node, _, apply_no_name) = kind.nodes();
        let mut body = Element::new(q(node)).leaf(q("guid"), &self.guid);
        body = if kind == MessageType::OrderReturn {
            body.leaf(q("ebpCode"), &self.ebp_code)
                .leaf(q("ebcCode"), &self.customs_code)
                .leaf(q(apply_no_name), &self.apply_no)
        } else if apply_no_name.is_empty() {
            body.leaf(q("customsCode"), &self.customs_code)
        } else {
            body.leaf(q(apply_no_name), &self.apply_no)
                .leaf(q("customsCode"), &self.customs_code)
        };
        kind.root_element(&self.receipt_id)
            .child(
                body.leaf(q("returnStatus"), self.return_status.to_string())
                    .leaf(q("returnTime"), &self.return_time)
                    .leaf(q("returnInfo"), &self.return_info),
            )
            .to_document()
    }

    pub fn parse(xml: &str) -> Result<Self, MessageError> {
        let root = Element::parse(xml)?;
        let message_type = message_root(&root)?;
        if matches!(
            message_type,
            MessageType::Registration | MessageType::Warehouse | MessageType::Order
        ) {
            return Err(MessageError::Root(root.name.clone()));
        }
        let (node, _, apply_no_name) = message_type.nodes();
        let body = root.find(node)?;
        let status = body.text_of("returnStatus")?;
        let order = message_type == MessageType::OrderReturn;
        Ok(Self {
            receipt_id: non_blank("guid", root.attribute("guid").unwrap_or_default())?,
            message_type,
            guid: non_blank("guid", &body.text_of("guid")?)?,
            apply_no: if apply_no_name.is_empty() {
                String::new()
            } else {
                body.text_of(apply_no_name)?
            },
            customs_code: body.text_of(if order { "ebcCode" } else { "customsCode" })?,
            ebp_code: if order {
                body.text_of("ebpCode")?
            } else {
                String::new()
            },
            return_status: status.trim().parse().map_err(|_| MessageError::Value {
                field: "returnStatus",
                value: status.clone(),
            })?,
            return_time: body.text_of("returnTime")?,
            return_info: body.text_of("returnInfo")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customs::samples::{registration, warehouse};
    use crate::customs::sign::{self, KeyPair};

    #[test]
    fn declarations_round_trip_signed() {
        let keys = KeyPair::generate();
        let signer = MessageSigner::new(&keys.sign_key, &keys.cert_no).unwrap();
        for declaration in [registration(), warehouse()] {
            let xml = signer.sign(declaration.to_element()).to_document();
            let root = Element::parse(&xml).unwrap();
            assert_eq!(Declaration::from_element(&root).unwrap(), declaration);
            assert_eq!(sign::verify(&root, &keys.public_key), Ok(()));
            assert_eq!(root.attribute("guid"), Some(declaration.guid.as_str()));
        }
    }

    #[test]
    fn amendments_travel_with_their_app_type() {
        for app_type in [AppType::Change, AppType::Cancel] {
            let declaration = Declaration {
                app_type,
                ..warehouse()
            };
            let xml = declaration.to_element().to_document();
            let code = app_type.code();
            assert!(
                xml.contains(&format!("<owh:appType>{code}</owh:appType>")),
                "{xml}"
            );
            let root = Element::parse(&xml).unwrap();
            assert_eq!(Declaration::from_element(&root).unwrap().app_type, app_type);
        }
        let xml = registration().to_element().to_document().replace(
            "<owh:appType>1</owh:appType>",
            "<owh:appType>7</owh:appType>",
        );
        let refused = Declaration::from_element(&Element::parse(&xml).unwrap()).unwrap_err();
        assert!(refused.to_string().contains("appType"), "{refused}");
    }

    #[test]
    fn the_message_is_ceb_shaped() {
        let xml = registration().to_element().to_document();
        assert!(xml.contains(
            "<owh:OWH101Message xmlns:owh=\"urn:sim:owh:1.0\" guid=\"6F1C0D2E-0000-4000-8000-000000000001\" version=\"1.0\"><owh:EntRegistration><owh:EntRegistrationHead><owh:guid>"
        ));
        assert!(xml.contains("<owh:tradeModes><owh:tradeMode>9810</owh:tradeMode><owh:tradeMode>1210</owh:tradeMode></owh:tradeModes>"));
        assert!(xml.contains("<owh:dxpMode>DXP</owh:dxpMode><owh:dxpId>DXPENT4403960ABC</owh:dxpId></owh:BaseTransfer></owh:OWH101Message>"));
        assert!(xml.contains("<owh:note>a &lt; b &amp; c</owh:note>"));
    }

    #[test]
    fn receipts_round_trip() {
        for (message_type, apply_no, ebp_code) in [
            (MessageType::WarehouseReturn, "W20250312000000017", ""),
            (MessageType::FormatCheck, "", ""),
            (MessageType::OrderReturn, "WO20250312-0001", "无"),
        ] {
            let receipt = Receipt {
                receipt_id: "R-1".into(),
                message_type,
                guid: "G-1".into(),
                apply_no: apply_no.into(),
                customs_code: "4403960ABC".into(),
                ebp_code: ebp_code.into(),
                return_status: -900_004,
                return_time: "20250312101531123".into(),
                return_info: "签名验证失败".into(),
            };
            assert_eq!(Receipt::parse(&receipt.to_document()).unwrap(), receipt);
        }
        assert!(Receipt::parse(&registration().to_element().to_document()).is_err());
    }

    #[test]
    fn foreign_roots_are_refused() {
        let other = Element::new("x:OWH101Message").attr("xmlns:x", "urn:other");
        assert!(matches!(message_root(&other), Err(MessageError::Namespace)));
        let unknown = Element::new("ceb:CEB311Message").attr("xmlns:ceb", CEB_NAMESPACE);
        assert!(matches!(message_root(&unknown), Err(MessageError::Root(_))));
        let misplaced = Element::new("owh:CEB303Message").attr("xmlns:owh", NAMESPACE);
        assert!(matches!(
            message_root(&misplaced),
            Err(MessageError::Namespace)
        ));
        let wrong = Element::new("owh:OWH999Message").attr("xmlns:owh", NAMESPACE);
        assert!(matches!(message_root(&wrong), Err(MessageError::Root(_))));
    }
}
