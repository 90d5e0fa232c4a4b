//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every route. The forms' schemas
//! come from the shared field table (keys, Chinese labels, length limits), so they cannot
//! drift from validation.

use axum::Json;
use owf_shared::field::{Field, FilingKind, Requirement};
use serde_json::{json, Map, Value};

/// The URL query of a route.
#[derive(Clone, Copy)]
enum Query {
    /// The conditions, paging and sorting of a list (`owf_shared::api::ListQuery`).
    List,
    /// `?version=N` of a delete.
    Version,
    /// `?doc_type=…&file_name=…` of an upload.
    Upload,
}

/// A documented route: method, path, summary, request body schema, success status and schema.
struct Route {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
    query: Option<Query>,
    status: &'static str,
    response: &'static str,
}

const fn route(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
    query: Option<Query>,
    status: &'static str,
    response: &'static str,
) -> Route {
    Route {
        method,
        path,
        summary,
        body,
        query,
        status,
        response,
    }
}

/// Every route of the server.
const ROUTES: &[Route] = &[
    route(
        "post",
        "/api/session",
        "登录（IC卡号 + 密码）",
        Some("LoginRequest"),
        None,
        "200",
        "SessionInfo",
    ),
    route(
        "get",
        "/api/session",
        "当前用户与企业",
        None,
        None,
        "200",
        "SessionInfo",
    ),
    route("delete", "/api/session", "退出", None, None, "200", "Empty"),
    route(
        "get",
        "/api/registrations",
        "海外仓企业登记申报：查询",
        None,
        Some(Query::List),
        "200",
        "PageOfRegistrationRow",
    ),
    route(
        "post",
        "/api/registrations",
        "海外仓企业登记录入：新增暂存",
        Some("SaveRegistration"),
        None,
        "201",
        "RegistrationDetail",
    ),
    route(
        "get",
        "/api/registrations/{id}",
        "海外仓企业详情",
        None,
        None,
        "200",
        "RegistrationDetail",
    ),
    route(
        "put",
        "/api/registrations/{id}",
        "暂存（修改）",
        Some("SaveRegistration"),
        None,
        "200",
        "RegistrationDetail",
    ),
    route(
        "delete",
        "/api/registrations/{id}",
        "删除暂存记录（?version=N）",
        None,
        Some(Query::Version),
        "204",
        "Empty",
    ),
    route(
        "post",
        "/api/registrations/{id}/declare",
        "申报",
        Some("VersionCheck"),
        None,
        "200",
        "RegistrationDetail",
    ),
    route(
        "get",
        "/api/warehouses",
        "海外仓资料信息查询",
        None,
        Some(Query::List),
        "200",
        "PageOfWarehouseRow",
    ),
    route(
        "post",
        "/api/warehouses",
        "海外仓资料信息报送：新增暂存",
        Some("SaveWarehouse"),
        None,
        "201",
        "WarehouseDetail",
    ),
    route(
        "get",
        "/api/codes",
        "海关参数代码表（国别(地区)、关区、监管方式），一个 CSV：table,code,name；可缓存（ETag）",
        None,
        None,
        "200",
        "Csv",
    ),
    route(
        "get",
        "/api/warehouses/eligibility",
        "本企业能否报送海外仓资料（须有审核通过的企业登记）",
        None,
        None,
        "200",
        "WarehouseEligibility",
    ),
    route(
        "get",
        "/api/warehouses/{id}",
        "海外仓仓库资料详情",
        None,
        None,
        "200",
        "WarehouseDetail",
    ),
    route(
        "put",
        "/api/warehouses/{id}",
        "暂存（修改）",
        Some("SaveWarehouse"),
        None,
        "200",
        "WarehouseDetail",
    ),
    route(
        "delete",
        "/api/warehouses/{id}",
        "删除暂存记录（?version=N）",
        None,
        Some(Query::Version),
        "204",
        "Empty",
    ),
    route(
        "post",
        "/api/warehouses/{id}/declare",
        "申报",
        Some("VersionCheck"),
        None,
        "200",
        "WarehouseDetail",
    ),
    route(
        "post",
        "/api/warehouses/{id}/attachments",
        "上传证明材料（?doc_type=02&file_name=…，请求体为文件本身：PDF/JPEG/PNG，≤ 10 MB；每家企业合计 ≤ 200 MB；备案的 version 加 1）",
        Some("File"),
        Some(Query::Upload),
        "201",
        "AttachmentInfo",
    ),
    route(
        "get",
        "/api/warehouses/{id}/attachments/{attachment_id}",
        "下载证明材料（Content-Disposition: attachment）",
        None,
        None,
        "200",
        "File",
    ),
    route(
        "delete",
        "/api/warehouses/{id}/attachments/{attachment_id}",
        "删除证明材料（备案的 version 加 1）",
        None,
        None,
        "204",
        "Empty",
    ),
    route(
        "get",
        "/api/filings",
        "海外仓备案查询：企业登记与海外仓资料",
        None,
        Some(Query::List),
        "200",
        "PageOfFilingRow",
    ),
    route(
        "get",
        "/api/openapi.json",
        "本文档",
        None,
        None,
        "200",
        "Object",
    ),
    route(
        "get",
        "/healthz",
        "就绪检查：数据库可写入时答 ok，否则 503",
        None,
        None,
        "200",
        "Text",
    ),
    route(
        "get",
        "/metrics",
        "海关中继指标（Prometheus 文本格式）",
        None,
        None,
        "200",
        "Text",
    ),
];

