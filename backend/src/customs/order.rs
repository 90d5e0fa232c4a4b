//! The 订仓单 declaration (domain.md §8): the export order message `CEB303Message` with
//! `orderType` W, in the CEB namespace, signed like the OWH declarations. Its receipt, CEB304
//! (`OrderReturn`), is a [`super::message::Receipt`]. Amounts and quantities travel as the text
//! the clerk entered (`owf_shared::booking::declared`) — never through a floating-point number.

use owf_shared::amendment::AppType;
use owf_shared::booking::{BookingForm, BookingLine};
use owf_shared::enterprise::EnterpriseInfo;

use super::message::{dxp_id, message_root, MessageError, MessageType};
use super::sign::MessageSigner;
use super::xml::Element;
use crate::clock::{c14, now_ms};
use crate::store::filings::OutboxMessage;

/// `orderType` of a 海外仓订仓单.
pub const ORDER_TYPE_WAREHOUSE: &str = "W";

fn ceb(name: &str) -> String {
    MessageType::Order.qualified(name)
}

fn invalid(field: &'static str, value: &str) -> MessageError {
    MessageError::Value {
        field,
        value: value.to_owned(),
    }
}

/// The text fields of a line with their `OrderList` element names, in message order (`gnum`
/// before them, `currency` after `unit`).
fn line_fields(line: &mut BookingLine) -> [(&'static str, &mut String); 9] {
    [
        ("itemNo", &mut line.item_no),
        ("itemName", &mut line.item_name),
        ("itemDescribe", &mut line.item_describe),
        ("barCode", &mut line.bar_code),
        ("unit", &mut line.unit),
        ("qty", &mut line.qty),
        ("price", &mut line.price),
        ("totalPrice", &mut line.total_price),
        ("note", &mut line.note),
    ]
}

/// A 订仓单 as it travels: `OrderHead`, `OrderList` per line, `BaseTransfer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDeclaration {
    pub guid: String,
    /// 1 新增, 2 变更, 3 删除
    pub app_type: AppType,
    /// 申报时间 C14
    pub app_time: String,
    /// 电商企业代码/名称: the declaring enterprise.
    pub ebc_code: String,
    pub ebc_name: String,
    /// 商品总价 (`goodsValue`), as stored.
    pub goods_value: String,
    /// 订仓单编号, 电商平台, 币制, 运费, 备注 and the lines; `warehouse_id` does not travel.
    pub form: BookingForm,
    /// BaseTransfer/copCode, copName, dxpId
    pub cop_code: String,
    pub cop_name: String,
    pub dxp_id: String,
}

impl OrderDeclaration {
    /// The unsigned `CEB303Message`.
    pub fn to_element(&self) -> Element {
        let form = &self.form;
        let head = Element::new(ceb("OrderHead"))
            .leaf(ceb("guid"), &self.guid)
            .leaf(ceb("appType"), self.app_type.code().to_string())
            .leaf(ceb("appTime"), &self.app_time)
            .leaf(ceb("appStatus"), "2")
            .leaf(ceb("orderType"), ORDER_TYPE_WAREHOUSE)
            .leaf(ceb("orderNo"), &form.order_no)
            .leaf(ceb("ebpCode"), &form.ebp_code)
            .leaf(ceb("ebpName"), &form.ebp_name)
            .leaf(ceb("ebcCode"), &self.ebc_code)
            .leaf(ceb("ebcName"), &self.ebc_name)
            .leaf(ceb("goodsValue"), &self.goods_value)
            .leaf(ceb("freight"), &form.freight)
            .leaf(ceb("currency"), &form.currency)
            .leaf(ceb("note"), &form.note);
        let lines = form.lines.iter().enumerate().map(|(index, line)| {
            let mut line = line.clone();
            let mut list =
                Element::new(ceb("OrderList")).leaf(ceb("gnum"), (index + 1).to_string());
            for (name, value) in line_fields(&mut line) {
                list = list.leaf(ceb(name), value.as_str());
                if name == "unit" {
                    list = list.leaf(ceb("currency"), &form.currency);
                }
            }
            list
        });
        MessageType::Order
            .root_element(&self.guid)
            .child(Element::new(ceb("Order")).child(head).children(lines))
            .child(
                Element::new(ceb("BaseTransfer"))
                    .leaf(ceb("copCode"), &self.cop_code)
                    .leaf(ceb("copName"), &self.cop_name)
                    .leaf(ceb("dxpMode"), "DXP")
                    .leaf(ceb("dxpId"), &self.dxp_id),
            )
    }

