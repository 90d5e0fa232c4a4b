//! 证明材料 upload rules, the same in the browser (before sending) and on the server: which
//! files are accepted — PDF, JPEG or PNG, recognised by their content, not their name; names
//! without invisible direction or zero-width characters — how large, how many per filing, and
//! how much per enterprise.

use std::fmt;

use crate::text::{self, TextError};

/// Largest accepted file: 10 MB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most documents one warehouse filing may carry.
pub const MAX_FILES: usize = 20;
/// Longest kept file name, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 100;
/// Storage quota of one enterprise: all its documents together, 200 MB.
pub const MAX_ENTERPRISE_BYTES: u64 = 200 * 1024 * 1024;

/// An accepted file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// Whether the browser can show it as an image preview.
    pub fn is_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png)
    }

    /// Recognises the format from the first bytes of the file (its magic number).
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }
}

/// A file size for people — `850 B`, `12.3 KB`, `10.0 MB` — in integer arithmetic (float
/// formatting would add kilobytes to the browser's WebAssembly).
pub fn format_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    let (unit, divisor) = match bytes {
        b if b >= MB => ("MB", MB),
        b if b >= KB => ("KB", KB),
        b => return format!("{b} B"),
    };
    let tenths = bytes.saturating_mul(10).saturating_add(divisor / 2) / divisor;
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    Empty,
    TooLarge {
        size: usize,
    },
    NotAccepted,
    TooMany,
    /// The file name carries an invisible direction or zero-width character.
    FileName(TextError),
    /// Storing `size` more bytes would take the enterprise past [`MAX_ENTERPRISE_BYTES`];
    /// `used` are stored already.
    OverQuota {
        used: u64,
        size: u64,
    },
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "文件是空的，请重新选择"),
            Self::TooLarge { size } => write!(
                f,
                "文件大小 {} 超过 10 MB 上限，请压缩或拆分后再上传",
                format_size(*size as u64)
            ),
            Self::NotAccepted => write!(
                f,
                "只接受 PDF、JPEG 或 PNG 文件（按文件内容识别，改扩展名无效）"
            ),
            Self::TooMany => write!(f, "每份海外仓资料最多 {MAX_FILES} 个证明材料"),
            Self::FileName(e) => write!(f, "文件名{e}，请改名后再上传"),
            Self::OverQuota { used, size } => write!(
                f,
                "本企业的证明材料已占用 {}，再存入 {} 将超过每家企业 {} 的存储上限；请先移除不再需要的材料",
                format_size(*used),
                format_size(*size),
                format_size(MAX_ENTERPRISE_BYTES)
            ),
        }
    }
}

/// Checks a file named `name` of `size` bytes starting with `head`, for a filing that already
/// has `existing` documents; returns its format.
pub fn check_upload(
    name: &str,
    size: usize,
    head: &[u8],
    existing: usize,
) -> Result<FileType, UploadError> {
    if existing >= MAX_FILES {
        return Err(UploadError::TooMany);
    }
    if let Some(c) = name.chars().find(|&c| text::is_invisible_control(c)) {
        return Err(UploadError::FileName(TextError::Invisible(c)));
    }
    if size == 0 {
        return Err(UploadError::Empty);
    }
    if size > MAX_FILE_BYTES {
        return Err(UploadError::TooLarge { size });
    }
    FileType::sniff(head).ok_or(UploadError::NotAccepted)
}

/// The name to keep for display: only its last path component, control characters removed,
/// at most [`MAX_FILE_NAME_CHARS`] characters. Never used as a path.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "未命名文件".to_owned()
    } else {
        clean.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_files_by_content_not_name() {
        assert_eq!(FileType::sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n\0\0"),
            Some(FileType::Png)
        );
        assert_eq!(
            FileType::sniff(b"\x7fELF\x02\x01\x01"),
            None,
            "an executable"
        );
        assert_eq!(FileType::sniff(b"MZ\x90\0"), None, "a Windows executable");
        assert_eq!(FileType::sniff(b"%PD"), None, "truncated magic");
        assert_eq!(FileType::sniff(b""), None);
    }

    #[test]
    fn upload_limits() {
        let pdf = b"%PDF-1.4";
        assert_eq!(check_upload("a.pdf", 8, pdf, 0), Ok(FileType::Pdf));
        assert_eq!(
            check_upload("a.pdf", MAX_FILE_BYTES, pdf, 19),
            Ok(FileType::Pdf)
        );
        assert_eq!(
            check_upload("a.pdf", MAX_FILE_BYTES + 1, pdf, 0),
            Err(UploadError::TooLarge {
                size: MAX_FILE_BYTES + 1
            })
        );
        assert_eq!(check_upload("a.pdf", 0, b"", 0), Err(UploadError::Empty));
        assert_eq!(
            check_upload("a.pdf", 8, pdf, MAX_FILES),
            Err(UploadError::TooMany)
        );
        assert_eq!(
            check_upload("a.pdf", 4, b"\x7fELF", 0),
            Err(UploadError::NotAccepted)
        );
        assert!(UploadError::TooLarge {
            size: 11 * 1024 * 1024
        }
        .to_string()
        .contains("11.0 MB"));
    }

    #[test]
    fn file_names_with_invisible_controls_are_refused() {
        let pdf = b"%PDF-1.4";
        let refused = check_upload("invoice\u{202E}fdp.exe", 8, pdf, 0).unwrap_err();
        assert_eq!(
            refused,
            UploadError::FileName(TextError::Invisible('\u{202E}'))
        );
        assert_eq!(
            refused.to_string(),
            "文件名不能包含不可见的格式控制字符 U+202E（它会改变文字的显示方向或隐藏内容），请改名后再上传"
        );
        assert!(check_upload("租赁\u{200B}协议.pdf", 8, pdf, 0).is_err());
        assert_eq!(check_upload("租赁协议.pdf", 8, pdf, 0), Ok(FileType::Pdf));
    }

    #[test]
    fn the_quota_message_names_what_is_used_and_the_limit() {
        let message = UploadError::OverQuota {
            used: MAX_ENTERPRISE_BYTES - 1024,
            size: 2 * 1024 * 1024,
        }
        .to_string();
        assert!(
            message.contains("已占用 200.0 MB")
                && message.contains("2.0 MB")
                && message.contains("200.0 MB 的存储上限"),
            "{message}"
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(850), "850 B");
        assert_eq!(format_size(1536), "1.5 KB");
        assert_eq!(format_size(10 * 1024 * 1024), "10.0 MB");
        assert_eq!(format_size(11 * 1024 * 1024 - 1), "11.0 MB");
    }

    #[test]
    fn file_names_are_for_display_only() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\Users\\租赁协议.pdf"), "租赁协议.pdf");
        assert_eq!(display_name("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(display_name("///"), "未命名文件");
        assert_eq!(
            display_name(&"长".repeat(300)).chars().count(),
            MAX_FILE_NAME_CHARS
        );
    }
}
