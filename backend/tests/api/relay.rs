//! The customs relay against the customs sandbox over real HTTP: approval, 退单 and
//! re-declaring, format errors, outages, lost acknowledgements, permanent failures, and relays
//! racing.

use std::time::Duration;

use owf_backend::customs::sandbox::Faults;
use owf_backend::relay::client::CustomsEndpoint;
use owf_backend::relay::RelayConfig;
use owf_backend::store::attachments::NewAttachment;
use owf_backend::store::Store;
use owf_shared::fixtures::{owned_warehouse, PLAIN, ZONE};
use owf_shared::status::Status;
use sha2::{Digest, Sha256};

use crate::common::declared::{declared_registration, history};
use crate::common::wait::eventually;
use crate::customs::{
    customs, delivery, drive_until, fast_relay, instant_customs, relay, statuses, step,
};
use crate::helpers::{both_databases, TestApp};
use crate::user::{Filing, Form, User};

/// Saves `form` as a new filing and declares it.
async fn create_and_declare<F: Form>(user: &User<'_>, form: &F) -> F::Filing {
    let created = user.create(form).await.unwrap();
    declare(user, &created).await
}

/// Declares `filing` as it is now.
async fn declare<D: Filing>(user: &User<'_>, filing: &D) -> D {
    let current = user.reload(filing).await.unwrap();
    let declared = user.declare(&current).await.unwrap();
    assert_eq!(declared.lifecycle().status, Status::Declared);
    declared
}

/// Stores a proof document of the zone enterprise's filing; `claimed` is the hash recorded for it
/// (the real one unless given).
async fn attach(store: &Store, filing_id: i64, content: &[u8], claimed: Option<&str>) {
    let sha256 = hex::encode(Sha256::digest(content));
    let enterprise = store
        .enterprise_by_customs_code(ZONE.customs_code)
        .await
        .unwrap()
        .unwrap();
    let document = NewAttachment {
        doc_type: "01".into(),
        file_name: "deed.pdf".into(),
        content_type: "application/pdf".into(),
        sha256: claimed.map_or(sha256, str::to_owned),
        content: content.to_vec().into(),
    };
    store
        .add_attachment(enterprise.id, filing_id, document)
        .await
        .unwrap()
        .expect("stored");
}

fn transitions(history: &[(Option<Status>, Status, String, String)]) -> Vec<(Status, &str)> {
    history
        .iter()
        .map(|(_, to, actor, _)| (*to, actor.as_str()))
        .collect()
}