fn schema_ref(name: &str) -> Value {
    match name {
        "Empty" | "Object" => json!({ "type": "object" }),
        other => json!({ "$ref": format!("#/components/schemas/{other}") }),
    }
}

/// The media types of a request or response body: a proof document is the file itself, the
/// health check and metrics are text, everything else is JSON.
fn content(name: &str) -> Value {
    match name {
        "File" => {
            let file = json!({ "schema": { "type": "string", "format": "binary" } });
            json!({ "application/pdf": file, "image/jpeg": file, "image/png": file })
        }
        "Text" => json!({ "text/plain": { "schema": { "type": "string" } } }),
        "Csv" => json!({ "text/csv": { "schema": { "type": "string" } } }),
        other => json!({ "application/json": { "schema": schema_ref(other) } }),
    }
}

/// The URL query parameters of a route.
fn query_parameters(query: Query) -> Vec<Value> {
    let parameter = |name: &str, schema: Value, required: bool| json!({ "name": name, "in": "query", "required": required, "schema": schema });
    let text = || json!({ "type": "string" });
    match query {
        Query::List => {
            let mut list: Vec<Value> = [
                "apply_no",
                "customs_code",
                "ent_name",
                "wh_name",
                "country_code",
                "trade_mode",
                "decl_from",
                "decl_to",
                "sort",
            ]
            .into_iter()
            .map(|name| parameter(name, text(), false))
            .collect();
            for name in ["status", "page", "page_size"] {
                list.push(parameter(name, json!({ "type": "integer" }), false));
            }
            list.push(parameter("desc", json!({ "type": "boolean" }), false));
            list.push(parameter(
                "lease",
                json!({ "type": "string", "enum": ["expiring", "expired"],
                        "description": "租期将满（90 天内到期）/ 租期已过期" }),
                false,
            ));
            list
        }
        Query::Version => vec![parameter("version", json!({ "type": "integer" }), true)],
        Query::Upload => vec![
            parameter("doc_type", text(), true),
            parameter("file_name", text(), true),
        ],
    }
}

/// The editable fields of a form, from the shared field table.
fn form_schema(kind: FilingKind) -> Value {
    let mut properties = Map::new();
    for (field, requirement) in kind.fields() {
        if *requirement == Requirement::System {
            continue;
        }
        let mut schema = match field {
            Field::TradeModes => json!({ "type": "array", "items": { "type": "string" } }),
            Field::CommitmentAck => json!({ "type": "boolean" }),
            _ => json!({ "type": "string" }),
        };
        schema["description"] = json!(format!("{}（{:?}）", field.label(), requirement));
        if let Some(max) = field.max_chars() {
            schema["maxLength"] = json!(max);
        }
        properties.insert(field.key().to_owned(), schema);
    }
    json!({ "type": "object", "description": kind.label(), "properties": properties })
}

