//! 加签: the enveloped XML signature of a declaration, SM2 with SM3 (GM/T 0003 / 0004) as the
//! CEB 2022 specification prefers, with the RustCrypto `sm2` and `sm3` crates.
//!
//! Each enterprise has a key pair made when it is created — the stand-in for the certificate on
//! its USBKey. `KeyInfo/KeyName` carries the certificate number, by which customs finds the
//! public key in its master data. The digest covers the canonical form (see [`super::xml`]) of
//! the whole message without its `ds:Signature` (enveloped-signature transform); the signature
//! covers the canonical form of `ds:SignedInfo`.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sm2::dsa::signature::{Signer as _, Verifier as _};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};
use sm2::elliptic_curve::sec1::ToEncodedPoint;
use sm2::SecretKey;
use sm3::{Digest, Sm3};

use super::xml::Element;

/// Namespace of XML-DSig.
pub const DS_NAMESPACE: &str = "http://www.w3.org/2000/09/xmldsig#";
/// SignatureMethod SM2 with SM3.
pub const SM2_SM3: &str = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3";
/// DigestMethod SM3.
pub const SM3_DIGEST: &str = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3";
/// CanonicalizationMethod: owf's canonical form.
pub const CANONICAL: &str = "urn:sim:owh:1.0#c14n";
/// The enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// SM2 distinguishing identifier: the GM/T 0009 default user id.
const DIST_ID: &str = "1234567812345678";

/// Why a key could not be used or a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("签名密钥无效")]
    BadKey,
    #[error("报文缺少签名（ds:Signature）")]
    Unsigned,
    #[error("签名结构错误：{0}")]
    Structure(String),
    #[error("签名算法不受支持：{0}")]
    Algorithm(String),
    #[error("报文摘要与签名不符（报文被修改）")]
    Digest,
    #[error("签名验证失败")]
    Signature,
}

/// A new enterprise key pair (the stand-in for its USBKey certificate).
#[derive(Debug, Clone)]
pub struct KeyPair {
    /// SM2 private key, hex.
    pub sign_key: String,
    /// SM2 public key, hex of the uncompressed SEC1 point.
    pub public_key: String,
    /// 证书编号 that names the public key in `KeyInfo/KeyName`.
    pub cert_no: String,
}

impl KeyPair {
    pub fn generate() -> Self {
        let secret = SecretKey::random(&mut rand::rngs::OsRng);
        let public = secret.public_key();
        let cert: [u8; 8] = rand::random();
        Self {
            sign_key: hex::encode(secret.to_bytes()),
            public_key: hex::encode(public.to_encoded_point(false)),
            cert_no: format!("OWF{}", hex::encode_upper(cert)),
        }
    }
}

/// An enterprise's signing key with its certificate number.
#[derive(Clone)]
pub struct MessageSigner {
    key: SigningKey,
    cert_no: String,
}

impl std::fmt::Debug for MessageSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageSigner")
            .field("cert_no", &self.cert_no)
            .finish_non_exhaustive()
    }
}

fn sm3_base64(data: &[u8]) -> String {
    BASE64.encode(Sm3::digest(data))
}

fn algorithm(name: &str, uri: &str) -> Element {
    Element::new(format!("ds:{name}")).attr("Algorithm", uri)
}

impl MessageSigner {
    pub fn new(sign_key_hex: &str, cert_no: &str) -> Result<Self, SignError> {
        let bytes = hex::decode(sign_key_hex).map_err(|_| SignError::BadKey)?;
        let key = SigningKey::from_slice(DIST_ID, &bytes).map_err(|_| SignError::BadKey)?;
        Ok(Self {
            key,
            cert_no: cert_no.to_owned(),
        })
    }

    /// Appends the enveloped `ds:Signature` to `message` (which must not have one yet).
    pub fn sign(&self, message: Element) -> Element {
        let signed_info = Element::new("ds:SignedInfo")
            .child(algorithm("CanonicalizationMethod", CANONICAL))
            .child(algorithm("SignatureMethod", SM2_SM3))
            .child(
                Element::new("ds:Reference")
                    .attr("URI", "")
                    .child(Element::new("ds:Transforms").child(algorithm("Transform", ENVELOPED)))
                    .child(algorithm("DigestMethod", SM3_DIGEST))
                    .leaf("ds:DigestValue", sm3_base64(&message.canonical())),
            );
        let signature: Signature = self.key.sign(&signed_info.canonical());
        message.child(
            Element::new("ds:Signature")
                .attr("xmlns:ds", DS_NAMESPACE)
                .child(signed_info)
                .leaf("ds:SignatureValue", BASE64.encode(signature.to_bytes()))
                .child(Element::new("ds:KeyInfo").leaf("ds:KeyName", &self.cert_no)),
        )
    }
}

