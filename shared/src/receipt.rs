//! A receipt's `returnInfo` as a clerk reads it. Customs writes it with machine tags — a CEB
//! result code (`[Code:1800;Desc:逻辑校验通过] 审核通过，备案成功`) or a message guid
//! (`新增申报成功[<GUID>]`) — that mean nothing to a clerk. The stored text stays as received
//! (audit); [`ReceiptText::of`] splits it, on display, into the plain words and the tags.

/// A `returnInfo` split into the plain words and what customs tagged it with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiptText {
    /// The words without tags, e.g. `审核通过，备案成功` or `退单：…`.
    pub plain: String,
    /// The CEB result code of a `[Code:…;Desc:…]` tag, e.g. `1800`.
    pub code: Option<String>,
    /// The description of that tag, e.g. `逻辑校验通过`.
    pub desc: Option<String>,
    /// Message guids the text named in brackets.
    pub guids: Vec<String>,
}

impl ReceiptText {
    /// Splits `info`. A text of nothing but a code tag reads as the tag's description.
    pub fn of(info: &str) -> Self {
        let mut text = Self::default();
        let mut plain = String::new();
        let mut rest = info;
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find(']').map(|c| open + c) else {
                break;
            };
            let inner = &rest[open + 1..close];
            plain.push_str(&rest[..open]);
            if let Some((code, desc)) = code_tag(inner) {
                text.code.get_or_insert(code);
                text.desc.get_or_insert(desc);
            } else if is_guid(inner) {
                text.guids.push(inner.to_owned());
            } else {
                plain.push_str(&rest[open..=close]);
            }
            rest = &rest[close + 1..];
        }
        plain.push_str(rest);
        let plain = plain.trim();
        text.plain = if plain.is_empty() {
            text.desc.clone().unwrap_or_default()
        } else {
            plain.to_owned()
        };
        text
    }

    /// The tag as a reader of the code wants it, e.g. `回执代码 1800：逻辑校验通过`; `None`
    /// when the text had no code tag.
    pub fn code_note(&self) -> Option<String> {
        let code = self.code.as_deref()?;
        Some(match self.desc.as_deref() {
            Some(desc) if !desc.is_empty() => format!("回执代码 {code}：{desc}"),
            _ => format!("回执代码 {code}"),
        })
    }
}

/// `Code:1800;Desc:逻辑校验通过` → (`1800`, `逻辑校验通过`).
fn code_tag(inner: &str) -> Option<(String, String)> {
    let mut code = None;
    let mut desc = String::new();
    for part in inner.split([';', '；']) {
        let (key, value) = part.split_once([':', '：'])?;
        match key.trim() {
            k if k.eq_ignore_ascii_case("code") => code = Some(value.trim().to_owned()),
            k if k.eq_ignore_ascii_case("desc") => desc = value.trim().to_owned(),
            _ => return None,
        }
    }
    code.map(|code| (code, desc))
}

/// A guid as CEB writes it: 8-4-4-4-12 hexadecimal digits.
fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_approval_reads_without_its_code_tag() {
        let text = ReceiptText::of("[Code:1800;Desc:逻辑校验通过] 审核通过，备案成功");
        assert_eq!(text.plain, "审核通过，备案成功");
        assert_eq!(text.code.as_deref(), Some("1800"));
        assert_eq!(text.desc.as_deref(), Some("逻辑校验通过"));
        assert_eq!(
            text.code_note().as_deref(),
            Some("回执代码 1800：逻辑校验通过")
        );
    }

    #[test]
    fn rejections_and_plain_receipts_stay_as_they_are() {
        for info in [
            "退单：证明材料“lease.pdf”未随报文送达",
            "海关入库成功",
            "签名验证失败：signature does not verify",
            "报文结构错误：missing element [EntApplyNo]",
            "",
        ] {
            let text = ReceiptText::of(info);
            assert_eq!(text.plain, info);
            assert_eq!(text.code, None);
            assert_eq!(text.code_note(), None);
        }
    }

    #[test]
    fn a_code_tag_alone_reads_as_its_description() {
        let text = ReceiptText::of("[Code:2600;Desc:放行]");
        assert_eq!(text.plain, "放行");
        assert_eq!(text.code.as_deref(), Some("2600"));
    }

    #[test]
    fn guids_in_brackets_leave_the_words() {
        let guid = "D9AE92D5-1C2B-4E5F-8A9B-0123456789AB";
        let text = ReceiptText::of(&format!("新增申报成功[{guid}]"));
        assert_eq!(text.plain, "新增申报成功");
        assert_eq!(text.guids, vec![guid.to_owned()]);
    }
}
