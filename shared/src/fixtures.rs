//! Test data of the backend's tests, the end-to-end tests and the benchmarks — behind the cargo
//! feature `fixtures`, which only those crates enable, so neither the server nor the browser
//! carries it: the two demo accounts (`owf serve --demo` seeds them), numbered enterprises beside
//! them, complete forms that pass 申报 validation, and a small PDF to upload.

use crate::enterprise::{CreditLevel, Enterprise, NewEnterprise};
use crate::form::{RegistrationForm, WarehouseForm};
use crate::ids::Uscc;

/// A demo login and its enterprise, as `owf serve --demo` seeds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// IC卡号
    pub card_no: &'static str,
    pub password: &'static str,
    /// 用户姓名
    pub user_name: &'static str,
    /// 海关编码
    pub customs_code: &'static str,
    /// 统一社会信用代码
    pub uscc: &'static str,
    /// 企业名称
    pub ent_name: &'static str,
    /// 主管海关
    pub customs_district: &'static str,
    /// 区内企业
    pub in_zone: bool,
    /// 信用等级
    pub credit_level: CreditLevel,
}

/// The user of the 区内企业 (in a zone: it may register 1210).
pub const ZONE: Account = Account {
    card_no: "8944030000001",
    password: "zone-demo-2026",
    user_name: "林晓",
    customs_code: "4403960ABC",
    uscc: "91440300MA5G8K2P04",
    ent_name: "深圳前海综保跨境供应链有限公司",
    customs_district: "5300",
    in_zone: true,
    credit_level: CreditLevel::Advanced,
};

/// The user of the enterprise outside any zone.
pub const PLAIN: Account = Account {
    card_no: "8933010000002",
    password: "plain-demo-2026",
    user_name: "周敏",
    customs_code: "3301961A2B",
    uscc: "91330100MA2H3Y5K7A",
    ent_name: "杭州云帆跨境电子商务有限公司",
    customs_district: "2900",
    in_zone: false,
    credit_level: CreditLevel::Registered,
};

impl Account {
    /// The account's enterprise as customs master data has it.
    pub fn enterprise(&self) -> NewEnterprise {
        Enterprise {
            id: (),
            customs_code: self.customs_code.to_owned(),
            uscc: self.uscc.to_owned(),
            name: self.ent_name.to_owned(),
            customs_district: self.customs_district.to_owned(),
            in_zone: self.in_zone,
            credit_level: self.credit_level,
        }
    }

    /// A complete 企业登记 of the account's enterprise with its user as 联系人
    /// ([`registration`]).
    pub fn registration(&self) -> RegistrationForm {
        registration(&self.enterprise(), self.user_name)
    }
}

/// Enterprise number `n` beside the demo ones: 海关编码 `4403` and `n` in six digits, not in a
/// zone, under 5300 深圳海关.
pub fn numbered_enterprise(n: usize) -> NewEnterprise {
    let body = format!("91440300MA{n:07}");
    let check = Uscc::check_char(&body).expect("a 17-character body of valid characters");
    Enterprise {
        id: (),
        customs_code: format!("4403{n:06}"),
        uscc: format!("{body}{check}"),
        name: format!("深圳测试跨境电商有限公司{n}"),
        customs_district: "5300".to_owned(),
        in_zone: false,
        credit_level: CreditLevel::Registered,
    }
}

/// A complete 企业登记 of `enterprise`, `contact_name` its 联系人: 监管方式 9810, and 1210 with a
/// 账册编号 where the enterprise is in a zone.
pub fn registration<Id>(enterprise: &Enterprise<Id>, contact_name: &str) -> RegistrationForm {
    let district = &enterprise.customs_district;
    let (trade_modes, ems_no) = if enterprise.in_zone {
        (vec!["9810", "1210"], format!("T{district}W000001"))
    } else {
        (vec!["9810"], String::new())
    };
    RegistrationForm {
        uscc: enterprise.uscc.clone(),
        ent_name: enterprise.name.clone(),
        customs_district: district.clone(),
        trade_modes: trade_modes.into_iter().map(str::to_owned).collect(),
        ems_no,
        contact_name: contact_name.to_owned(),
        contact_phone: "0755-88886666".to_owned(),
        commitment_ack: true,
        ..RegistrationForm::default()
    }
}