/// The certificate number (`KeyInfo/KeyName`) a message claims to be signed with.
pub fn cert_no(message: &Element) -> Result<String, SignError> {
    let structure = |e: super::xml::XmlError| SignError::Structure(e.to_string());
    let signature = message.find("Signature").map_err(|_| SignError::Unsigned)?;
    let name = signature
        .find("KeyInfo")
        .and_then(|k| k.text_of("KeyName"))
        .map_err(structure)?;
    Ok(name.trim().to_owned())
}

/// Verifies the enveloped signature of `message` with the public key (hex SEC1).
pub fn verify(message: &Element, public_key_hex: &str) -> Result<(), SignError> {
    let structure = |e: super::xml::XmlError| SignError::Structure(e.to_string());
    let signature = message.find("Signature").map_err(|_| SignError::Unsigned)?;
    let signed_info = signature.find("SignedInfo").map_err(structure)?;
    let reference = signed_info.find("Reference").map_err(structure)?;
    let expect = |element: Result<&Element, _>, uri: &str| -> Result<(), SignError> {
        let found = element
            .map_err(structure)?
            .attribute("Algorithm")
            .unwrap_or_default();
        if found == uri {
            Ok(())
        } else {
            Err(SignError::Algorithm(found.to_owned()))
        }
    };
    expect(signed_info.find("CanonicalizationMethod"), CANONICAL)?;
    expect(signed_info.find("SignatureMethod"), SM2_SM3)?;
    expect(reference.find("DigestMethod"), SM3_DIGEST)?;
    let transforms = reference.find("Transforms").map_err(structure)?;
    expect(transforms.find("Transform"), ENVELOPED)?;
    if reference.attribute("URI") != Some("") {
        return Err(SignError::Structure(
            "Reference 的 URI 必须为空（整个报文）".into(),
        ));
    }
    let digest = reference.text_of("DigestValue").map_err(structure)?;
    if digest.trim() != sm3_base64(&message.without("Signature").canonical()) {
        return Err(SignError::Digest);
    }
    let value = BASE64
        .decode(
            signature
                .text_of("SignatureValue")
                .map_err(structure)?
                .trim(),
        )
        .map_err(|_| SignError::Signature)?;
    let value = Signature::from_slice(&value).map_err(|_| SignError::Signature)?;
    let public = hex::decode(public_key_hex).map_err(|_| SignError::BadKey)?;
    let key = VerifyingKey::from_sec1_bytes(DIST_ID, &public).map_err(|_| SignError::BadKey)?;
    key.verify(&signed_info.canonical(), &value)
        .map_err(|_| SignError::Signature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customs::xml::Node;

    fn message() -> Element {
        Element::new("owh:OWH101Message")
            .attr("xmlns:owh", "urn:sim:owh:1.0")
            .leaf("owh:entName", "深圳前海综保跨境供应链有限公司")
    }

    #[test]
    fn a_signed_message_verifies_after_a_round_trip() {
        let keys = KeyPair::generate();
        let signer = MessageSigner::new(&keys.sign_key, &keys.cert_no).unwrap();
        let xml = signer.sign(message()).to_document();
        let parsed = Element::parse(&xml).unwrap();
        assert_eq!(cert_no(&parsed).unwrap(), keys.cert_no);
        assert_eq!(verify(&parsed, &keys.public_key), Ok(()));
    }

    #[test]
    fn tampering_or_another_key_is_detected() {
        let keys = KeyPair::generate();
        let signer = MessageSigner::new(&keys.sign_key, &keys.cert_no).unwrap();
        let signed = signer.sign(message());
        let other = KeyPair::generate();
        assert_eq!(
            verify(&signed, &other.public_key),
            Err(SignError::Signature)
        );
        let mut tampered = signed.clone();
        if let Node::Element(name) = &mut tampered.children[0] {
            name.children = vec![Node::Text("别的公司".into())];
        }
        assert_eq!(verify(&tampered, &keys.public_key), Err(SignError::Digest));
        assert_eq!(
            verify(&message(), &keys.public_key),
            Err(SignError::Unsigned)
        );
        assert_eq!(
            MessageSigner::new("zz", "X").unwrap_err(),
            SignError::BadKey
        );
    }
}