    /// Reads a `CEB303Message` with `orderType` W back; the signature is checked separately.
    pub fn from_element(root: &Element) -> Result<Self, MessageError> {
        if message_root(root)? != MessageType::Order {
            return Err(MessageError::Root(root.name.clone()));
        }
        let order = root.find("Order")?;
        let head = order.find("OrderHead")?;
        let transfer = root.find("BaseTransfer")?;
        let order_type = head.text_of("orderType")?;
        if order_type != ORDER_TYPE_WAREHOUSE {
            return Err(invalid("orderType", &order_type));
        }
        let app_type = head.text_of("appType")?;
        let currency = head.text_of("currency")?;
        let lines = order
            .all("OrderList")
            .enumerate()
            .map(|(index, list)| {
                let gnum = list.text_of("gnum")?;
                if gnum != (index + 1).to_string() {
                    return Err(invalid("gnum", &gnum));
                }
                let line_currency = list.text_of("currency")?;
                if line_currency != currency {
                    return Err(invalid("currency", &line_currency));
                }
                let mut line = BookingLine::default();
                for (name, value) in line_fields(&mut line) {
                    *value = list.text_of(name)?;
                }
                Ok(line)
            })
            .collect::<Result<_, MessageError>>()?;
        Ok(Self {
            guid: head.text_of("guid")?,
            app_type: app_type
                .parse()
                .ok()
                .and_then(AppType::from_code)
                .ok_or_else(|| invalid("appType", &app_type))?,
            app_time: head.text_of("appTime")?,
            ebc_code: head.text_of("ebcCode")?,
            ebc_name: head.text_of("ebcName")?,
            goods_value: head.text_of("goodsValue")?,
            form: BookingForm {
                order_no: head.text_of("orderNo")?,
                warehouse_id: None,
                ebp_code: head.text_of("ebpCode")?,
                ebp_name: head.text_of("ebpName")?,
                currency,
                freight: head.text_of("freight")?,
                note: head.text_of("note")?,
                lines,
            },
            cop_code: transfer.text_of("copCode")?,
            cop_name: transfer.text_of("copName")?,
            dxp_id: transfer.text_of("dxpId")?,
        })
    }
}

/// What a 订仓单 declaration says, as the declaring request knows it.
#[derive(Debug, Clone)]
pub struct OrderInput<'a> {
    pub app_type: AppType,
    /// The declaring enterprise: 电商企业 and BaseTransfer.
    pub enterprise: &'a EnterpriseInfo,
    /// 商品总价 as stored.
    pub goods_value: &'a str,
    pub form: &'a BookingForm,
}

/// A signed `CEB303Message`, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOrder {
    pub guid: String,
    pub document: String,
}

/// The outbox row that carries a signed 订仓单 to customs.
impl From<SignedOrder> for OutboxMessage {
    fn from(signed: SignedOrder) -> Self {
        Self {
            guid: signed.guid,
            message_type: MessageType::Order.code().to_owned(),
            payload: signed.document,
        }
    }
}

/// The 订仓单 of `input` under a fresh upper-case guid and the current time, signed by `signer`.
pub fn order_declaration(input: OrderInput<'_>, signer: &MessageSigner) -> SignedOrder {
    let guid = uuid::Uuid::new_v4().to_string().to_uppercase();
    let customs_code = &input.enterprise.customs_code;
    let declaration = OrderDeclaration {
        guid: guid.clone(),
        app_type: input.app_type,
        app_time: c14(now_ms()),
        ebc_code: customs_code.clone(),
        ebc_name: input.enterprise.name.clone(),
        goods_value: input.goods_value.to_owned(),
        form: BookingForm {
            warehouse_id: None,
            ..input.form.clone()
        },
        cop_code: customs_code.clone(),
        cop_name: input.enterprise.name.clone(),
        dxp_id: dxp_id(customs_code),
    };
    SignedOrder {
        guid,
        document: signer.sign(declaration.to_element()).to_document(),
    }
}