async fn declared_filings_reach_approval(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;
    // As if the enterprise had been created before enterprises had keys: it gets them at 申报.
    sqlx::query(
        "UPDATE enterprises SET sign_key = '', public_key = '', cert_no = '' \
         WHERE customs_code = $1",
    )
    .bind(ZONE.customs_code)
    .execute(app.store.write_pool())
    .await
    .unwrap();

    let reg = create_and_declare(&zone, &ZONE.registration()).await;
    drive_until(&app.store, &relay, &[reg.id], Status::Approved).await;
    let steps = history(&app.store, reg.id).await;
    assert_eq!(
        transitions(&steps),
        [
            (Status::Draft, ZONE.card_no),
            (Status::Declared, ZONE.card_no),
            (Status::Sent, "系统"),
            (Status::Received, "海关"),
            (Status::Approved, "海关"),
        ]
    );
    assert!(steps[4].3.contains("审核通过"), "{steps:?}");
    let lifecycle = zone.reload(&reg).await.unwrap().lifecycle;
    // The timeline a clerk reads: the operator by name, plain receipt words; the guid, the
    // receipt's code and its raw text only in the technical detail.
    let shown: Vec<(String, &str)> = lifecycle
        .history
        .iter()
        .map(|h| (h.actor_label(), h.note.as_str()))
        .collect();
    let operator = format!("操作员 {}（{}）", ZONE.user_name, ZONE.card_no);
    assert_eq!(
        shown,
        [
            (operator.clone(), "新增暂存"),
            (operator, "申报，报文已进入发送队列"),
            ("系统".to_owned(), "报文已送达海关"),
            ("海关".to_owned(), "海关入库成功"),
            ("海关".to_owned(), "审核通过，备案成功"),
        ]
    );
    let guid: String = sqlx::query_scalar("SELECT guid FROM outbox WHERE filing_id = $1")
        .bind(reg.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(lifecycle.history[2].detail, format!("报文编号 {guid}"));
    assert_eq!(
        lifecycle.history[4].detail,
        format!("报文编号 {guid}；回执状态 399；回执原文：[Code:1800;Desc:逻辑校验通过] 审核通过，备案成功")
    );
    assert_eq!(
        lifecycle.last_return_info.as_deref(),
        Some("[Code:1800;Desc:逻辑校验通过] 审核通过，备案成功"),
        "the receipt is kept as customs sent it"
    );
    assert_eq!(lifecycle.send_attempts, 1);
    assert_eq!(lifecycle.next_attempt_at, None);
    assert!(lifecycle.last_return_info.unwrap().contains("审核通过"));
    assert_eq!(lifecycle.last_return_time.as_ref().unwrap().len(), 19);
    let list = zone.registrations("").await.unwrap();
    assert_eq!(
        list.items[0].last_return_time, lifecycle.last_return_time,
        "the list shows the receipt time as the detail does"
    );

    let wh = zone.create(&owned_warehouse("LA DC")).await.unwrap();
    attach(&app.store, wh.id, b"%PDF-1.4 deed of the warehouse", None).await;
    declare(&zone, &wh).await;
    let payload: String = sqlx::query_scalar("SELECT payload FROM outbox WHERE filing_id = $1")
        .bind(wh.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(payload.contains("<owh:OWH201Message xmlns:owh=\"urn:sim:owh:1.0\""));
    assert!(payload.contains("<owh:fileName>deed.pdf</owh:fileName>"));
    assert!(payload.contains("<ds:SignatureValue>"));
    drive_until(&app.store, &relay, &[wh.id], Status::Approved).await;

    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 2);
    assert!(stats.iter().all(|s| s.deliveries == 1 && s.receipts == 2));
    let counts = app.store.relay_counts().await.unwrap();
    assert_eq!((counts.depth, counts.sent, counts.failed), (0, 2, 0));
    assert_eq!(counts.receipts_applied, 4);
}

async fn rejected_filings_show_the_reason_and_can_be_declared_again(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;

    // The registration carries 主管海关 5300 from the enterprise record; by the time customs
    // judges it, customs' master data has the enterprise under 2900.
    let reg = create_and_declare(&zone, &ZONE.registration()).await;
    sqlx::query("UPDATE enterprises SET customs_district = '2900' WHERE customs_code = $1")
        .bind(ZONE.customs_code)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    drive_until(&app.store, &relay, &[reg.id], Status::Rejected).await;
    let rejected = zone.reload(&reg).await.unwrap();
    let info = rejected.lifecycle.last_return_info.clone().unwrap();
    assert!(
        info.contains("2900 杭州关区") && info.contains("当前为 5300 深圳海关"),
        "{info}"
    );
    assert!(info.contains("请重新打开本登记并暂存后再申报"), "{info}");
    let last = history(&app.store, reg.id).await.pop().unwrap();
    assert_eq!((last.1, last.2.as_str()), (Status::Rejected, "海关"));
    assert!(last.3.contains("主管海关"));

    // Saved again, the registration takes 主管海关 from the enterprise record, whatever the
    // request says.
    assert_eq!(ZONE.registration().customs_district, "5300");
    let saved = zone.save(&rejected, &ZONE.registration()).await.unwrap();
    assert_eq!(saved.lifecycle.status, Status::Draft);
    declare(&zone, &reg).await;
    drive_until(&app.store, &relay, &[reg.id], Status::Approved).await;
}

/// The proof documents a declaration froze are checked before sending: one whose content is no
/// longer what was declared (or whose recorded hash never matched) fails the message for good,
/// with the reason, and customs never receives other content than the message lists.
async fn a_document_changed_after_declaring_is_never_sent(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;
    let reg = create_and_declare(&zone, &ZONE.registration()).await;
    drive_until(&app.store, &relay, &[reg.id], Status::Approved).await;

    let changed = zone.create(&owned_warehouse("LA DC")).await.unwrap();
    attach(&app.store, changed.id, b"%PDF-1.4 the deed", None).await;
    declare(&zone, &changed).await;
    // As a damaged disk or a hand in the database would: the content changes after 申报.
    sqlx::query("UPDATE attachments SET content = $1 WHERE filing_id = $2")
        .bind(&b"%PDF-1.4 another deed"[..])
        .bind(changed.id)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    let misrecorded = zone.create(&owned_warehouse("NJ DC")).await.unwrap();
    attach(
        &app.store,
        misrecorded.id,
        b"the real deed",
        Some(&"0".repeat(64)),
    )
    .await;
    declare(&zone, &misrecorded).await;

    let ids = [changed.id, misrecorded.id];
    drive_until(&app.store, &relay, &ids, Status::SendFailed).await;
    for wh in ids {
        let (state, attempts, error) = delivery(&app.store, wh).await;
        assert_eq!((state.as_str(), attempts), ("failed", 1), "not retried");
        assert_eq!(
            error.unwrap(),
            "证明材料“deed.pdf”的内容与申报时记录的校验值或大小不符，报文未发送"
        );
    }
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 1, "customs got only the registration");
}

