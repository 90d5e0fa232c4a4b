//! The filings API — registrations (企业登记), warehouses (海外仓资料), 备案查询 and proof
//! documents — on SQLite and PostgreSQL: rules, transitions, tenant isolation, bad input.

mod common;

use axum::http::{header, Method, StatusCode};
use common::*;
use serde_json::{json, Value};

fn zone_registration() -> Value {
    json!({
        "uscc": "91440300MA5G8K2P04",
        "ent_name": "深圳前海综保跨境供应链有限公司",
        "customs_district": "5300",
        "trade_modes": ["9810", "1210"],
        "ems_no": "T5300W000001",
        "contact_name": "林晓",
        "contact_phone": "0755-86001234",
        "commitment_ack": true
    })
}

fn plain_registration() -> Value {
    json!({
        "uscc": "91330100MA2H3Y5K7A",
        "ent_name": "杭州云帆跨境电子商务有限公司",
        "customs_district": "2900",
        "trade_modes": ["9810"],
        "contact_name": "周敏",
        "contact_phone": "0571-88001234",
        "commitment_ack": true
    })
}

fn leased_warehouse(name: &str, address: &str) -> Value {
    json!({
        "trade_mode": "9810",
        "wh_name": name,
        "country_code": "502",
        "city": "Ontario, CA",
        "wh_address": address,
        "area_sqm": "5200.5",
        "ownership": "2",
        "lease_start": "2026-01-01",
        "lease_end": "2029-12-31",
        "lessor_name": "Inland Logistics LLC"
    })
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";

struct Two {
    app: TestApp,
    zone: String,
    plain: String,
}

async fn two(app: TestApp) -> Two {
    let app = with_demo(app).await;
    let zone = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    let plain = app.login(PLAIN_CARD, PLAIN_PASSWORD).await;
    Two { app, zone, plain }
}

impl Two {
    async fn create(&self, token: &str, kind: &str, form: Value) -> Value {
        let (status, body) = self
            .app
            .call(
                Method::POST,
                &format!("/api/{kind}"),
                Some(json!({ "form": form })),
                token,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    async fn declare(&self, token: &str, kind: &str, detail: &Value) -> (StatusCode, Value) {
        let path = format!("/api/{kind}/{}/declare", detail["id"]);
        let version = &detail["lifecycle"]["version"];
        self.app
            .call(
                Method::POST,
                &path,
                Some(json!({ "version": version })),
                token,
            )
            .await
    }

    /// A leased warehouse draft of the zone enterprise with its lease agreement attached.
    async fn warehouse_with_lease(&self) -> (Value, Value) {
        let wh = self
            .create(&self.zone, "warehouses", leased_warehouse("DC", "1 Road"))
            .await;
        let path = format!(
            "/api/warehouses/{}/attachments?doc_type=02&file_name=l.pdf",
            wh["id"]
        );
        let (status, att) = self.app.upload(&path, PDF.to_vec(), &self.zone).await;
        assert_eq!(status, StatusCode::CREATED, "{att}");
        (wh, att)
    }

    /// A registration of the zone enterprise, approved by customs (test setup).
    async fn approved_registration(&self) -> Value {
        let reg = self
            .create(&self.zone, "registrations", zone_registration())
            .await;
        let id = reg["id"].as_i64().unwrap();
        self.app.force_status(id, 399).await;
        reg
    }
}

async fn registration_draft_gets_an_apply_no_and_identity_from_the_login(app: TestApp) {
    let t = two(app).await;
    let mut form = zone_registration();
    form["customs_code"] = json!("9999999999");
    let detail = t.create(&t.zone, "registrations", form).await;
    let apply_no = detail["ent_apply_no"].as_str().unwrap();
    assert_eq!(apply_no.len(), 18);
    assert!(apply_no.starts_with('E') && apply_no[1..].bytes().all(|b| b.is_ascii_digit()));
    assert!(apply_no.ends_with("000000001"));
    assert_eq!(
        detail["customs_code"], "4403960ABC",
        "never from the request body"
    );
    assert_eq!(detail["operator_card_no"], ZONE_CARD);
    assert_eq!(detail["lifecycle"]["status"], 1);
    assert_eq!(detail["lifecycle"]["history"][0]["note"], "新增暂存");
    let (status, again) = t
        .app
        .get(
            &format!("/api/registrations/{}", detail["id"]),
            Some(&t.zone),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, detail);
}

async fn a_draft_may_be_incomplete_but_not_malformed(app: TestApp) {
    let t = two(app).await;
    let detail = t
        .create(&t.zone, "registrations", json!({ "contact_name": "林晓" }))
        .await;
    assert_eq!(detail["form"]["contact_name"], "林晓");
    let before = t.app.count("filings").await;
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/registrations",
            Some(json!({ "form": { "uscc": "91440300MA5G8K2P05" } })),
            &t.plain,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], "validation");
    assert!(
        err["fields"]["uscc"].as_str().unwrap().contains("应为 4"),
        "{err}"
    );
    assert_eq!(t.app.count("filings").await, before);
}

async fn one_registration_per_enterprise(app: TestApp) {
    let t = two(app).await;
    t.create(&t.zone, "registrations", zone_registration())
        .await;
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/registrations",
            Some(json!({ "form": {} })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("已有海外仓企业登记"));
}

async fn the_1210_mode_is_refused_for_a_non_zone_enterprise(app: TestApp) {
    let t = two(app).await;
    let mut form = plain_registration();
    form["trade_modes"] = json!(["9810", "1210"]);
    form["ems_no"] = json!("T2900W000001");
    let before = t.app.count("filings").await;
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/registrations",
            Some(json!({ "form": form })),
            &t.plain,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["fields"]["trade_modes"]
            .as_str()
            .unwrap()
            .contains("区内企业"),
        "{err}"
    );
    assert_eq!(t.app.count("filings").await, before);
    // The zone enterprise may, and then needs 账册编号 to declare.
    let mut zone = zone_registration();
    zone["ems_no"] = json!("");
    let detail = t.create(&t.zone, "registrations", zone).await;
    let (status, err) = t.declare(&t.zone, "registrations", &detail).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["ems_no"].is_string(), "{err}");
}