#[cfg(test)]
mod tests {
    use owf_shared::booking::goods_value;
    use owf_shared::enterprise::CreditLevel;

    use super::*;
    use crate::customs::message::Receipt;
    use crate::customs::sign::{self, KeyPair};

    fn enterprise() -> EnterpriseInfo {
        EnterpriseInfo {
            id: 1,
            customs_code: "4403960ABC".into(),
            uscc: "91440300MA5G8K2P04".into(),
            name: "深圳前海综保跨境供应链有限公司".into(),
            customs_district: "5300".into(),
            in_zone: true,
            credit_level: CreditLevel::Registered,
        }
    }

    /// A 订仓单 of `count` lines whose 单价 and 数量 need exact arithmetic: 0.1 × 3 and prices
    /// like 19.99999 that a binary float prints differently.
    fn form(count: usize) -> BookingForm {
        BookingForm {
            order_no: "WO20250312-0001".into(),
            warehouse_id: Some(7),
            ebp_code: "无".into(),
            ebp_name: "Amazon US / LA Ontario DC".into(),
            currency: "502".into(),
            freight: "1234.50".into(),
            note: "a < b & c".into(),
            lines: (1..=count)
                .map(|n| BookingLine {
                    item_no: format!("SKU-{n:05}"),
                    item_name: format!("商品 {n}"),
                    unit: "007".into(),
                    qty: "3".into(),
                    price: if n % 2 == 0 { "0.10000" } else { "19.99999" }.into(),
                    total_price: if n % 2 == 0 { "0.30" } else { "60.00" }.into(),
                    ..BookingLine::default()
                })
                .collect(),
        }
    }

    fn declaration(count: usize, app_type: AppType) -> OrderDeclaration {
        let form = form(count);
        OrderDeclaration {
            guid: "6F1C0D2E-0000-4000-8000-000000000303".into(),
            app_type,
            app_time: "20250312101500".into(),
            ebc_code: "4403960ABC".into(),
            ebc_name: "深圳前海综保跨境供应链有限公司".into(),
            goods_value: goods_value(&form.lines).unwrap().with_places(2),
            form: BookingForm {
                warehouse_id: None,
                ..form
            },
            cop_code: "4403960ABC".into(),
            cop_name: "深圳前海综保跨境供应链有限公司".into(),
            dxp_id: dxp_id("4403960ABC"),
        }
    }

    #[test]
    fn a_signed_order_of_1000_lines_round_trips_with_exact_decimals() {
        let keys = KeyPair::generate();
        let signer = MessageSigner::new(&keys.sign_key, &keys.cert_no).unwrap();
        let stored = form(1000);
        let total = goods_value(&stored.lines).unwrap().with_places(2);
        assert_eq!(total, "30150.00");
        let signed = order_declaration(
            OrderInput {
                app_type: AppType::New,
                enterprise: &enterprise(),
                goods_value: &total,
                form: &stored,
            },
            &signer,
        );
        let root = Element::parse(&signed.document).unwrap();
        assert_eq!(sign::verify(&root, &keys.public_key), Ok(()));
        assert_eq!(root.attribute("guid"), Some(signed.guid.as_str()));
        let read = OrderDeclaration::from_element(&root).unwrap();
        assert_eq!(read.guid, signed.guid);
        assert_eq!(read.form.lines, stored.lines);
        assert_eq!(read.goods_value, "30150.00");
        assert_eq!(read.form.freight, "1234.50");
        let xml = &signed.document;
        assert!(xml.contains("<ceb:appStatus>2</ceb:appStatus><ceb:orderType>W</ceb:orderType><ceb:orderNo>WO20250312-0001</ceb:orderNo>"), "{xml}");
        assert!(xml.contains(
            "<ceb:OrderList><ceb:gnum>1000</ceb:gnum><ceb:itemNo>SKU-01000</ceb:itemNo>"
        ));
        assert!(xml.contains("<ceb:unit>007</ceb:unit><ceb:currency>502</ceb:currency><ceb:qty>3</ceb:qty><ceb:price>0.10000</ceb:price><ceb:totalPrice>0.30</ceb:totalPrice>"));
        assert!(
            xml.contains("<ceb:price>19.99999</ceb:price><ceb:totalPrice>60.00</ceb:totalPrice>")
        );
        assert!(xml.contains("<ceb:ebcCode>4403960ABC</ceb:ebcCode>"));
        assert_eq!(xml.matches("<ceb:OrderList>").count(), 1000);
    }