async fn a_tampered_message_gets_a_format_error_receipt(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let id = declared_registration(&app.store, 1).await;
    sqlx::query(
        "UPDATE outbox SET payload = REPLACE(payload, '张三', '李四') WHERE filing_id = $1",
    )
    .bind(id)
    .execute(app.store.write_pool())
    .await
    .unwrap();
    drive_until(&app.store, &relay, &[id], Status::SendFailed).await;
    let steps = history(&app.store, id).await;
    let last = steps.last().unwrap();
    assert_eq!((last.0, last.1), (Some(Status::Sent), Status::SendFailed));
    assert!(
        last.3.starts_with("签名验证失败") && !last.3.contains("-900004"),
        "the clerk reads the reason, not the code: {last:?}"
    );
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM filing_history WHERE filing_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(detail.contains("回执状态 -900004"), "{detail}");
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats[0].verdict, -900_004);
    assert_eq!(app.store.relay_counts().await.unwrap().failed, 1);
}

async fn an_outage_delays_but_loses_nothing(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(declared_registration(&app.store, n).await);
    }
    customs.sandbox.set_faults(Faults {
        down: true,
        ..Faults::default()
    });
    relay.send_due().await.unwrap();
    assert!(relay.pull_receipts().await.is_err());
    assert!(statuses(&app.store, &ids)
        .await
        .iter()
        .all(|s| *s == Status::Declared));
    let (state, attempts, last_error) = delivery(&app.store, ids[0]).await;
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    assert!(last_error.unwrap().contains("HTTP 503"));
    let counts = app.store.relay_counts().await.unwrap();
    assert_eq!((counts.depth, counts.sent), (6, 0));

    // Down for a while: still retried, still 申报中.
    tokio::time::sleep(Duration::from_millis(50)).await;
    step(&relay).await;
    assert!(statuses(&app.store, &ids)
        .await
        .iter()
        .all(|s| *s == Status::Declared));

    customs.sandbox.set_faults(Faults::default());
    drive_until(&app.store, &relay, &ids, Status::Approved).await;
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 6);
    assert!(stats.iter().all(|s| s.deliveries == 1 && s.receipts == 2));
    assert!(app.store.relay_counts().await.unwrap().retried >= 6);
}

async fn a_lost_acknowledgement_is_resent_and_processed_once(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let id = declared_registration(&app.store, 7).await;
    customs.sandbox.set_faults(Faults {
        drop_ack_rate: 1.0,
        ..Faults::default()
    });
    relay.send_due().await.unwrap();
    let (_, _, last_error) = delivery(&app.store, id).await;
    assert!(last_error.unwrap().contains("回执丢失"));
    // Only the relay's own retry may deliver it: no receipt is read meanwhile.
    eventually(Duration::from_secs(10), "the resend", || async {
        relay.send_due().await.unwrap();
        let status = statuses(&app.store, &[id]).await[0];
        (status == Status::Sent).then_some(())
    })
    .await;
    drive_until(&app.store, &relay, &[id], Status::Approved).await;
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!((stats[0].deliveries, stats[0].receipts), (2, 2));
    let steps = history(&app.store, id).await;
    assert_eq!(
        steps.iter().filter(|h| h.1 == Status::Approved).count(),
        1,
        "{steps:?}"
    );
}