async fn stale_updates_get_409_and_change_nothing(app: TestApp) {
    let t = two(app).await;
    let detail = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    let path = format!("/api/registrations/{}", detail["id"]);
    let mut form = zone_registration();
    form["contact_name"] = json!("第一位");
    let (status, first) = t
        .app
        .call(
            Method::PUT,
            &path,
            Some(json!({ "version": 1, "form": form })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["lifecycle"]["version"], 2);
    let mut form = zone_registration();
    form["contact_name"] = json!("第二位");
    let (status, err) = t
        .app
        .call(
            Method::PUT,
            &path,
            Some(json!({ "version": 1, "form": form })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], "conflict");
    let (_, now) = t.app.get(&path, Some(&t.zone)).await;
    assert_eq!(now["form"]["contact_name"], "第一位");
}

async fn concurrent_updates_of_one_draft_exactly_one_wins(app: TestApp) {
    let t = two(app).await;
    let detail = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    let path = format!("/api/registrations/{}", detail["id"]);
    let update = |name: &'static str| {
        let mut form = zone_registration();
        form["contact_name"] = json!(name);
        t.app.call(
            Method::PUT,
            &path,
            Some(json!({ "version": 1, "form": form })),
            &t.zone,
        )
    };
    let (a, b) = tokio::join!(update("甲"), update("乙"));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let (_, now) = t.app.get(&path, Some(&t.zone)).await;
    assert_eq!(now["lifecycle"]["version"], 2);
}