fn described(rust_type: &str) -> Value {
    json!({ "type": "object", "description": format!("owf_shared::api::{rust_type}") })
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let mut success = json!({ "description": "成功" });
        if r.status != "204" {
            success["content"] = content(r.response);
        }
        let mut op = json!({
            "summary": r.summary,
            "responses": {
                r.status: success,
                "default": { "description": "错误", "content": content("ApiError") }
            }
        });
        if let Some(body) = r.body {
            op["requestBody"] = json!({ "required": true, "content": content(body) });
        }
        let mut parameters: Vec<Value> = ["id", "attachment_id"]
            .into_iter()
            .filter(|p| r.path.contains(&format!("{{{p}}}")))
            .map(|p| json!({ "name": p, "in": "path", "required": true, "schema": { "type": "integer" } }))
            .collect();
        if let Some(query) = r.query {
            parameters.extend(query_parameters(query));
        }
        if !parameters.is_empty() {
            op["parameters"] = json!(parameters);
        }
        let entry = paths.entry(r.path).or_insert_with(|| json!({}));
        entry[r.method] = op;
    }
    let mut schemas = Map::new();
    schemas.insert(
        "RegistrationForm".into(),
        form_schema(FilingKind::Registration),
    );
    schemas.insert("WarehouseForm".into(), form_schema(FilingKind::Warehouse));
    schemas.insert(
        "ApiError".into(),
        json!({
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": { "type": "string", "description": "bad_request | unauthenticated | bad_credentials | too_many_requests | forbidden_origin | not_found | method_not_allowed | conflict | payload_too_large | validation | internal | unavailable | request_timeout" },
                "message": { "type": "string", "description": "中文提示" },
                "fields": { "type": "object", "additionalProperties": { "type": "string" }, "description": "字段 → 中文提示；_form 为整单提示" }
            }
        }),
    );
    for (name, form) in [
        ("SaveRegistration", "RegistrationForm"),
        ("SaveWarehouse", "WarehouseForm"),
    ] {
        schemas.insert(
            name.into(),
            json!({ "type": "object", "required": ["form"], "properties": {
                "version": { "type": "integer", "description": "修改时必填：编辑时的记录版本" },
                "form": schema_ref(form) } }),
        );
    }
    schemas.insert(
        "LoginRequest".into(),
        json!({ "type": "object", "required": ["card_no", "password"], "properties": {
            "card_no": { "type": "string", "description": "IC卡号" },
            "password": { "type": "string" } } }),
    );
    schemas.insert(
        "VersionCheck".into(),
        json!({ "type": "object", "required": ["version"], "properties": {
            "version": { "type": "integer", "description": "用户看到的记录版本" } } }),
    );
    for name in [
        "SessionInfo",
        "RegistrationDetail",
        "WarehouseDetail",
        "WarehouseEligibility",
        "AttachmentInfo",
        "PageOfRegistrationRow",
        "PageOfWarehouseRow",
        "PageOfFilingRow",
    ] {
        schemas.insert(name.into(), described(name));
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "owf — 海外仓备案 API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": { "schemas": schemas }
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves_and_forms_come_from_the_field_table() {
        let doc = document();
        let text = doc.to_string();
        for name in text.split("#/components/schemas/").skip(1) {
            let name = name.split('"').next().unwrap();
            assert!(doc["components"]["schemas"][name].is_object(), "{name}");
        }
        let uscc = &doc["components"]["schemas"]["RegistrationForm"]["properties"]["uscc"];
        assert_eq!(uscc["maxLength"], 18);
        assert!(uscc["description"]
            .as_str()
            .unwrap()
            .contains("统一社会信用代码"));
        assert!(doc["paths"]["/api/warehouses/{id}/declare"]["post"].is_object());
    }

    #[test]
    fn queries_files_and_empty_answers_are_described_as_served() {
        let doc = document();
        let names = |op: &Value| -> Vec<String> {
            op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    format!(
                        "{}:{}",
                        p["in"].as_str().unwrap(),
                        p["name"].as_str().unwrap()
                    )
                })
                .collect()
        };
        let delete = &doc["paths"]["/api/registrations/{id}"]["delete"];
        assert_eq!(names(delete), ["path:id", "query:version"]);
        assert!(delete["responses"]["204"].get("content").is_none());
        let list = names(&doc["paths"]["/api/filings"]["get"]);
        assert!(list.contains(&"query:page_size".to_owned()), "{list:?}");
        let upload = &doc["paths"]["/api/warehouses/{id}/attachments"]["post"];
        assert!(names(upload).contains(&"query:file_name".to_owned()));
        assert!(upload["requestBody"]["content"]["application/pdf"].is_object());
        let download = &doc["paths"]["/api/warehouses/{id}/attachments/{attachment_id}"]["get"];
        assert!(download["responses"]["200"]["content"]["image/png"].is_object());
        assert!(
            doc["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["text/plain"]
                .is_object()
        );
    }
}
