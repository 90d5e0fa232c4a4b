//! Fuzzing every reader of what arrives from outside on the customs side: the XML reader, the
//! transport envelope, the receipt page and the OWH message readers (declaration, signature,
//! receipt) — over arbitrary text, and over real signed messages cut, spliced and nested deep.
//! A few seconds of cases in every `cargo test` (unit tests of this crate) (`cargo fuzz` would need a nightly compiler).
//! Whatever the input, a reader returns a value or an error: a panic fails the case, a stack
//! overflow aborts the whole test.

use std::sync::LazyLock;

use crate::customs::envelope::{Envelope, IssuedReceipt, MessageHead, ReceiptPage};
use crate::customs::message::{dxp_id, Declaration, MessageType, Receipt};
use crate::customs::samples::{registration, warehouse};
use crate::customs::sign::{self, KeyPair, MessageSigner};
use crate::customs::xml::Element;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};

/// Real documents to mutate, and the key that signed the declarations.
struct Samples {
    public_key: String,
    declarations: Vec<(Declaration, String)>,
    receipts: Vec<String>,
    envelope: String,
    page: String,
}

fn receipt(message_type: MessageType, return_status: i32, apply_no: &str) -> String {
    Receipt {
        receipt_id: "R-1".into(),
        message_type,
        guid: "6F1C0D2E-0000-4000-8000-000000000002".into(),
        apply_no: apply_no.into(),
        customs_code: "4403960ABC".into(),
        ebp_code: String::new(),
        return_status,
        return_time: "20250312101531123".into(),
        return_info: "退单：证明材料“lease.pdf”未随报文送达".into(),
    }
    .to_document()
}

static SAMPLES: LazyLock<Samples> = LazyLock::new(|| {
    let keys = KeyPair::generate();
    let signer = MessageSigner::new(&keys.sign_key, &keys.cert_no).unwrap();
    let declarations: Vec<(Declaration, String)> = [registration(), warehouse()]
        .into_iter()
        .map(|d| {
            let xml = signer.sign(d.to_element()).to_document();
            (d, xml)
        })
        .collect();
    let receipts = vec![
        receipt(MessageType::WarehouseReturn, 100, "W20250312000000017"),
        receipt(MessageType::RegistrationReturn, 399, "E20250312000000001"),
        receipt(MessageType::FormatCheck, -900_004, ""),
    ];
    let head = MessageHead {
        message_id: registration().guid,
        message_type: "OWH101".into(),
        sender_id: dxp_id("4403960ABC"),
        receiver_id: "OWHCUSTOMS".into(),
        send_time: "2025-03-12 10:15:00".into(),
        version: "1.0".into(),
    };
    let envelope = Envelope::new(head, &declarations[0].1, Vec::new());
    let page = ReceiptPage {
        receipts: receipts
            .iter()
            .enumerate()
            .map(|(n, xml)| IssuedReceipt {
                seq: n as i64 + 1,
                xml: xml.clone(),
            })
            .collect(),
    };
    Samples {
        public_key: keys.public_key,
        declarations,
        receipts,
        envelope: serde_json::to_string(&envelope).unwrap(),
        page: serde_json::to_string(&page).unwrap(),
    }
});

/// Everything customs does to read a declaration; the declaration when its signature holds.
fn read_declaration(xml: &str) -> Option<Declaration> {
    let root = Element::parse(xml).ok()?;
    root.canonical();
    let declaration = Declaration::from_element(&root);
    let _ = sign::cert_no(&root);
    sign::verify(&root, &SAMPLES.public_key).ok()?;
    Some(declaration.expect("a verified message is a readable declaration"))
}

/// Everything the relay does to read a receipt page, and customs to read an envelope.
fn read_json(json: &str) {
    if let Ok(page) = serde_json::from_str::<ReceiptPage>(json) {
        for issued in &page.receipts {
            let _ = Receipt::parse(&issued.xml);
        }
    }
    if let Ok(envelope) = serde_json::from_str::<Envelope>(json) {
        if let Some(xml) = envelope.xml() {
            read_declaration(&xml);
        }
    }
}

/// One change to a document; positions are picked among its character boundaries.
#[derive(Debug, Clone)]
enum Mutation {
    /// Keep only the text before the position.
    Cut(Index),
    /// Insert text at the position.
    Splice(Index, String),
    /// Remove the text between two positions.
    Delete(Index, Index),
    /// Open and close `depth` elements (or JSON arrays) right after a tag (or an array) starts
    /// or ends.
    Nest(Index, usize),
}