/// A complete 海外仓资料信息 of an owned (自有) warehouse named `name` in Ontario, CA, for 9810.
/// Its address starts with the name, so warehouses of different names are different
/// warehouses (一仓一表).
pub fn owned_warehouse(name: &str) -> WarehouseForm {
    WarehouseForm {
        trade_mode: "9810".to_owned(),
        wh_name: name.to_owned(),
        country_code: "502".to_owned(),
        city: "Ontario, CA".to_owned(),
        wh_address: format!("{name} 1234 E Francis St"),
        area_sqm: "5200".to_owned(),
        ownership: "1".to_owned(),
        ..WarehouseForm::default()
    }
}

/// [`owned_warehouse`] leased (租赁) instead, from 2026-01-01 to 2029-12-31.
pub fn leased_warehouse(name: &str) -> WarehouseForm {
    WarehouseForm {
        ownership: "2".to_owned(),
        lease_start: "2026-01-01".to_owned(),
        lease_end: "2029-12-31".to_owned(),
        lessor_name: "Inland Logistics LLC".to_owned(),
        ..owned_warehouse(name)
    }
}

/// A small PDF, accepted as a proof document (证明材料).
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A worksheet cell: text, a number, or `=formula` with its cached value after `|`.
#[cfg(feature = "import")]
fn xlsx_cell(reference: &str, value: &str) -> String {
    if let Some((formula, cached)) = value.strip_prefix('=').and_then(|f| f.split_once('|')) {
        format!(r#"<c r="{reference}"><f>{formula}</f><v>{cached}</v></c>"#)
    } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        format!(r#"<c r="{reference}"><v>{value}</v></c>"#)
    } else {
        format!(r#"<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>"#)
    }
}

/// A minimal `.xlsx` whose one worksheet holds `rows` from A1 on: a cell is text, a number, or
/// `=formula` with its cached value after `|` (feature `import`, whose zip writes it).
#[cfg(feature = "import")]
pub fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut sheet = String::new();
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, value) in row.iter().enumerate() {
            let column = char::from(b'A' + c as u8);
            sheet.push_str(&xlsx_cell(&format!("{column}{}", r + 1), value));
        }
        sheet.push_str("</row>");
    }
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rels = "http://schemas.openxmlformats.org/package/2006/relationships";
    let doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
                .to_owned(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{doc}"><sheets><sheet name="商品" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{sheet}</sheetData></worksheet>"#
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in parts {
        zip.start_file(name, stored).unwrap();
        std::io::Write::write_all(&mut zip, content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{CodeTables, DocType};
    use crate::enterprise::EnterpriseInfo;
    use crate::ids::Date;
    use crate::validate::{self, Context, Level};

    fn context(account: &Account) -> Context {
        let new = account.enterprise();
        let enterprise = EnterpriseInfo {
            id: 1,
            customs_code: new.customs_code,
            uscc: new.uscc,
            name: new.name,
            customs_district: new.customs_district,
            in_zone: new.in_zone,
            credit_level: new.credit_level,
        };
        let modes = account.registration().trade_modes;
        Context::new(
            &enterprise,
            Date::parse("2026-03-12").unwrap(),
            &modes,
            CodeTables::embedded(),
        )
    }

    #[test]
    fn the_forms_pass_declare_validation() {
        for account in [ZONE, PLAIN] {
            let ctx = context(&account);
            let form = account.registration();
            assert_eq!(
                validate::validate_registration(&form, Level::Declare, &ctx),
                Default::default(),
                "{form:?}"
            );
            let owned = owned_warehouse("LA DC");
            let leased = leased_warehouse("NJ DC");
            for (form, proof) in [(owned, DocType::Ownership), (leased, DocType::Lease)] {
                let errors = validate::validate_warehouse(&form, &[proof], Level::Declare, &ctx);
                assert!(errors.is_empty(), "{form:?}: {errors:?}");
            }
        }
        let numbered = numbered_enterprise(42);
        assert!(Uscc::parse(&numbered.uscc).is_ok(), "{}", numbered.uscc);
        assert_eq!(registration(&numbered, "张三").trade_modes, ["9810"]);
    }
}