async fn refusals_and_exhausted_attempts_fail_and_can_be_declared_again(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let plain = app.login(&PLAIN).await;
    let reg = create_and_declare(&plain, &PLAIN.registration()).await;

    // A URL where customs answers 404: refused for good.
    let wrong = owf_backend::relay::Relay::new(
        app.store.clone(),
        &CustomsEndpoint {
            url: format!("{}/no-such-gateway", customs.endpoint.url),
            ..customs.endpoint.clone()
        },
        fast_relay(),
    )
    .unwrap();
    drive_until(&app.store, &wrong, &[reg.id], Status::SendFailed).await;
    let last = history(&app.store, reg.id).await.pop().unwrap();
    assert_eq!(last.2, "系统");
    assert!(last.3.contains("海关拒收报文（HTTP 404"), "{last:?}");

    // Declared again, while customs is down, with two attempts allowed: given up after two.
    declare(&plain, &reg).await;
    customs.sandbox.set_faults(Faults {
        down: true,
        ..Faults::default()
    });
    let impatient = relay(
        &app.store,
        &customs,
        RelayConfig {
            max_attempts: 2,
            ..fast_relay()
        },
    );
    drive_until(&app.store, &impatient, &[reg.id], Status::SendFailed).await;
    let lifecycle = plain.reload(&reg).await.unwrap().lifecycle;
    assert_eq!(lifecycle.send_attempts, 2);
    let error = lifecycle.last_error.unwrap();
    assert!(error.starts_with("已尝试 2 次仍未送达海关"), "{error}");

    customs.sandbox.set_faults(Faults::default());
    declare(&plain, &reg).await;
    drive_until(&app.store, &impatient, &[reg.id], Status::Approved).await;
    assert_eq!(app.store.relay_counts().await.unwrap().failed, 2);
}

/// A relay that would poll only once an hour still delivers a declaration at once: the
/// declaration wakes it.
async fn a_declaration_wakes_the_idle_relay(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let idle = relay(
        &app.store,
        &customs,
        RelayConfig {
            poll_interval: Duration::from_secs(3600),
            ..fast_relay()
        },
    );
    let running = tokio::spawn(idle.run());
    // Let it claim nothing and fall asleep first.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let id = declared_registration(&app.store, 1).await;
    eventually(Duration::from_secs(20), "the delivery", || async {
        (statuses(&app.store, &[id]).await[0] == Status::Sent).then_some(())
    })
    .await;
    running.abort();
}

/// Customs refuses one message of a batch (an unsupported message type): that one fails for good
/// with customs' reason, and the others of the same batch are recorded as delivered.
async fn a_refused_message_fails_alone_in_its_batch(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let ids = [
        declared_registration(&app.store, 1).await,
        declared_registration(&app.store, 2).await,
        declared_registration(&app.store, 3).await,
    ];
    sqlx::query("UPDATE outbox SET message_type = 'OWH999' WHERE filing_id = $1")
        .bind(ids[1])
        .execute(app.store.write_pool())
        .await
        .unwrap();
    assert_eq!(relay.send_due().await.unwrap(), 3, "one batch");
    assert_eq!(
        statuses(&app.store, &ids).await,
        [Status::Sent, Status::SendFailed, Status::Sent]
    );
    let (state, attempts, error) = delivery(&app.store, ids[1]).await;
    assert_eq!((state.as_str(), attempts), ("failed", 1));
    let error = error.unwrap();
    assert!(
        error.contains("海关拒收报文（HTTP 400") && error.contains("OWH999"),
        "{error}"
    );
    let last = history(&app.store, ids[1]).await.pop().unwrap();
    assert_eq!((last.1, last.2.as_str()), (Status::SendFailed, "系统"));
    assert_eq!(
        customs.sandbox.store().message_stats().await.unwrap().len(),
        2
    );
}

