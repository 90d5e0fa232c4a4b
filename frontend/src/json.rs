//! Reading the API's JSON: the browser's own parser (`JSON.parse`), then a small serde reader of
//! the parsed value, so that no JSON parser is compiled into the WebAssembly module.
//!
//! A struct is read only from a JSON object (serde's derived readers would also take an array of
//! its fields, which the server never sends), member by member as serde_json reads it: a missing
//! member takes its default or is missing, an unknown one is skipped. Enums are read from their
//! names only: every enum of the API is a plain list of names.

use js_sys::{Array, Object, Reflect, JSON};
use serde::de::value::StringDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use wasm_bindgen::{JsCast, JsValue};

/// Why a text could not be read as the value wanted. The callers only tell read from unread, so
/// no message is kept.
#[derive(Debug, thiserror::Error)]
#[error("unreadable JSON")]
pub struct Unreadable;

impl de::Error for Unreadable {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Self
    }
}

/// The JSON text `json` as a `T`.
pub fn from_str<T: DeserializeOwned>(json: &str) -> Result<T, Unreadable> {
    let value = JSON::parse(json).map_err(|_| Unreadable)?;
    T::deserialize(Value(value))
}

/// A value parsed by `JSON.parse`.
struct Value(JsValue);

/// Integers up to 2⁵³ − 1 are exact in a JavaScript number.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl Value {
    fn is_null(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }

    /// The object, if the value is a JSON object (not an array, not `null`).
    fn object(self) -> Result<Object, Unreadable> {
        if self.0.is_object() && !Array::is_array(&self.0) {
            Ok(self.0.unchecked_into())
        } else {
            Err(Unreadable)
        }
    }
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = Unreadable;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        if self.is_null() {
            visitor.visit_unit()
        } else if let Some(flag) = self.0.as_bool() {
            visitor.visit_bool(flag)
        } else if let Some(number) = self.0.as_f64() {
            if number.fract() != 0.0 || number.abs() > MAX_SAFE_INTEGER {
                visitor.visit_f64(number)
            } else if number >= 0.0 {
                visitor.visit_u64(number as u64)
            } else {
                visitor.visit_i64(number as i64)
            }
        } else if let Some(text) = self.0.as_string() {
            visitor.visit_string(text)
        } else if Array::is_array(&self.0) {
            self.deserialize_seq(visitor)
        } else {
            self.deserialize_map(visitor)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        if self.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        let items: Array = self.0.dyn_into().map_err(|_| Unreadable)?;
        visitor.visit_seq(Items { items, next: 0 })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        let object = self.object()?;
        let keys = Object::keys(&object);
        visitor.visit_map(Members {
            object,
            keys,
            next: 0,
            key: JsValue::UNDEFINED,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        let name = self.0.as_string().ok_or(Unreadable)?;
        visitor.visit_enum(Name(name))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct tuple_struct identifier
    }
}

/// The items of an array.
struct Items {
    items: Array,
    next: u32,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Unreadable;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unreadable> {
        if self.next == self.items.length() {
            return Ok(None);
        }
        let item = self.items.get(self.next);
        self.next += 1;
        seed.deserialize(Value(item)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.items.length() - self.next) as usize)
    }
}

/// The members of an object, in its order.
struct Members {
    object: Object,
    keys: Array,
    next: u32,
    /// The key of the member whose value is read next.
    key: JsValue,
}

impl<'de> MapAccess<'de> for Members {
    type Error = Unreadable;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unreadable> {
        if self.next == self.keys.length() {
            return Ok(None);
        }
        self.key = self.keys.get(self.next);
        self.next += 1;
        let key: StringDeserializer<Unreadable> =
            self.key.as_string().ok_or(Unreadable)?.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, Unreadable> {
        let value = Reflect::get(&self.object, &self.key).map_err(|_| Unreadable)?;
        seed.deserialize(Value(value))
    }
}

/// An enum's variant, by its name.
struct Name(String);

impl<'de> EnumAccess<'de> for Name {
    type Error = Unreadable;
    type Variant = NoData;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, NoData), Unreadable> {
        let name: StringDeserializer<Unreadable> = self.0.into_deserializer();
        Ok((seed.deserialize(name)?, NoData))
    }
}

/// What follows a variant's name: nothing, so only a variant without data is read.
struct NoData;

impl<'de> VariantAccess<'de> for NoData {
    type Error = Unreadable;

    fn unit_variant(self) -> Result<(), Unreadable> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        _seed: T,
    ) -> Result<T::Value, Unreadable> {
        Err(Unreadable)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, Unreadable> {
        Err(Unreadable)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Unreadable> {
        Err(Unreadable)
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use owf_shared::api::{ApiError, FilingRow, Page};
    use serde::Deserialize;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::from_str;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Tone {
        Calm,
        Loud,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Sample {
        id: i64,
        name: Option<String>,
        tones: Vec<Tone>,
        #[serde(default)]
        rows: Option<Page<FilingRow>>,
        #[serde(default)]
        ratio: f64,
    }

    #[wasm_bindgen_test]
    fn reads_what_serde_json_reads_from_objects() {
        let json = r#"{"id": -7, "name": null, "tones": ["calm", "loud"], "extra": [1, {"a": 2}],
            "ratio": 0.5, "rows": {"items": [{"kind": "registration", "id": 1,
            "ent_apply_no": "E1", "ent_name": "公司", "customs_code": "4403960ABC",
            "trade_modes": ["9810"], "status": 1, "decl_time": null, "last_return_time": null,
            "last_return_info": null}], "total": 1, "page": 1, "page_size": 20}}"#;
        let ours: Sample = from_str(json).unwrap();
        assert_eq!(ours, serde_json::from_str::<Sample>(json).unwrap());
        assert_eq!(ours.tones, [Tone::Calm, Tone::Loud]);
        assert_eq!(ours.rows.unwrap().items.len(), 1);
    }

    #[wasm_bindgen_test]
    fn a_missing_member_takes_its_default() {
        let error: ApiError = from_str(r#"{"code": "conflict", "message": "已被修改"}"#).unwrap();
        assert_eq!(error.message, "已被修改");
        assert!(error.fields.is_empty());
        assert!(from_str::<Sample>(r#"{"tones": []}"#).is_err());
    }

    #[wasm_bindgen_test]
    fn refuses_a_struct_written_as_an_array() {
        assert!(serde_json::from_str::<Sample>(r#"[7, null, []]"#).is_ok());
        assert!(from_str::<Sample>(r#"[7, null, []]"#).is_err());
        let nested = r#"{"id": 7, "tones": [], "rows": [[], 0, 1, 20]}"#;
        assert!(serde_json::from_str::<Sample>(nested).is_ok());
        assert!(from_str::<Sample>(nested).is_err());
    }

    #[wasm_bindgen_test]
    fn refuses_what_is_not_the_type() {
        assert!(from_str::<Sample>(r#"{"id": 7, "tones": []} x"#).is_err());
        assert!(from_str::<Sample>(r#"{"id": 7.5, "tones": []}"#).is_err());
        assert!(from_str::<Sample>(r#"{"id": "7", "tones": []}"#).is_err());
        assert!(from_str::<Sample>(r#"{"id": 7, "tones": ["quiet"]}"#).is_err());
        assert!(from_str::<Sample>(r#"{"id": 7, "tones": [{"calm": 1}]}"#).is_err());
    }
}
