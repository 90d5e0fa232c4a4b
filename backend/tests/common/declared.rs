//! Declared 企业登记 of numbered enterprises, written through the store as the declare endpoint
//! does, and what became of them: their history and their outbox messages.

use owf_backend::customs::keys::SigningKeys;
use owf_backend::customs::message::{self, DeclarationInput, DeclaredForm};
use owf_backend::store::filings::{IndexColumns, NewFiling, OutboxMessage};
use owf_backend::store::history::Transition;
use owf_backend::store::Store;
use owf_shared::field::FilingKind;
use owf_shared::fixtures;
use owf_shared::status::Status;

/// Creates enterprise number `n` ([`fixtures::numbered_enterprise`]) and declares its 企业登记
/// through the store, as the declare endpoint does: signed message and outbox row in the
/// declaring transaction. Returns the filing id.
pub async fn declared_registration(store: &Store, n: usize) -> i64 {
    let enterprise = fixtures::numbered_enterprise(n);
    let keys = SigningKeys::new(store.clone());
    let enterprise_id = keys.add_enterprise(&enterprise).await.unwrap().unwrap();
    let info = store
        .enterprise_by_customs_code(&enterprise.customs_code)
        .await
        .unwrap()
        .unwrap();
    let form = fixtures::registration(&enterprise, "张三");
    let card = format!("89{n:011}");
    let record = store
        .create_filing(&NewFiling {
            kind: FilingKind::Registration,
            enterprise: &info,
            registration: None,
            operator_card_no: &card,
            form_json: serde_json::to_string(&form).unwrap(),
            index: IndexColumns {
                trade_modes: form.trade_modes.clone(),
                ..IndexColumns::default()
            },
        })
        .await
        .unwrap()
        .record;
    let signer = keys.signer(enterprise_id).await.unwrap();
    let signed = message::declaration(
        DeclarationInput {
            app_type: owf_shared::amendment::AppType::New,
            apply_no: &record.apply_no,
            ent_apply_no: "",
            enterprise: &info,
            card_no: &card,
            form: DeclaredForm::Registration(form),
        },
        &signer,
    );
    let declared = store
        .declare_filing(
            record.clone(),
            Transition {
                id: record.id,
                version: record.version,
                from: Status::Draft,
                to: Status::Declared,
                actor: card,
                note: "申报".into(),
                detail: String::new(),
            },
            OutboxMessage::from(signed),
        )
        .await
        .unwrap();
    assert!(declared.is_some());
    record.id
}

/// `(from, to, actor, note)` of a filing's history.
pub async fn history(store: &Store, id: i64) -> Vec<(Option<Status>, Status, String, String)> {
    let rows: Vec<(Option<i64>, i64, String, String)> = sqlx::query_as(
        "SELECT from_status, to_status, actor, note FROM filing_history \
         WHERE filing_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let status = |code: i64| Status::from_code(code as i32).unwrap();
    rows.into_iter()
        .map(|(from, to, actor, note)| (from.map(status), status(to), actor, note))
        .collect()
}

/// Guids of every outbox message, in order.
pub async fn outbox_guids(store: &Store) -> Vec<String> {
    sqlx::query_scalar("SELECT guid FROM outbox ORDER BY guid")
        .fetch_all(store.pool())
        .await
        .unwrap()
}
