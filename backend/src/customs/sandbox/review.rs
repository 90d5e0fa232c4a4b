//! How the sandbox judges a declaration, as customs would: structure and signature first
//! (a failure is a format error, OWH900 with a negative code), then the business rules again —
//! the same shared validation owf runs, with customs' own master data and its own record of
//! approved registrations — plus what only customs checks (主管海关 against the master data, the
//! proof documents against their hashes). The verdict is 审核通过 (399) or 退单 (100).

use owf_shared::amendment::AppType;
use owf_shared::codes::{Code, CodeTables, DocType};
use owf_shared::enterprise::EnterpriseInfo;
use owf_shared::validate::{describe, validate_registration, validate_warehouse, Context, Level};
use sha2::{Digest, Sha256};

use super::store::{MasterData, SandboxStore};
use crate::clock::beijing_today;
use crate::customs::envelope::FileData;
use crate::customs::message::{Declaration, DeclaredForm, MessageType};
use crate::customs::sign;
use crate::customs::xml::Element;
use crate::store::StoreError;

/// 报文结构错误
pub const STRUCTURE_ERROR: i32 = -900_001;
/// 签名证书未在海关备案
pub const UNKNOWN_CERT: i32 = -900_002;
/// 签名证书或报文企业与发送企业不符
pub const WRONG_SENDER: i32 = -900_003;
/// 签名验证失败
pub const BAD_SIGNATURE: i32 = -900_004;
/// 审核通过
pub const APPROVED: i32 = 399;
/// 退单
pub const REJECTED: i32 = 100;
/// Longest `returnInfo` (C..1000).
const MAX_INFO_CHARS: usize = 1000;

/// The judgement of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// 海关编码 of the sender (BaseTransfer/copCode), empty when unreadable.
    pub cop_code: String,
    /// 申请编号 (订仓单编号 of a CEB303), empty when unreadable.
    pub apply_no: String,
    /// 电商平台代码 of a CEB303; empty otherwise.
    pub ebp_code: String,
    /// 新增 when unreadable.
    pub app_type: AppType,
    /// 监管方式 of a registration.
    pub trade_modes: Vec<String>,
    /// 399, 100, or a negative format-error code.
    pub verdict: i32,
    pub info: String,
}

pub(super) fn format_error(code: i32, info: String) -> Judgement {
    Judgement {
        cop_code: String::new(),
        apply_no: String::new(),
        ebp_code: String::new(),
        app_type: AppType::New,
        trade_modes: Vec::new(),
        verdict: code,
        info: limit(info),
    }
}

pub(super) fn limit(info: String) -> String {
    if info.chars().count() <= MAX_INFO_CHARS {
        info
    } else {
        info.chars().take(MAX_INFO_CHARS).collect()
    }
}

/// Judges the message `xml` of type `message_type` and guid `guid` (from the envelope head),
/// sent with `files`.
pub async fn judge(
    store: &SandboxStore,
    message_type: MessageType,
    guid: &str,
    xml: &str,
    files: &[FileData],
) -> Result<Judgement, StoreError> {
    let parsed = Element::parse(xml)
        .map_err(|e| e.to_string())
        .and_then(|root| {
            let declaration = Declaration::from_element(&root).map_err(|e| e.to_string())?;
            Ok((root, declaration))
        });
    let (root, declaration) = match parsed {
        Ok(parsed) => parsed,
        Err(why) => {
            return Ok(format_error(
                STRUCTURE_ERROR,
                format!("报文结构错误：{why}"),
            ))
        }
    };
    if declaration.message_type() != message_type {
        return Ok(format_error(STRUCTURE_ERROR, MISMATCHED_HEAD.into()));
    }
    let master = match signed_by(
        store,
        &root,
        guid,
        &declaration.guid,
        [&declaration.cop_code, &declaration.customs_code],
    )
    .await?
    {
        Ok(master) => master,
        Err(refused) => return Ok(refused),
    };
    let mut judgement = Judgement {
        cop_code: declaration.cop_code.clone(),
        apply_no: declaration.apply_no.clone(),
        ebp_code: String::new(),
        app_type: declaration.app_type,
        trade_modes: match &declaration.form {
            DeclaredForm::Registration(form) => form.trade_modes.clone(),
            DeclaredForm::Warehouse(..) => Vec::new(),
        },
        verdict: APPROVED,
        info: "[Code:1800;Desc:逻辑校验通过] 审核通过，备案成功".into(),
    };
    if let Some(reason) = business_rules(store, &master.enterprise, &declaration, files).await? {
        judgement.verdict = REJECTED;
        judgement.info = limit(format!("退单：{reason}"));
    }
    Ok(judgement)
}

const MISMATCHED_HEAD: &str = "报文结构错误：报文类型或报文编号（guid）与报文头不一致";