fn position(text: &str, index: &Index) -> usize {
    let mut at = index.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn between(text: &str, a: &Index, b: &Index) -> (usize, usize) {
    let (a, b) = (position(text, a), position(text, b));
    (a.min(b), a.max(b))
}

impl Mutation {
    fn apply(&self, text: &mut String, json: bool) {
        match self {
            Self::Cut(at) => text.truncate(position(text, at)),
            Self::Splice(at, insert) => text.insert_str(position(text, at), insert),
            Self::Delete(a, b) => {
                let (from, to) = between(text, a, b);
                text.replace_range(from..to, "");
            }
            Self::Nest(at, depth) => {
                let (open, close, after) = if json {
                    ("[", "]", '[')
                } else {
                    ("<x>", "</x>", '>')
                };
                let at = position(text, at);
                let at = text[..at].rfind(after).map_or(0, |i| i + 1);
                text.insert_str(
                    at,
                    &format!("{}{}", open.repeat(*depth), close.repeat(*depth)),
                );
            }
        }
    }
}

/// Text that looks like XML or JSON often enough to get past the first character.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[<>/?!=\"'&;#a-z:\\[\\]{}, \n-]{0,24}",
        select(vec![
            "<x>",
            "</x>",
            "<x/>",
            "<![CDATA[",
            "]]>",
            "<!--",
            "-->",
            "&amp;",
            "&#0;",
            "&bogus;",
            "<?xml version=\"1.0\"?>",
            "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>",
            "<ds:Signature>",
            "</owh:guid>",
            "xmlns:owh=\"urn:x\"",
            "\"",
            "\\u0000",
            "{\"a\":",
            "]]]]",
            "\u{202e}",
            "退单",
        ])
        .prop_map(str::to_owned),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let depth = prop_oneof![9 => 0usize..100, 1 => Just(100_000)];
    prop_oneof![
        any::<Index>().prop_map(Mutation::Cut),
        (any::<Index>(), fragment()).prop_map(|(at, s)| Mutation::Splice(at, s)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Delete(a, b)),
        (any::<Index>(), depth).prop_map(|(at, d)| Mutation::Nest(at, d)),
    ]
}

fn mutated(text: &str, mutations: &[Mutation], json: bool) -> String {
    let mut text = text.to_owned();
    for mutation in mutations {
        mutation.apply(&mut text, json);
    }
    text
}

fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<u8>(), 0..2048).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        vec(fragment(), 0..64).prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_is_read_or_refused(text in arbitrary_text()) {
        if let Ok(root) = Element::parse(&text) {
            let again = Element::parse(&root.to_document()).expect("a written tree reads back");
            prop_assert_eq!(again.canonical(), root.canonical());
        }
        let _ = Receipt::parse(&text);
        read_declaration(&text);
        read_json(&text);
    }

    #[test]
    fn mutated_declarations_are_read_or_refused(
        which in 0usize..2,
        mutations in vec(mutation(), 1..4),
    ) {
        let (original, xml) = &SAMPLES.declarations[which];
        let text = mutated(xml, &mutations, false);
        if let Some(declaration) = read_declaration(&text) {
            prop_assert_eq!(&declaration, original, "a changed message passed the signature check");
        }
    }

    #[test]
    fn mutated_receipts_are_read_or_refused(
        which in 0usize..3,
        mutations in vec(mutation(), 1..4),
    ) {
        let _ = Receipt::parse(&mutated(&SAMPLES.receipts[which], &mutations, false));
    }

    #[test]
    fn mutated_envelopes_and_pages_are_read_or_refused(
        page in any::<bool>(),
        mutations in vec(mutation(), 1..4),
    ) {
        let json = if page { &SAMPLES.page } else { &SAMPLES.envelope };
        read_json(&mutated(json, &mutations, true));
    }
}

#[test]
fn the_samples_read_back() {
    for (declaration, xml) in &SAMPLES.declarations {
        assert_eq!(read_declaration(xml).as_ref(), Some(declaration));
    }
    for xml in &SAMPLES.receipts {
        assert!(Receipt::parse(xml).is_ok());
    }
    let page: ReceiptPage = serde_json::from_str(&SAMPLES.page).unwrap();
    assert_eq!(page.receipts.len(), 3);
    let envelope: Envelope = serde_json::from_str(&SAMPLES.envelope).unwrap();
    assert_eq!(envelope.xml().as_ref(), Some(&SAMPLES.declarations[0].1));
}
