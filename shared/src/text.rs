//! Free-text limits of domain.md §2 (C..n), counted in characters, not bytes.
//!
//! A character is a Unicode scalar value (a Rust `char`): `Ａ` (full-width A), `中` and `😀` each
//! count as 1; a composed emoji such as 👨‍👩‍👧 counts as its 5 scalars. Text travels in XML 1.0
//! messages, so characters XML 1.0 forbids (control characters other than tab, LF and CR, and
//! U+FFFE/U+FFFF) are refused.
//!
//! Names (of enterprises, warehouses, people and files) also refuse the invisible characters that
//! change how the text around them is shown: `invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`,
//! and a zero-width space makes two names that look the same differ.

use std::fmt;

/// Why a text value is refused. `Display` reads as a predicate after the field label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// More than `max` characters.
    TooLong { max: usize, len: usize },
    /// A character that cannot travel in an XML 1.0 message.
    Forbidden(char),
    /// A bidirectional or zero-width control character, refused in names.
    Invisible(char),
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { max, len } => write!(f, "最多 {max} 个字符（当前 {len} 个）"),
            Self::Forbidden(c) => write!(f, "不能包含控制字符 U+{:04X}", u32::from(*c)),
            Self::Invisible(c) => write!(
                f,
                "不能包含不可见的格式控制字符 U+{:04X}（它会改变文字的显示方向或隐藏内容）",
                u32::from(*c)
            ),
        }
    }
}

/// Checks `value` against a limit of `max` characters and the XML 1.0 character set.
pub fn check(value: &str, max: usize) -> Result<(), TextError> {
    if let Some(c) = value.chars().find(|&c| !xml_char(c)) {
        return Err(TextError::Forbidden(c));
    }
    let len = value.chars().count();
    if len > max {
        return Err(TextError::TooLong { max, len });
    }
    Ok(())
}

/// Checks a name as [`check`] does, and refuses the invisible characters of
/// [`is_invisible_control`] in it.
pub fn check_name(value: &str, max: usize) -> Result<(), TextError> {
    if let Some(c) = value.chars().find(|&c| is_invisible_control(c)) {
        return Err(TextError::Invisible(c));
    }
    check(value, max)
}

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), direction
/// marks (U+200E, U+200F, U+061C) and zero-width characters (U+200B–U+200D, U+2060, U+FEFF).
pub fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// The first full-width form of an ASCII character (`０`–`～`, U+FF01–U+FF5E) or ideographic space
/// (U+3000) in `value`: codes, numbers and dates must be typed half-width.
pub fn first_full_width(value: &str) -> Option<char> {
    value
        .chars()
        .find(|c| matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}'))
}

/// `value` with the full-width forms of ASCII (U+FF01–U+FF5E, e.g. `５`, `Ａ`, `（`) and the
/// ideographic space as their half-width characters: what a clerk meant when typing a code,
/// a number or a phone number with a Chinese input method on.
pub fn to_half_width(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// A typed code or number as it is stored: half-width, and upper-case where the code has
/// only upper-case letters (`upper`: 统一社会信用代码, 海关编码).
pub fn code_input(value: &str, upper: bool) -> String {
    let half = to_half_width(value);
    if upper {
        half.to_ascii_uppercase()
    } else {
        half
    }
}

/// Whether two names are the same name: full-width and half-width brackets (（） and ()) count
/// as equal, as clerks and registers write them either way.
pub fn same_name(a: &str, b: &str) -> bool {
    let fold = |c: char| match c {
        '（' => '(',
        '）' => ')',
        c => c,
    };
    a.chars().map(fold).eq(b.chars().map(fold))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let hundred_han = "海".repeat(100);
        assert_eq!(hundred_han.len(), 300);
        assert_eq!(check(&hundred_han, 100), Ok(()));
        assert_eq!(
            check(&"海".repeat(105), 100),
            Err(TextError::TooLong { max: 100, len: 105 })
        );
        assert_eq!(check(&"Ａ".repeat(30), 30), Ok(()));
        assert_eq!(check(&"😀".repeat(50), 50), Ok(()));
        assert!(check(&"😀".repeat(51), 50).is_err());
    }

    #[test]
    fn message_names_limit_and_current_length() {
        let err = check(&"a".repeat(105), 100).unwrap_err();
        assert_eq!(err.to_string(), "最多 100 个字符（当前 105 个）");
    }

    #[test]
    fn refuses_characters_xml_cannot_carry() {
        assert_eq!(check("a\u{7}b", 10), Err(TextError::Forbidden('\u{7}')));
        assert_eq!(check("\u{0}", 10), Err(TextError::Forbidden('\u{0}')));
        assert_eq!(check("\u{FFFF}", 10), Err(TextError::Forbidden('\u{FFFF}')));
        assert_eq!(
            check("a\u{1}", 10).unwrap_err().to_string(),
            "不能包含控制字符 U+0001"
        );
        assert_eq!(check("第一行\n第二行\t制表\r", 20), Ok(()));
    }

    #[test]
    fn names_refuse_bidi_and_zero_width_controls() {
        let spoofed = "invoice\u{202E}fdp.exe";
        assert_eq!(check(spoofed, 100), Ok(()), "free text keeps them");
        assert_eq!(
            check_name(spoofed, 100),
            Err(TextError::Invisible('\u{202E}'))
        );
        for c in [
            '\u{202A}', '\u{202D}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
            '\u{200B}', '\u{200D}', '\u{2060}', '\u{FEFF}',
        ] {
            assert_eq!(
                check_name(&format!("海外仓{c}一号"), 100),
                Err(TextError::Invisible(c))
            );
        }
        assert_eq!(
            check_name("a\u{200B}b", 100).unwrap_err().to_string(),
            "不能包含不可见的格式控制字符 U+200B（它会改变文字的显示方向或隐藏内容）"
        );
        assert_eq!(check_name("深圳前海 Logistics (LA) 😀", 100), Ok(()));
        assert_eq!(check_name("\u{7}", 100), Err(TextError::Forbidden('\u{7}')));
        assert!(check_name(&"名".repeat(101), 100).is_err());
    }

    #[test]
    fn finds_full_width_ascii() {
        assert_eq!(first_full_width("5200"), None);
        assert_eq!(first_full_width("中文名称"), None);
        assert_eq!(first_full_width("52０0"), Some('０'));
        assert_eq!(first_full_width("a\u{3000}b"), Some('\u{3000}'));
    }

    #[test]
    fn typed_codes_become_half_width_and_upper_case() {
        assert_eq!(to_half_width("５２００．５"), "5200.5");
        assert_eq!(to_half_width("（0592）1234567\u{3000}"), "(0592)1234567 ");
        assert_eq!(code_input("91350100m000100y43", true), "91350100M000100Y43");
        assert_eq!(code_input("９１ａ", true), "91A");
        assert_eq!(code_input("中文", true), "中文");
    }

    #[test]
    fn names_compare_brackets_of_either_width_as_equal() {
        assert!(same_name(
            "深圳市某某贸易（香港）有限公司",
            "深圳市某某贸易(香港)有限公司"
        ));
        assert!(!same_name("某某(香港)有限公司", "某某(澳门)有限公司"));
    }
}