async fn declare_moves_to_declared_with_one_outbox_message(app: TestApp) {
    let t = two(app).await;
    let detail = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    let (status, declared) = t.declare(&t.zone, "registrations", &detail).await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    assert_eq!(declared["lifecycle"]["status"], 2);
    assert!(declared["lifecycle"]["decl_time"].is_string());
    let history = declared["lifecycle"]["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["from"], 1);
    assert_eq!(history.last().unwrap()["to"], 2);
    let id = detail["id"].as_i64().unwrap();
    assert_eq!(t.app.store.outbox_count(id).await.unwrap(), 1);
    // Again (the user clicked twice): same answer, no second message.
    let (status, again) = t.declare(&t.zone, "registrations", &detail).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["lifecycle"]["status"], 2);
    assert_eq!(t.app.store.outbox_count(id).await.unwrap(), 1);
    // Declared filings are read-only.
    let path = format!("/api/registrations/{id}");
    let (status, err) = t
        .app
        .call(
            Method::PUT,
            &path,
            Some(json!({ "version": 2, "form": zone_registration() })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["message"].as_str().unwrap().contains("申报中"), "{err}");
    let (status, _) = t
        .app
        .call(Method::DELETE, &format!("{path}?version=2"), None, &t.zone)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn concurrent_declares_write_exactly_one_message(app: TestApp) {
    let t = two(app).await;
    let detail = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    let (a, b) = tokio::join!(
        t.declare(&t.zone, "registrations", &detail),
        t.declare(&t.zone, "registrations", &detail)
    );
    assert_eq!(a.1["lifecycle"]["status"], 2, "{}", a.1);
    assert_eq!(b.1["lifecycle"]["status"], 2, "{}", b.1);
    let id = detail["id"].as_i64().unwrap();
    assert_eq!(t.app.store.outbox_count(id).await.unwrap(), 1);
}

async fn a_discredited_enterprise_cannot_declare(app: TestApp) {
    let t = two(app).await;
    sqlx::query(
        "UPDATE enterprises SET credit_level = 'discredited' WHERE customs_code = '3301961A2B'",
    )
    .execute(t.app.store.write_pool())
    .await
    .unwrap();
    let detail = t
        .create(&t.plain, "registrations", plain_registration())
        .await;
    let (status, err) = t.declare(&t.plain, "registrations", &detail).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["fields"]["_form"].as_str().unwrap().contains("失信"),
        "{err}"
    );
    assert_eq!(t.app.count("outbox").await, 0);
}

async fn delete_removes_only_drafts(app: TestApp) {
    let t = two(app).await;
    let detail = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    let path = format!("/api/registrations/{}", detail["id"]);
    let (status, _) = t
        .app
        .call(Method::DELETE, &format!("{path}?version=7"), None, &t.zone)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "stale version");
    let (status, _) = t
        .app
        .call(Method::DELETE, &format!("{path}?version=1"), None, &t.zone)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = t.app.get(&path, Some(&t.zone)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(t.app.count("filing_history").await, 0);
    // The enterprise may register anew.
    t.create(&t.zone, "registrations", zone_registration())
        .await;
}

async fn rejected_filings_are_editable_and_declarable_again(app: TestApp) {
    let t = two(app).await;
    let detail = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    let id = detail["id"].as_i64().unwrap();
    t.declare(&t.zone, "registrations", &detail).await;
    t.app.force_status(id, 100).await;
    let path = format!("/api/registrations/{id}");
    let (_, rejected) = t.app.get(&path, Some(&t.zone)).await;
    assert_eq!(rejected["lifecycle"]["status"], 100);
    let version = rejected["lifecycle"]["version"].clone();
    let mut form = zone_registration();
    form["note"] = json!("按退单意见修改");
    let (status, saved) = t
        .app
        .call(
            Method::PUT,
            &path,
            Some(json!({ "version": version, "form": form })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["lifecycle"]["status"], 1);
    let (status, declared) = t.declare(&t.zone, "registrations", &saved).await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    assert_eq!(declared["lifecycle"]["status"], 2);
    assert_eq!(t.app.store.outbox_count(id).await.unwrap(), 2);
}

/// R3 as the manual states it: warehouse drafts need a registration in the filing table (any
/// status), declaring needs it approved.
async fn warehouse_drafts_need_a_registration_and_declaring_an_approved_one(app: TestApp) {
    let t = two(app).await;
    let (_, eligibility) = t
        .app
        .get("/api/warehouses/eligibility", Some(&t.zone))
        .await;
    assert_eq!(eligibility["allowed"], false);
    assert!(eligibility["reason"].as_str().unwrap().contains("尚未办理"));
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/warehouses",
            Some(json!({ "form": leased_warehouse("DC", "1 Road") })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["fields"]["_form"]
            .as_str()
            .unwrap()
            .contains("海外仓企业登记"),
        "{err}"
    );
    let reg = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    t.declare(&t.zone, "registrations", &reg).await;
    let apply_no = reg["ent_apply_no"].as_str().unwrap();
    // 申报中: drafts allowed, declaring refused with the registration, its status and what to do.
    let (_, eligibility) = t
        .app
        .get("/api/warehouses/eligibility", Some(&t.zone))
        .await;
    assert_eq!(eligibility["allowed"], true, "{eligibility}");
    assert_eq!(eligibility["declarable"], false, "{eligibility}");
    assert_eq!(eligibility["registration_status"], 2);
    assert_eq!(eligibility["trade_modes"], json!(["9810", "1210"]));
    let (wh, _) = t.warehouse_with_lease().await;
    assert_eq!(wh["ent_apply_no"], reg["ent_apply_no"]);
    let path = format!("/api/warehouses/{}", wh["id"]);
    let (_, wh) = t.app.get(&path, Some(&t.zone)).await;
    let mut form = leased_warehouse("DC", "1 Road");
    form["note"] = json!("暂存时企业登记尚在申报中");
    let (status, wh) = t
        .app
        .call(
            Method::PUT,
            &path,
            Some(json!({ "version": wh["lifecycle"]["version"], "form": form })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "edited while 申报中: {wh}");
    let (status, err) = t.declare(&t.zone, "warehouses", &wh).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = err["fields"]["_form"].as_str().unwrap();
    assert!(message.contains(apply_no), "{message}");
    assert!(message.contains("“申报中”"), "{message}");
    assert!(message.contains("请等待海关审核通过"), "{message}");
    assert_eq!(eligibility["declare_reason"].as_str(), Some(message));
    // 审核通过: now it may be declared.
    t.app.force_status(reg["id"].as_i64().unwrap(), 399).await;
    let (_, eligibility) = t
        .app
        .get("/api/warehouses/eligibility", Some(&t.zone))
        .await;
    assert_eq!(eligibility["declarable"], true, "{eligibility}");
    let (status, declared) = t.declare(&t.zone, "warehouses", &wh).await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    assert_eq!(declared["lifecycle"]["status"], 2);
}

/// 租期将满/已过期: leased warehouses by their 租赁截止日期, with the warning in the rows.
async fn lease_expiry_shows_in_rows_and_filters_queries(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    let today = owf_backend::clock::beijing_today();
    for (name, days) in [("soon", 30), ("later", 200), ("ended", -5)] {
        let mut form = leased_warehouse(name, &format!("{name} road"));
        form["lease_start"] = json!(today.add_days(-400).to_string());
        form["lease_end"] = json!(today.add_days(days).to_string());
        t.create(&t.zone, "warehouses", form).await;
    }
    let mut owned = leased_warehouse("owned", "owned road");
    owned["ownership"] = json!("1");
    t.create(&t.zone, "warehouses", owned).await;
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["wh_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, soon) = t
        .app
        .get("/api/warehouses?lease=expiring", Some(&t.zone))
        .await;
    assert_eq!(status, StatusCode::OK, "{soon}");
    assert_eq!(names(&soon), ["soon"]);
    assert_eq!(
        soon["items"][0]["lease_warning"],
        format!("租期将于 {} 到期", today.add_days(30))
    );
    let (_, ended) = t.app.get("/api/filings?lease=expired", Some(&t.zone)).await;
    assert_eq!(names(&ended), ["ended"]);
    assert!(ended["items"][0]["lease_warning"]
        .as_str()
        .unwrap()
        .contains("已过期"));
    let (_, all) = t.app.get("/api/warehouses", Some(&t.zone)).await;
    assert_eq!(all["total"], 4);
    let (status, _) = t
        .app
        .get("/api/warehouses?lease=soonish", Some(&t.zone))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn one_warehouse_one_form(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    t.create(
        &t.zone,
        "warehouses",
        leased_warehouse("LA Ontario DC", "1500 S. Milliken Ave"),
    )
    .await;
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/warehouses",
            Some(json!({ "form": leased_warehouse("Another name", "1500 s milliken ave") })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["fields"]["wh_address"]
            .as_str()
            .unwrap()
            .contains("一仓一表"),
        "{err}"
    );
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/warehouses",
            Some(json!({ "form": leased_warehouse("la ontario  dc", "9 Other Rd") })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["wh_name"].is_string(), "{err}");
    let mut numbered = leased_warehouse("Numbered DC", "1 Numbered Rd");
    numbered["wh_code"] = json!("WH-01");
    t.create(&t.zone, "warehouses", numbered.clone()).await;
    numbered["wh_name"] = json!("Renumbered DC");
    numbered["wh_address"] = json!("2 Numbered Rd");
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/warehouses",
            Some(json!({ "form": numbered })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["fields"]["wh_code"]
            .as_str()
            .unwrap()
            .contains("相同海外仓编号"),
        "{err}"
    );
    assert_eq!(t.app.count("filings WHERE kind = 'warehouse'").await, 2);
}

/// Writes arriving together are committed together: a refused one (a duplicate name) leaves
/// the others saved and takes back everything it wrote — no 申请编号 is skipped.
async fn writes_arriving_together_fail_alone(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    let forms = (0..10).flat_map(|i| {
        let again = (i == 3 || i == 7)
            .then(|| leased_warehouse(&format!("DC {i}"), &format!("{i} Other Road")));
        std::iter::once(leased_warehouse(&format!("DC {i}"), &format!("{i} Road"))).chain(again)
    });
    let answers = futures_util::future::join_all(forms.map(|form| {
        t.app.call(
            Method::POST,
            "/api/warehouses",
            Some(json!({ "form": form })),
            &t.zone,
        )
    }))
    .await;
    let (created, refused): (Vec<_>, Vec<_>) = answers
        .into_iter()
        .partition(|(status, _)| *status == StatusCode::CREATED);
    assert_eq!(created.len(), 10);
    for (status, err) in &refused {
        assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert!(err["fields"]["wh_name"].is_string(), "{err}");
    }
    let mut serials: Vec<u64> = created
        .iter()
        .map(|(_, d)| d["wh_apply_no"].as_str().unwrap()[9..].parse().unwrap())
        .collect();
    serials.sort();
    assert_eq!(serials.last().unwrap() - serials[0], 9, "{serials:?}");
    assert_eq!(t.app.count("filings WHERE kind = 'warehouse'").await, 10);
    assert_eq!(
        t.app
            .count(
                "filing_history h JOIN filings f ON f.id = h.filing_id WHERE f.kind = 'warehouse'"
            )
            .await,
        10
    );
}

async fn warehouse_declare_needs_its_proof_document_and_a_registered_mode(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    // A mode the registration does not hold is refused already as a draft.
    let mut form = leased_warehouse("LA Ontario DC", "1500 S Milliken Ave");
    form["trade_mode"] = json!("0110");
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/warehouses",
            Some(json!({ "form": form })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = err["fields"]["trade_mode"].as_str().unwrap();
    assert!(
        message.contains("0110") && message.contains("已登记：9810、1210"),
        "{err}"
    );
    let wh = t
        .create(
            &t.zone,
            "warehouses",
            leased_warehouse("LA Ontario DC", "1500 S Milliken Ave"),
        )
        .await;
    let (status, err) = t.declare(&t.zone, "warehouses", &wh).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["fields"]["attachments"]
            .as_str()
            .unwrap()
            .contains("租赁协议"),
        "{err}"
    );
    let id = wh["id"].as_i64().unwrap();
    let (status, info) = t
        .app
        .upload(
            &format!("/api/warehouses/{id}/attachments?doc_type=02&file_name=lease.pdf"),
            PDF.to_vec(),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{info}");
    let path = format!("/api/warehouses/{id}");
    let (_, detail) = t.app.get(&path, Some(&t.zone)).await;
    assert_eq!(
        detail["lifecycle"]["version"], 2,
        "a new document is a change of the filing"
    );
    let (status, saved) = t
        .app
        .call(
            Method::PUT,
            &path,
            Some(json!({ "version": 2, "form": leased_warehouse("LA Ontario DC", "1500 S Milliken Ave") })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["attachments"][0]["file_name"], "lease.pdf");
    let (status, declared) = t.declare(&t.zone, "warehouses", &saved).await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    assert_eq!(declared["lifecycle"]["status"], 2);
    let (status, err) = t
        .app
        .upload(
            &format!("/api/warehouses/{id}/attachments?doc_type=03&file_name=x.pdf"),
            PDF.to_vec(),
            &t.zone,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no documents added after 申报: {err}"
    );
    assert_eq!(err["message"], "当前状态为“申报中”，不能再添加证明材料");
    let (status, err) = t
        .app
        .call(
            Method::DELETE,
            &format!("{path}/attachments/{}", info["id"]),
            None,
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "none removed either: {err}");
    assert_eq!(err["message"], "当前状态为“申报中”，不能删除证明材料");
    assert_eq!(t.app.count("attachments").await, 1);
}

async fn uploads_are_checked_by_content_and_size(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    let wh = t
        .create(&t.zone, "warehouses", leased_warehouse("DC", "1 Road"))
        .await;
    let base = format!("/api/warehouses/{}/attachments", wh["id"]);
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    let (status, err) = t
        .app
        .upload(
            &format!("{base}?doc_type=02&file_name=lease.pdf"),
            elf,
            &t.zone,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an executable renamed to .pdf"
    );
    assert!(
        err["fields"]["attachments"]
            .as_str()
            .unwrap()
            .contains("PDF"),
        "{err}"
    );
    let mut big = PDF.to_vec();
    big.resize(11 * 1024 * 1024, b' ');
    let (status, err) = t
        .app
        .upload(
            &format!("{base}?doc_type=02&file_name=big.pdf"),
            big,
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert_eq!(err["code"], "payload_too_large");
    assert!(
        err["message"].as_str().unwrap().contains("11.0 MB"),
        "{err}"
    );
    assert_eq!(t.app.count("attachments").await, 0, "nothing stored");
    let (status, err) = t
        .app
        .upload(
            &format!("{base}?doc_type=07&file_name=a.pdf"),
            PDF.to_vec(),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["doc_type"].is_string());
    let (status, info) = t
        .app
        .upload(
            &format!("{base}?doc_type=01&file_name=..%2F..%2F%E4%BA%A7%E6%9D%83.pdf"),
            PDF.to_vec(),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        info["file_name"], "产权.pdf",
        "kept for display, never a path"
    );
    assert_eq!(info["size"], PDF.len());
    assert_eq!(info["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        info["content_type"], "application/pdf",
        "recognised by content"
    );
    let file = format!("{base}/{}", info["id"]);
    let (status, headers, bytes) = t.app.download(&file, &t.zone).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename*=UTF-8''%E4%BA%A7%E6%9D%83.pdf",
        "saved, never opened in the API's origin"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let (status, _, _) = t.app.download(&file, &t.plain).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another enterprise cannot download"
    );
    let (status, _) = t.app.call(Method::DELETE, &file, None, &t.plain).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = t.app.call(Method::DELETE, &file, None, &t.zone).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(t.app.count("attachments").await, 0);
}

async fn lists_filter_page_and_sort_newest_first(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    for i in 0..25 {
        let mut form = leased_warehouse(&format!("仓库{i:02}"), &format!("{i} Main Street"));
        if i % 5 == 0 {
            form["country_code"] = json!("116");
        }
        t.create(&t.zone, "warehouses", form).await;
    }
    let (status, page) = t
        .app
        .get("/api/warehouses?page_size=10", Some(&t.zone))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 25);
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    assert_eq!(page["items"][0]["wh_name"], "仓库24", "newest first");
    let (_, page3) = t
        .app
        .get("/api/warehouses?page_size=10&page=3", Some(&t.zone))
        .await;
    assert_eq!(page3["items"].as_array().unwrap().len(), 5);
    assert_eq!(page3["items"][4]["wh_name"], "仓库00");
    let (_, japan) = t
        .app
        .get("/api/warehouses?country_code=116", Some(&t.zone))
        .await;
    assert_eq!(japan["total"], 5);
    let (_, named) = t
        .app
        .get("/api/warehouses?wh_name=%E4%BB%93%E5%BA%931", Some(&t.zone))
        .await;
    assert_eq!(named["total"], 10, "仓库1x contains 仓库1: {named}");
    let (_, sorted) = t
        .app
        .get("/api/warehouses?sort=wh_name&page_size=3", Some(&t.zone))
        .await;
    assert_eq!(sorted["items"][0]["wh_name"], "仓库00");
    let (_, sorted) = t
        .app
        .get(
            "/api/warehouses?sort=wh_name&desc=true&page_size=3",
            Some(&t.zone),
        )
        .await;
    assert_eq!(sorted["items"][0]["wh_name"], "仓库24");
    let (_, drafts) = t.app.get("/api/filings?status=1", Some(&t.zone)).await;
    assert_eq!(
        drafts["total"], 25,
        "the approved registration is not a draft"
    );
    let (_, all) = t.app.get("/api/filings?page_size=100", Some(&t.zone)).await;
    assert_eq!(all["total"], 26);
    assert!(all["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["kind"] == "registration"));
    let (_, modes) = t
        .app
        .get("/api/filings?trade_mode=1210", Some(&t.zone))
        .await;
    assert_eq!(modes["total"], 1);
    let (status, err) = t
        .app
        .get("/api/filings?sort=password_hash", Some(&t.zone))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["sort"].is_string());
    let (_, none) = t
        .app
        .get(
            "/api/filings?decl_from=2000-01-01&decl_to=2000-01-02",
            Some(&t.zone),
        )
        .await;
    assert_eq!(none["total"], 0);
    let (status, capped) = t
        .app
        .get("/api/filings?page_size=1000", Some(&t.zone))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(capped["page_size"], 100);
}

async fn another_enterprise_sees_nothing_and_gets_404_everywhere(app: TestApp) {
    let t = two(app).await;
    let reg = t.approved_registration().await;
    let (wh, att) = t.warehouse_with_lease().await;
    let before = (
        t.app.count("filings").await,
        t.app.count("outbox").await,
        t.app.count("attachments").await,
    );
    for (kind, id) in [("registrations", &reg["id"]), ("warehouses", &wh["id"])] {
        let path = format!("/api/{kind}/{id}");
        let calls = [
            (Method::GET, path.clone(), None),
            (
                Method::PUT,
                path.clone(),
                Some(json!({ "version": 1, "form": {} })),
            ),
            (Method::DELETE, format!("{path}?version=1"), None),
            (
                Method::POST,
                format!("{path}/declare"),
                Some(json!({ "version": 1 })),
            ),
        ];
        for (method, path, body) in calls {
            let (status, err) = t.app.call(method.clone(), &path, body, &t.plain).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {err}");
            assert_eq!(err["code"], "not_found");
        }
    }
    let att_path = format!("/api/warehouses/{}/attachments/{}", wh["id"], att["id"]);
    assert_eq!(
        t.app.download(&att_path, &t.plain).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = t
        .app
        .upload(
            &format!(
                "/api/warehouses/{}/attachments?doc_type=02&file_name=x.pdf",
                wh["id"]
            ),
            PDF.to_vec(),
            &t.plain,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for list in [
        "/api/registrations",
        "/api/warehouses",
        "/api/filings",
        "/api/filings?customs_code=4403960ABC",
    ] {
        let (status, page) = t.app.get(list, Some(&t.plain)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["total"], 0, "{list}: {page}");
    }
    let after = (
        t.app.count("filings").await,
        t.app.count("outbox").await,
        t.app.count("attachments").await,
    );
    assert_eq!(before, after);
}

async fn bad_input_gets_a_json_4xx_and_changes_nothing(app: TestApp) {
    let t = two(app).await;
    let draft = t
        .create(&t.zone, "registrations", zone_registration())
        .await;
    let path = format!("/api/registrations/{}", draft["id"]);
    let tables = ["filings", "filing_history", "outbox", "sequences"];
    let mut before = Vec::new();
    for table in tables {
        before.push(t.app.count(table).await);
    }
    let huge = "长".repeat(100_000);
    let declare = format!("{path}/declare");
    let bodies: Vec<(Method, &str, String)> = vec![
        (Method::POST, "/api/registrations", "{".into()),
        (Method::POST, "/api/registrations", r#"{"form": {"uscc": "9144"#.into()),
        (Method::POST, "/api/registrations", r#"{"form": {"trade_modes": "9810"}}"#.into()),
        (Method::POST, "/api/registrations", r#"{"form": 5}"#.into()),
        (Method::PUT, &path, r#"{"version": "one", "form": {}}"#.into()),
        (Method::PUT, &path, json!({ "version": 1, "form": { "contact_name": huge } }).to_string()),
        (Method::PUT, &path, json!({ "version": 1, "form": { "contact_name": "x'; DROP TABLE filings; --" , "uscc": "9144' OR '1'='1"} }).to_string()),
        (Method::PUT, &path, json!({ "version": 1, "form": { "uscc": "９１４４０３００ＭＡ５Ｇ８Ｋ２Ｐ０５" } }).to_string()),
        (Method::POST, &declare, r#"{"version": null}"#.into()),
        (Method::POST, "/api/warehouses", json!({ "form": { "area_sqm": "1e9999" } }).to_string()),
    ];
    for (method, p, body) in bodies {
        let (status, _, err) = t
            .app
            .send(method.clone(), p, Some(&body), Some(&t.zone), None)
            .await;
        assert!(
            status.is_client_error(),
            "{method} {p} {}: {status}",
            &body[..body.len().min(80)]
        );
        assert!(
            err["code"].is_string() && err["message"].is_string(),
            "JSON error body: {err}"
        );
    }
    let (status, err) = t.app.get("/api/filings?status=abc", Some(&t.zone)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "bad_request");
    let (status, _) = t
        .app
        .get("/api/registrations/1%27%20OR%201=1", Some(&t.zone))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, q) = t
        .app
        .get(
            "/api/filings?ent_name=%25%27%20OR%20%271%27%3D%271",
            Some(&t.zone),
        )
        .await;
    assert_eq!(q["total"], 0, "metacharacters are searched for literally");
    for (table, count) in tables.iter().zip(before) {
        assert_eq!(t.app.count(table).await, count, "{table} unchanged");
    }
    let (_, now) = t.app.get(&path, Some(&t.zone)).await;
    assert_eq!(now, draft);
}

async fn every_documented_route_exists(app: TestApp) {
    let t = two(app).await;
    let reg = t.approved_registration().await;
    let (wh, att) = t.warehouse_with_lease().await;
    assert!(att["id"].is_i64(), "{att}");
    let doc = owf_backend::http::openapi::document();
    let mut checked = 0;
    // Deletions after the reads, and logging out last, keep the data and the session.
    let mut routes: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (path.clone(), m.clone()))
        })
        .collect();
    routes.sort_by_key(|(path, method)| (method == "delete", path == "/api/session", path.clone()));
    for (path, method) in routes {
        let id = if path.starts_with("/api/registrations") {
            &reg["id"]
        } else {
            &wh["id"]
        };
        let concrete = path
            .replace("{id}", &id.to_string())
            .replace("{attachment_id}", &att["id"].to_string());
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, _, body) = t
            .app
            .send(method.clone(), &concrete, Some("{}"), Some(&t.zone), None)
            .await;
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_FOUND,
            "{method} {concrete}: {status} {body}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} routes documented");
}

/// 申报 and removing a proof document at the same moment, round after round: the declaration
/// stands with every document it lists (and the removal is refused), or the document is removed
/// and the declaration refused as stale — never a declared message listing a removed document,
/// and never a frozen set other than the one the message lists.
async fn declaring_while_a_document_is_removed_never_loses_it(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    for round in 0..20 {
        let form = leased_warehouse(&format!("DC {round}"), &format!("{round} Road"));
        let wh = t.create(&t.zone, "warehouses", form).await;
        let id = wh["id"].as_i64().unwrap();
        let upload_path = |doc_type: &str, name: &str| {
            format!("/api/warehouses/{id}/attachments?doc_type={doc_type}&file_name={name}")
        };
        let (status, _) = t
            .app
            .upload(&upload_path("02", "lease.pdf"), PDF.to_vec(), &t.zone)
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, extra) = t
            .app
            .upload(&upload_path("99", "extra.pdf"), PDF.to_vec(), &t.zone)
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, detail) = t
            .app
            .get(&format!("/api/warehouses/{id}"), Some(&t.zone))
            .await;
        let remove = format!("/api/warehouses/{id}/attachments/{}", extra["id"]);
        let ((declared, body), (removed, refusal)) = tokio::join!(
            t.declare(&t.zone, "warehouses", &detail),
            t.app.call(Method::DELETE, &remove, None, &t.zone)
        );
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT file_name FROM attachments WHERE filing_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(t.app.store.pool())
        .await
        .unwrap();
        let payload: Option<String> =
            sqlx::query_scalar("SELECT payload FROM outbox WHERE filing_id = $1")
                .bind(id)
                .fetch_optional(t.app.store.pool())
                .await
                .unwrap();
        match payload {
            Some(payload) => {
                assert_eq!(declared, StatusCode::OK, "round {round}: {body}");
                let listed = payload.matches("<owh:fileName>").count();
                assert!(
                    stored
                        .iter()
                        .all(|name| payload
                            .contains(&format!("<owh:fileName>{name}</owh:fileName>")))
                        && listed == stored.len(),
                    "round {round}: the message lists {listed} documents, {stored:?} are stored \
                     (removal answered {removed})"
                );
                let frozen: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id \
                     WHERE o.filing_id = $1",
                )
                .bind(id)
                .fetch_one(t.app.store.pool())
                .await
                .unwrap();
                assert_eq!(
                    frozen, listed as i64,
                    "round {round}: the relay sends what is listed"
                );
                if removed != StatusCode::NO_CONTENT {
                    assert_eq!(removed, StatusCode::CONFLICT, "round {round}: {refusal}");
                }
            }
            None => {
                assert_eq!(removed, StatusCode::NO_CONTENT, "round {round}: {refusal}");
                assert_eq!(declared, StatusCode::CONFLICT, "round {round}: {body}");
                assert_eq!(stored, ["lease.pdf"]);
            }
        }
    }
}

async fn each_enterprise_has_a_storage_quota(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    let (wh, _) = t.warehouse_with_lease().await;
    let other = t
        .create(&t.zone, "warehouses", leased_warehouse("DC 2", "2 Road"))
        .await;
    // Test setup: another warehouse of the enterprise holds documents up to less than one more
    // PDF below the quota.
    let filler = owf_shared::proof::MAX_ENTERPRISE_BYTES as i64 - 2 * PDF.len() as i64 + 1;
    sqlx::query(
        "INSERT INTO attachments (filing_id, enterprise_id, doc_type, file_name, content_type, \
         size, sha256, content, created_at) SELECT id, enterprise_id, '99', 'archive.pdf', \
         'application/pdf', $2, '', $3, 0 FROM filings WHERE id = $1",
    )
    .bind(other["id"].as_i64().unwrap())
    .bind(filler)
    .bind(PDF)
    .execute(t.app.store.write_pool())
    .await
    .unwrap();
    let path = format!(
        "/api/warehouses/{}/attachments?doc_type=99&file_name=more.pdf",
        wh["id"]
    );
    let before = t.app.count("attachments").await;
    let (status, err) = t.app.upload(&path, PDF.to_vec(), &t.zone).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert_eq!(err["code"], "payload_too_large");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("200.0 MB 的存储上限") && message.contains("请先移除"),
        "{message}"
    );
    assert_eq!(t.app.count("attachments").await, before, "nothing stored");
    let (_, detail) = t
        .app
        .get(&format!("/api/warehouses/{}", wh["id"]), Some(&t.zone))
        .await;
    assert_eq!(detail["lifecycle"]["version"], 2, "the filing unchanged");

    // Deleting the draft that holds the documents gives their bytes back.
    let (status, err) = t
        .app
        .call(
            Method::DELETE,
            &format!(
                "/api/warehouses/{}?version={}",
                other["id"], other["lifecycle"]["version"]
            ),
            None,
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{err}");
    assert_eq!(
        t.app.upload(&path, PDF.to_vec(), &t.zone).await.0,
        StatusCode::CREATED
    );

    // The quota is the enterprise's own: another enterprise still uploads.
    let reg = t
        .create(&t.plain, "registrations", plain_registration())
        .await;
    t.app.force_status(reg["id"].as_i64().unwrap(), 399).await;
    let theirs = t
        .create(&t.plain, "warehouses", leased_warehouse("DC", "1 Road"))
        .await;
    let path = format!(
        "/api/warehouses/{}/attachments?doc_type=02&file_name=l.pdf",
        theirs["id"]
    );
    assert_eq!(
        t.app.upload(&path, PDF.to_vec(), &t.plain).await.0,
        StatusCode::CREATED
    );
}

async fn names_and_file_names_with_invisible_controls_are_refused(app: TestApp) {
    let t = two(app).await;
    t.approved_registration().await;
    let (status, err) = t
        .app
        .call(
            Method::POST,
            "/api/warehouses",
            Some(json!({ "form": leased_warehouse("LA\u{202E}CD", "1 Road") })),
            &t.zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        err["fields"]["wh_name"],
        "海外仓名称不能包含不可见的格式控制字符 U+202E（它会改变文字的显示方向或隐藏内容）"
    );
    let (wh, _) = t.warehouse_with_lease().await;
    let before = t.app.count("attachments").await;
    // invoice<U+202E>fdp.exe, which shows as invoiceexe.pdf; and a zero-width space.
    for name in ["invoice%E2%80%AEfdp.exe", "lease%E2%80%8B.pdf"] {
        let path = format!(
            "/api/warehouses/{}/attachments?doc_type=99&file_name={name}",
            wh["id"]
        );
        let (status, err) = t.app.upload(&path, PDF.to_vec(), &t.zone).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        let message = err["fields"]["attachments"].as_str().unwrap();
        assert!(
            message.starts_with("文件名不能包含不可见的格式控制字符 U+"),
            "{message}"
        );
    }
    assert_eq!(t.app.count("attachments").await, before, "nothing stored");
}

both_databases!(
    every_documented_route_exists,
    registration_draft_gets_an_apply_no_and_identity_from_the_login,
    a_draft_may_be_incomplete_but_not_malformed,
    one_registration_per_enterprise,
    the_1210_mode_is_refused_for_a_non_zone_enterprise,
    stale_updates_get_409_and_change_nothing,
    concurrent_updates_of_one_draft_exactly_one_wins,
    declare_moves_to_declared_with_one_outbox_message,
    concurrent_declares_write_exactly_one_message,
    a_discredited_enterprise_cannot_declare,
    delete_removes_only_drafts,
    rejected_filings_are_editable_and_declarable_again,
    warehouse_drafts_need_a_registration_and_declaring_an_approved_one,
    one_warehouse_one_form,
    lease_expiry_shows_in_rows_and_filters_queries,
    writes_arriving_together_fail_alone,
    warehouse_declare_needs_its_proof_document_and_a_registered_mode,
    uploads_are_checked_by_content_and_size,
    lists_filter_page_and_sort_newest_first,
    another_enterprise_sees_nothing_and_gets_404_everywhere,
    bad_input_gets_a_json_4xx_and_changes_nothing,
    declaring_while_a_document_is_removed_never_loses_it,
    each_enterprise_has_a_storage_quota,
    names_and_file_names_with_invisible_controls_are_refused,
);
