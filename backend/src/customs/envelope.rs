//! The HTTP transport between the relay and customs (domain.md §4.2/§4.3): a declaration is
//! POSTed as a JSON envelope `{ Message: { MessageHead, MessageBody { data } } }` whose `data` is
//! the base64 of the signed XML, with the proof documents it references beside it; customs
//! answers with an acknowledgement (not a verdict: that comes later as receipts). Receipts are
//! pulled by cursor: `GET receipts?after=N` returns those issued after sequence number N.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// Path of the message endpoint under the customs base URL.
pub const MESSAGES_PATH: &str = "/messages";
/// Path of the receipt stream under the customs base URL.
pub const RECEIPTS_PATH: &str = "/receipts";
/// `ReceiverID` of customs.
pub const RECEIVER_ID: &str = "OWHCUSTOMS";
/// Longest answer from customs the relay reads (an acknowledgement, or a page of receipts: 500
/// receipts with the longest `returnInfo` are under 3 MiB). JSON nesting is bounded by
/// serde_json's recursion limit (128), the XML inside by [`super::xml`]'s limits.
pub const MAX_ANSWER_BYTES: usize = 16 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Envelope {
    pub message: EnvelopeMessage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnvelopeMessage {
    pub message_head: MessageHead,
    pub message_body: MessageBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageHead {
    /// The message guid.
    pub message_id: String,
    /// OWH101 / OWH201
    pub message_type: String,
    /// The sender's dxpId.
    #[serde(rename = "SenderID")]
    pub sender_id: String,
    #[serde(rename = "ReceiverID")]
    pub receiver_id: String,
    /// `yyyy-MM-dd HH:mm:ss`
    pub send_time: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBody {
    /// Base64 of the signed XML message.
    pub data: String,
    /// The proof documents the message references (证明材料).
    #[serde(default)]
    pub files: Vec<FileData>,
}

/// One proof document's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileData {
    pub file_name: String,
    pub doc_type: String,
    /// Base64 of the content.
    pub data: String,
}

impl FileData {
    pub fn new(file_name: String, doc_type: String, content: &[u8]) -> Self {
        Self {
            file_name,
            doc_type,
            data: BASE64.encode(content),
        }
    }

    pub fn content(&self) -> Option<Vec<u8>> {
        BASE64.decode(&self.data).ok()
    }
}

impl Envelope {
    /// The envelope of a signed message.
    pub fn new(head: MessageHead, xml: &str, files: Vec<FileData>) -> Self {
        Self {
            message: EnvelopeMessage {
                message_head: head,
                message_body: MessageBody {
                    data: BASE64.encode(xml),
                    files,
                },
            },
        }
    }

    /// The XML message, if `data` is base64 of UTF-8.
    pub fn xml(&self) -> Option<String> {
        let bytes = BASE64.decode(&self.message.message_body.data).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// Customs' acknowledgement of a message: received (not yet judged). A repeated message gets the
/// same acknowledgement again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ack {
    pub message_id: String,
    /// C17
    pub received_at: String,
    pub info: String,
}

/// `GET receipts?after=N&limit=M`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptQuery {
    pub after: i64,
    pub limit: i64,
}

/// One issued receipt: its place in the stream and the receipt message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedReceipt {
    pub seq: i64,
    pub xml: String,
}

/// A page of the receipt stream, in `seq` order. Customs writes [`IssuedReceipt`]s; the relay
/// reads each item on its own (`ReceiptPage<serde_json::Value>`), so that one it cannot read
/// does not hide the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPage<T = IssuedReceipt> {
    pub receipts: Vec<T>,
}