/// Claimers racing for the outbox in tight loops never get the same row within a lease.
async fn concurrent_claims_are_disjoint(store: &Store, rows: usize) {
    let claimers: Vec<_> = (0..4)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let owner = format!("claimer-{n}");
                let mut ids = Vec::new();
                loop {
                    let lease_until = owf_backend::clock::now_ms() + 60_000;
                    let claimed = store.claim_outbox(&owner, lease_until, 2).await.unwrap();
                    if claimed.is_empty() {
                        break ids;
                    }
                    ids.extend(claimed.iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    let claimed = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(
        claimed,
        all.len(),
        "a row was claimed twice within its lease"
    );
    assert_eq!(all.len(), rows);
    // Give the rows back, as if every lease had run out.
    sqlx::query("UPDATE outbox SET attempts = 0, lease_owner = NULL, lease_until = NULL")
        .execute(store.write_pool())
        .await
        .unwrap();
}

/// Two relays claim from the same outbox at once: within a lease no message is sent twice —
/// customs sees each guid exactly once and every row was claimed exactly once.
async fn two_relays_never_send_the_same_row_within_a_lease(app: TestApp) {
    const FILINGS: usize = 120;
    let store = app.store;
    let customs = customs(&store, instant_customs()).await;
    for n in 0..FILINGS {
        declared_registration(&store, n).await;
    }
    concurrent_claims_are_disjoint(&store, FILINGS).await;
    let small_batches = RelayConfig {
        batch_size: 4,
        ..fast_relay()
    };
    let a = relay(&store, &customs, small_batches.clone());
    let b = relay(&store, &customs, small_batches);
    let race = |relay: owf_backend::relay::Relay| {
        tokio::spawn(async move {
            let mut claimed = 0;
            loop {
                match relay.send_due().await.unwrap() {
                    0 => break claimed,
                    n => claimed += n,
                }
            }
        })
    };
    let (a, b) = (race(a), race(b));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a + b, FILINGS);
    assert!(a > 0 && b > 0, "both relays took part ({a} + {b})");
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), FILINGS);
    assert!(
        stats.iter().all(|s| s.deliveries == 1),
        "a message was sent twice"
    );
    let attempts: Vec<i64> = sqlx::query_scalar("SELECT attempts FROM outbox")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(attempts.iter().all(|a| *a == 1));
}

both_databases!(
    declared_filings_reach_approval,
    rejected_filings_show_the_reason_and_can_be_declared_again,
    a_document_changed_after_declaring_is_never_sent,
    a_tampered_message_gets_a_format_error_receipt,
    an_outage_delays_but_loses_nothing,
    a_lost_acknowledgement_is_resent_and_processed_once,
    refusals_and_exhausted_attempts_fail_and_can_be_declared_again,
    a_declaration_wakes_the_idle_relay,
    a_refused_message_fails_alone_in_its_batch,
    two_relays_never_send_the_same_row_within_a_lease(flavor = "multi_thread", worker_threads = 4),
);

/// Two servers' relays on one PostgreSQL database, both idle (polling once an hour), and a
/// declaration written by a third server: both relays wake and take part. Each holds at most one
/// message at a time and customs answers slowly, so two messages in flight at once are one in
/// each relay.
mod wake {
    use super::*;
    use crate::helpers::postgres_only;

    async fn both_relays_on_postgres_wake_on_a_declaration_elsewhere(app: TestApp) {
        let slow = owf_backend::customs::sandbox::SandboxConfig {
            faults: Faults {
                latency_ms: 1500,
                ..Faults::default()
            },
            ..instant_customs()
        };
        let customs = customs(&app.store, slow).await;
        let one_at_a_time = RelayConfig {
            poll_interval: Duration::from_secs(3600),
            batch_size: 1,
            batches_in_flight: 1,
            ..fast_relay()
        };
        let mut owners = Vec::new();
        let mut running = Vec::new();
        for _ in 0..2 {
            let server = Store::connect(&app.url).await.unwrap();
            let relay = relay(&server, &customs, one_at_a_time.clone());
            owners.push(relay.owner().to_owned());
            running.push(tokio::spawn(relay.run()));
        }
        owners.sort();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let ids = [
            declared_registration(&app.store, 1).await,
            declared_registration(&app.store, 2).await,
        ];
        eventually(
            Duration::from_secs(20),
            "both relays to hold a message",
            || async {
                let holding: Vec<String> = sqlx::query_scalar(
                    "SELECT DISTINCT lease_owner FROM outbox WHERE lease_owner IS NOT NULL \
                 ORDER BY lease_owner",
                )
                .fetch_all(app.store.pool())
                .await
                .unwrap();
                (holding == owners).then_some(())
            },
        )
        .await;
        eventually(Duration::from_secs(20), "the deliveries", || async {
            let mut states = Vec::new();
            for id in ids {
                states.push(delivery(&app.store, id).await.0);
            }
            states.iter().all(|s| s == "sent").then_some(())
        })
        .await;
        let stats = customs.sandbox.store().message_stats().await.unwrap();
        assert!(stats.iter().all(|s| s.deliveries == 1), "{stats:?}");
        for relay in running {
            relay.abort();
        }
    }

    postgres_only!(both_relays_on_postgres_wake_on_a_declaration_elsewhere(
        flavor = "multi_thread",
        worker_threads = 4
    ));
}
