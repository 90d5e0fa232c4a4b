//! owf-shared: the one definition of the domain that the browser (wasm) and the
//! server (native) both use. Pure Rust + serde, no I/O.
//!
//! * [`codes`]: code tables (监管方式, 国别（地区）, 关区, 仓库性质, 证明材料类型) behind [`codes::Code`].
//! * [`ids`]: identifier and value newtypes (统一社会信用代码, 海关编码, 电话, 日期, 仓库面积).
//! * [`text`]: free-text limits counted in characters, half-width conversion of typed codes.
//! * [`lease`]: lease expiry (租期将满/已过期) of leased warehouses.
//! * [`enterprise`]: enterprises as customs master data knows them, with their 信用等级.
//! * [`field`]: every field of both forms with key, Chinese label and who provides it.
//! * [`form`]: the editable forms as they travel.
//! * [`validate`]: draft (暂存) and declare (申报) validation → field key → Chinese message.
//! * [`status`]: the status machine: statuses, allowed actions, relay and receipt transitions.
//! * [`amendment`]: 变更 and 注销 of an approved filing (appType, pending marks, field changes).
//! * [`receipt`]: a receipt's `returnInfo` in plain words, its CEB code tag apart.
//! * [`proof`]: 证明材料 upload rules (accepted formats by content, size and count limits).
//! * [`delimited`]: CSV records, for the code tables and the 订仓单 line import.
//! * [`decimal`]: exact decimals for quantities and money (N16,2 amounts, no floating point).
//! * [`booking`]: the 订仓单 (warehouse booking order): fields, validation, totals, line import.
//! * [`api`]: the HTTP data-transfer types.
//! * [`fixtures`] (feature `fixtures`, tests and benchmarks only): demo accounts, valid forms.
//! * `openapi` (feature `openapi`, the server's): the OpenAPI schemas no derive can make.

pub mod amendment;
pub mod api;
pub mod booking;
pub mod codes;
pub mod decimal;
pub mod delimited;
pub mod enterprise;
pub mod field;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod form;
pub mod ids;
pub mod lease;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod proof;
pub mod receipt;
pub mod status;
pub mod text;
pub mod validate;

pub use status::allowed_actions;
pub use validate::{validate_registration, validate_warehouse};