/// The sender of the declaration `root` with `guid` in the envelope head and `head_guid` in
/// its business head, once customs trusts it: both guids the root's, the certificate known to
/// customs and held by the enterprise that every code in `named` names (BaseTransfer/copCode
/// first), the signature valid. Else the format error to answer.
pub(super) async fn signed_by(
    store: &SandboxStore,
    root: &Element,
    guid: &str,
    head_guid: &str,
    named: [&str; 2],
) -> Result<Result<MasterData, Judgement>, StoreError> {
    if head_guid != guid || root.attribute("guid") != Some(guid) {
        return Ok(Err(format_error(STRUCTURE_ERROR, MISMATCHED_HEAD.into())));
    }
    let cert_no = match sign::cert_no(root) {
        Ok(cert_no) => cert_no,
        Err(e) => {
            return Ok(Err(format_error(
                BAD_SIGNATURE,
                format!("签名验证失败：{e}"),
            )))
        }
    };
    let Some(master) = store.enterprise_by_cert(&cert_no).await? else {
        return Ok(Err(format_error(
            UNKNOWN_CERT,
            format!("签名证书 {cert_no} 未在海关备案"),
        )));
    };
    let code = &master.enterprise.customs_code;
    if named.iter().any(|named| named != code) {
        return Ok(Err(format_error(
            WRONG_SENDER,
            format!("签名证书属于 {code}，与报文中的企业 {} 不符", named[0]),
        )));
    }
    if let Err(e) = sign::verify(root, &master.public_key) {
        return Ok(Err(format_error(
            BAD_SIGNATURE,
            format!("签名验证失败：{e}"),
        )));
    }
    Ok(Ok(master))
}

/// Why customs rejects the declaration, or `None` to approve it.
async fn business_rules(
    store: &SandboxStore,
    enterprise: &EnterpriseInfo,
    declaration: &Declaration,
    files: &[FileData],
) -> Result<Option<String>, StoreError> {
    if let Some(reason) = amendment_refusal(store, declaration).await? {
        return Ok(Some(reason));
    }
    if declaration.app_type == AppType::Cancel {
        return Ok(None);
    }
    match &declaration.form {
        DeclaredForm::Registration(form) => {
            // The shared validation compares 主管海关 with customs' own master data of the
            // enterprise and names both offices and what to do.
            let ctx = Context::new(enterprise, beijing_today(), &[], CodeTables::embedded());
            let errors = validate_registration(form, Level::Declare, &ctx);
            Ok((!errors.is_empty()).then(|| describe(&errors)))
        }
        DeclaredForm::Warehouse(form, attachments) => {
            let Some(modes) = store.registered_trade_modes(&declaration.cop_code).await? else {
                return Ok(Some(
                    "企业尚未在海关完成海外仓企业登记（无审核通过的企业登记）：请先申报海外仓企业登记，审核通过后再申报海外仓资料".into(),
                ));
            };
            let ctx = Context::new(enterprise, beijing_today(), &modes, CodeTables::embedded());
            let types: Vec<DocType> = attachments
                .iter()
                .filter_map(|a| DocType::from_code(&a.doc_type))
                .collect();
            let errors = validate_warehouse(form, &types, Level::Declare, &ctx);
            if !errors.is_empty() {
                return Ok(Some(describe(&errors)));
            }
            for attachment in attachments {
                let sent = files
                    .iter()
                    .find(|f| {
                        f.file_name == attachment.file_name && f.doc_type == attachment.doc_type
                    })
                    .and_then(FileData::content);
                let Some(content) = sent else {
                    return Ok(Some(format!(
                        "证明材料“{}”未随报文送达",
                        attachment.file_name
                    )));
                };
                let sha256 = hex::encode(Sha256::digest(&content));
                if sha256 != attachment.sha256 || content.len() as u64 != attachment.size {
                    return Ok(Some(format!(
                        "证明材料“{}”与报文所列的大小或 SHA-256 校验值不符（报文 {} 字节 {}，收到 {} 字节 {}）",
                        attachment.file_name,
                        attachment.size,
                        attachment.sha256,
                        content.len(),
                        sha256
                    )));
                }
            }
            Ok(None)
        }
    }
}

/// Why customs refuses a 变更 or 注销: it never approved the filing, or has cancelled it.
async fn amendment_refusal(
    store: &SandboxStore,
    declaration: &Declaration,
) -> Result<Option<String>, StoreError> {
    let app_type = declaration.app_type;
    if app_type == AppType::New {
        return Ok(None);
    }
    let apply_no = &declaration.apply_no;
    let action = app_type.label();
    Ok(
        match store.approved(&declaration.cop_code, apply_no).await? {
            None => Some(format!(
                "海关没有申请编号 {apply_no} 审核通过的备案，不能{action}"
            )),
            Some(AppType::Cancel) => {
                Some(format!("申请编号 {apply_no} 的备案已注销，不能再{action}"))
            }
            Some(_) => None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_info_is_limited_to_1000_characters() {
        assert_eq!(limit("退".repeat(1200)).chars().count(), 1000);
    }
}