    #[test]
    fn the_message_is_a_ceb303_in_the_ceb_namespace() {
        let xml = declaration(1, AppType::New).to_element().to_document();
        assert!(xml.contains(
            "<ceb:CEB303Message xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\" guid=\"6F1C0D2E-0000-4000-8000-000000000303\" version=\"1.0\"><ceb:Order><ceb:OrderHead><ceb:guid>"
        ), "{xml}");
        assert!(
            xml.contains("<ceb:note>a &lt; b &amp; c</ceb:note></ceb:OrderHead><ceb:OrderList>")
        );
        assert!(xml.contains("</ceb:Order><ceb:BaseTransfer><ceb:copCode>4403960ABC</ceb:copCode>"));
        assert!(xml.contains("<ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPENT4403960ABC</ceb:dxpId></ceb:BaseTransfer></ceb:CEB303Message>"));
    }

    #[test]
    fn changes_and_deletions_travel_with_their_app_type() {
        for app_type in [AppType::Change, AppType::Cancel] {
            let declaration = declaration(2, app_type);
            let xml = declaration.to_element().to_document();
            let code = app_type.code();
            assert!(
                xml.contains(&format!("<ceb:appType>{code}</ceb:appType>")),
                "{xml}"
            );
            let root = Element::parse(&xml).unwrap();
            assert_eq!(OrderDeclaration::from_element(&root).unwrap(), declaration);
        }
    }

    #[test]
    fn other_order_types_and_foreign_roots_are_refused() {
        let xml = declaration(1, AppType::New).to_element().to_document();
        let b2c = xml.replace("<ceb:orderType>W<", "<ceb:orderType>E<");
        let refused = OrderDeclaration::from_element(&Element::parse(&b2c).unwrap()).unwrap_err();
        assert!(refused.to_string().contains("orderType"), "{refused}");
        let owh = xml.replace("http://www.chinaport.gov.cn/ceb", "urn:sim:owh:1.0");
        assert!(matches!(
            OrderDeclaration::from_element(&Element::parse(&owh).unwrap()),
            Err(MessageError::Namespace)
        ));
        let renumbered = xml.replace("CEB303Message", "CEB311Message");
        assert!(matches!(
            OrderDeclaration::from_element(&Element::parse(&renumbered).unwrap()),
            Err(MessageError::Root(_))
        ));
    }

    #[test]
    fn order_returns_are_ceb304_with_the_order_keys() {
        let receipt = Receipt {
            receipt_id: "R-1".into(),
            message_type: MessageType::OrderReturn,
            guid: "G-1".into(),
            apply_no: "WO20250312-0001".into(),
            customs_code: "4403960ABC".into(),
            ebp_code: "无".into(),
            return_status: -301_010,
            return_time: "20250312101531123".into(),
            return_info: "报文格式错误".into(),
        };
        let xml = receipt.to_document();
        assert!(xml.contains(
            "<ceb:CEB304Message xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\" guid=\"R-1\" version=\"1.0\"><ceb:OrderReturn><ceb:guid>G-1</ceb:guid><ceb:ebpCode>无</ceb:ebpCode><ceb:ebcCode>4403960ABC</ceb:ebcCode><ceb:orderNo>WO20250312-0001</ceb:orderNo><ceb:returnStatus>-301010</ceb:returnStatus>"
        ), "{xml}");
        assert_eq!(Receipt::parse(&xml).unwrap(), receipt);
        let order = declaration(1, AppType::New).to_element().to_document();
        assert!(Receipt::parse(&order).is_err());
    }
}
