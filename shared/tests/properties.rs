//! Property tests: generated valid forms pass both validation levels, validators never panic
//! and stay consistent on arbitrary input, identifiers round-trip, and the status machine only
//! moves along the edges of the diagram (domain.md §3.2, design.md §3), amendments included.

use std::collections::BTreeSet;
use std::sync::Arc;

use owf_shared::amendment::{may_open, on_amendment_approved, AppType, Pending};
use owf_shared::codes::table::warehouse_location_refusal;
use owf_shared::codes::{Code, CodeTables, DocType, Row, TradeMode};
use owf_shared::enterprise::CreditLevel;
use owf_shared::field::{Field, FilingKind};
use owf_shared::form::{RegistrationForm, WarehouseForm};
use owf_shared::ids::{Area, Date, Uscc};
use owf_shared::status::{
    apply_receipt, apply_relay, ReceiptRefusal, ReceiptStatus, RelayOutcome, Status, Subject,
};
use owf_shared::text;
use owf_shared::validate::{
    validate_registration, validate_warehouse, Context, FieldErrors, Level, FORM_KEY,
};
use proptest::array::{uniform16, uniform9};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::string::string_regex;

// ---------------------------------------------------------------- generators of valid input

fn uscc() -> impl Strategy<Value = String> {
    let body = (vec(uscc_char(), 2), "[0-9]{6}", vec(uscc_char(), 9));
    body.prop_map(|(head, region, tail)| {
        let body: String = head.into_iter().chain(region.chars()).chain(tail).collect();
        let check = Uscc::check_char(&body).expect("17 alphabet characters");
        format!("{body}{check}")
    })
}

/// A character of the GB 32100-2015 alphabet.
fn uscc_char() -> impl Strategy<Value = char> {
    select(b"0123456789ABCDEFGHJKLMNPQRTUWXY".to_vec()).prop_map(char::from)
}

/// Non-blank free text of at most `max` characters: CJK, ASCII, full-width forms and emoji.
fn text_up_to(max: usize) -> impl Strategy<Value = String> {
    let rest = max - 1;
    let pattern = |p: String| string_regex(&p).expect("valid pattern");
    prop_oneof![
        pattern(format!("[^\\s\\p{{C}}]\\PC{{0,{rest}}}")),
        pattern(format!("[a-zA-Z0-9 ]{{0,{rest}}}X")),
        pattern(format!("[Ａ-Ｚ０-９（）😀-🙏中文海外仓]{{1,{max}}}")),
    ]
}

fn optional_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), text_up_to(max)]
}

fn phone() -> impl Strategy<Value = String> {
    "[0-9+(][0-9+()\\- ]{3,28}[0-9)]"
}

fn date() -> impl Strategy<Value = Date> {
    (2000u16..2100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

fn filing_modes(in_zone: bool) -> impl Strategy<Value = Vec<TradeMode>> {
    subsequence(TradeMode::FILING_OPTIONS.to_vec(), 1..=3)
        .prop_map(move |modes| {
            modes
                .into_iter()
                .filter(|m| in_zone || *m != TradeMode::BondedEcommerce)
                .collect::<Vec<_>>()
        })
        .prop_filter("at least one mode", |modes| !modes.is_empty())
}

fn context() -> impl Strategy<Value = Context> {
    (
        any::<bool>(),
        select(vec![CreditLevel::Advanced, CreditLevel::Registered]),
        date(),
        uscc(),
        text_up_to(100),
        select(tables().districts.rows().to_vec()),
    )
        .prop_flat_map(|(in_zone, credit_level, today, uscc, ent_name, district)| {
            filing_modes(in_zone).prop_map(move |registered_trade_modes| Context {
                in_zone,
                credit_level,
                today,
                uscc: uscc.clone(),
                ent_name: ent_name.clone(),
                customs_district: district.code.clone(),
                registered_trade_modes,
                tables: tables(),
            })
        })
}

fn tables() -> Arc<CodeTables> {
    CodeTables::embedded()
}

fn valid_registration() -> impl Strategy<Value = (RegistrationForm, Context)> {
    context().prop_flat_map(|ctx| {
        (
            filing_modes(ctx.in_zone),
            "[A-Z0-9]{1,30}",
            optional_text(50),
            optional_text(200),
            text_up_to(50),
            phone(),
            optional_text(1000),
        )
            .prop_map(
                move |(modes, ems_no, legal_rep, ent_address, contact, phone, note)| {
                    let form = RegistrationForm {
                        uscc: ctx.uscc.clone(),
                        ent_name: ctx.ent_name.clone(),
                        customs_district: ctx.customs_district.clone(),
                        trade_modes: modes.iter().map(|m| m.code().to_owned()).collect(),
                        ems_no,
                        legal_rep,
                        ent_address,
                        contact_name: contact,
                        contact_phone: phone,
                        note,
                        commitment_ack: true,
                    };
                    (form, ctx.clone())
                },
            )
    })
}

/// A decimal with at most 14 integer and 5 fraction digits, not zero.
fn area() -> impl Strategy<Value = String> {
    "[0-9]{1,14}(\\.[0-9]{1,5})?".prop_filter("positive", |s| {
        s.bytes().any(|b| (b'1'..=b'9').contains(&b))
    })
}

/// Lease dates (start, end) with start ≤ end and end ≥ `today`, including both boundaries.
fn lease(today: Date) -> impl Strategy<Value = (Date, Date)> {
    (date(), 0u16..10, 1u8..=12, 1u8..=28).prop_map(move |(start, years, m, d)| {
        let earliest = start.max(today);
        let end = if years == 0 {
            earliest
        } else {
            Date::new(earliest.year() + years, m, d).unwrap()
        };
        (start, end)
    })
}

type ValidWarehouse = (WarehouseForm, Vec<DocType>, Context);

fn valid_warehouse() -> impl Strategy<Value = ValidWarehouse> {
    context().prop_flat_map(|ctx| {
        let overseas: Vec<Row> = ctx
            .tables
            .countries
            .rows()
            .iter()
            .filter(|c| warehouse_location_refusal(&c.code).is_none())
            .cloned()
            .collect();
        let texts = (
            text_up_to(100),
            optional_text(30),
            text_up_to(100),
            text_up_to(255),
            optional_text(20),
            optional_text(500),
            optional_text(50),
            prop_oneof![Just(String::new()), phone().boxed()],
            optional_text(1000),
        );
        (
            select(ctx.registered_trade_modes.clone()),
            select(overseas),
            area(),
            any::<bool>(),
            lease(ctx.today),
            text_up_to(200),
            texts,
            vec(select(DocType::ALL), 0..4),
        )
            .prop_map(
                move |(mode, country, area, leased, (start, end), lessor, texts, mut docs)| {
                    let (
                        wh_name,
                        wh_code,
                        city,
                        wh_address,
                        postcode,
                        platforms,
                        contact,
                        phone,
                        note,
                    ) = texts;
                    docs.push(if leased {
                        DocType::Lease
                    } else {
                        DocType::Ownership
                    });
                    let (lease_start, lease_end, lessor_name) = if leased {
                        (start.to_string(), end.to_string(), lessor)
                    } else {
                        Default::default()
                    };
                    let form = WarehouseForm {
                        trade_mode: mode.code().to_owned(),
                        wh_name,
                        wh_code,
                        country_code: country.code.clone(),
                        city,
                        wh_address,
                        postcode,
                        area_sqm: area,
                        ownership: if leased { "2" } else { "1" }.to_owned(),
                        lease_start,
                        lease_end,
                        lessor_name,
                        sales_platforms: platforms,
                        wh_contact: contact,
                        wh_phone: phone,
                        note,
                    };
                    (form, docs, ctx.clone())
                },
            )
    })
}

// ---------------------------------------------------------------- arbitrary input

/// Any string, with a bias towards the troublesome: control characters, full-width forms,
/// emoji (including ZWJ sequences), near-valid codes and 10,000-character values.
fn wild() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[０-９Ａ-Ｚａ-ｚ（）－＋．　。，]{0,40}",
        2 => "(😀|👨‍👩‍👧|🇨🇳|[🚀-🛿]|\u{FE0F}){0,40}",
        2 => "[0-9A-Z .\\-+()]{0,25}",
        1 => (any::<char>(), 9_990usize..10_010).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => "[0-9A-Z中😀]{1,8}".prop_map(|chunk| chunk.repeat(10_000 / chunk.chars().count())),
    ]
}

fn arbitrary_context() -> impl Strategy<Value = Context> {
    (
        any::<bool>(),
        select(CreditLevel::ALL.to_vec()),
        date(),
        wild(),
        wild(),
        subsequence(TradeMode::ALL.to_vec(), 0..=5),
        wild(),
    )
        .prop_map(
            |(in_zone, credit_level, today, uscc, ent_name, modes, district)| Context {
                in_zone,
                credit_level,
                today,
                uscc,
                ent_name,
                customs_district: district,
                registered_trade_modes: modes,
                tables: tables(),
            },
        )
}

fn arbitrary_trade_modes() -> impl Strategy<Value = Vec<String>> {
    let near_valid = select(vec!["9810", "1210", "0110", "9610", " "]).prop_map(String::from);
    vec(prop_oneof![wild(), near_valid], 0..5)
}

fn arbitrary_registration() -> impl Strategy<Value = RegistrationForm> {
    (uniform9(wild()), arbitrary_trade_modes(), any::<bool>()).prop_map(
        |(values, trade_modes, commitment_ack)| {
            let [
                uscc,
                ent_name,
                customs_district,
                ems_no,
                legal_rep,
                ent_address,
                contact_name,
                contact_phone,
                note,
            ] = values;
            RegistrationForm {
                uscc,
                ent_name,
                customs_district,
                trade_modes,
                ems_no,
                legal_rep,
                ent_address,
                contact_name,
                contact_phone,
                note,
                commitment_ack,
            }
        },
    )
}

fn arbitrary_warehouse() -> impl Strategy<Value = WarehouseForm> {
    uniform16(wild()).prop_map(|values| {
        let [
            trade_mode,
            wh_name,
            wh_code,
            country_code,
            city,
            wh_address,
            postcode,
            area_sqm,
            ownership,
            lease_start,
            lease_end,
            lessor_name,
            sales_platforms,
            wh_contact,
            wh_phone,
            note,
        ] = values;
        WarehouseForm {
            trade_mode,
            wh_name,
            wh_code,
            country_code,
            city,
            wh_address,
            postcode,
            area_sqm,
            ownership,
            lease_start,
            lease_end,
            lessor_name,
            sales_platforms,
            wh_contact,
            wh_phone,
            note,
        }
    })
}

/// Error maps are keyed by the form's own fields (or `_form`), carry a message for each key,
/// and a draft never has an error key that the declaration lacks.
fn assert_consistent(kind: FilingKind, draft: &FieldErrors, declare: &FieldErrors) {
    for (key, message) in draft.iter().chain(declare) {
        let known = key == FORM_KEY
            || Field::from_key(key).is_some_and(|field| field.requirement(kind).is_some());
        assert!(known, "unknown error key {key}");
        assert!(!message.is_empty());
    }
    let draft_keys: BTreeSet<_> = draft.keys().collect();
    let declare_keys: BTreeSet<_> = declare.keys().collect();
    assert!(
        draft_keys.is_subset(&declare_keys),
        "{draft:?} vs {declare:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn valid_registrations_pass_both_levels((form, ctx) in valid_registration()) {
        prop_assert_eq!(validate_registration(&form, Level::Draft, &ctx), FieldErrors::new());
        prop_assert_eq!(validate_registration(&form, Level::Declare, &ctx), FieldErrors::new());
    }

    #[test]
    fn valid_warehouses_pass_both_levels((form, docs, ctx) in valid_warehouse()) {
        prop_assert_eq!(validate_warehouse(&form, &docs, Level::Draft, &ctx), FieldErrors::new());
        prop_assert_eq!(validate_warehouse(&form, &docs, Level::Declare, &ctx), FieldErrors::new());
    }

    #[test]
    fn registration_validation_is_total_and_consistent(
        form in arbitrary_registration(),
        ctx in arbitrary_context(),
    ) {
        let draft = validate_registration(&form, Level::Draft, &ctx);
        let declare = validate_registration(&form, Level::Declare, &ctx);
        assert_consistent(FilingKind::Registration, &draft, &declare);
        let normalized = form.clone().normalized();
        prop_assert_eq!(validate_registration(&normalized, Level::Declare, &ctx), declare);
    }

    #[test]
    fn warehouse_validation_is_total_and_consistent(
        form in arbitrary_warehouse(),
        docs in vec(select(DocType::ALL), 0..3),
        ctx in arbitrary_context(),
    ) {
        let draft = validate_warehouse(&form, &docs, Level::Draft, &ctx);
        let declare = validate_warehouse(&form, &docs, Level::Declare, &ctx);
        assert_consistent(FilingKind::Warehouse, &draft, &declare);
        let normalized = form.clone().normalized();
        prop_assert_eq!(validate_warehouse(&normalized, &docs, Level::Declare, &ctx), declare);
    }

    #[test]
    fn parsers_never_panic(input in wild()) {
        let _ = Uscc::parse(&input);
        let _ = owf_shared::ids::CustomsCode::parse(&input);
        let _ = owf_shared::ids::Phone::parse(&input);
        let _ = Date::parse(&input);
        let _ = Area::parse(&input);
        let _ = CodeTables::embedded().countries.parse(&input);
        let _ = owf_shared::status::is_receipt_time(&input);
        let chars = input.chars().count();
        if text::check(&input, usize::MAX).is_ok() {
            prop_assert!(text::check(&input, chars).is_ok());
            if chars > 0 {
                prop_assert_eq!(
                    text::check(&input, chars - 1),
                    Err(text::TextError::TooLong { max: chars - 1, len: chars })
                );
            }
        }
    }

    #[test]
    fn uscc_accepts_its_check_char_and_refuses_any_substitution(
        code in uscc(),
        pos in 0usize..18,
        replacement in prop_oneof![uscc_char(), any::<char>()],
    ) {
        prop_assert_eq!(Uscc::parse(&code).map(|u| u.as_str().to_owned()), Ok(code.clone()));
        let mut chars: Vec<char> = code.chars().collect();
        prop_assume!(chars[pos] != replacement);
        chars[pos] = replacement;
        let mutated: String = chars.into_iter().collect();
        prop_assert!(Uscc::parse(&mutated).is_err(), "{} accepted", mutated);
    }

    #[test]
    fn area_round_trips_exactly(input in area()) {
        let area = Area::parse(&input).unwrap();
        prop_assert_eq!(Area::parse(&area.to_string()), Ok(area));
        // The normalised text denotes the same number as the input.
        let strip = |s: &str| -> String {
            let (int, frac) = s.split_once('.').unwrap_or((s, ""));
            let int = int.trim_start_matches('0');
            let frac = frac.trim_end_matches('0');
            format!("{}.{}", if int.is_empty() { "0" } else { int }, frac)
        };
        prop_assert_eq!(strip(&area.to_string()), strip(&input));
    }

    #[test]
    fn dates_round_trip(d in (1u16..=9999, 1u8..=12, 1u8..=31)) {
        if let Some(date) = Date::new(d.0, d.1, d.2) {
            prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
            prop_assert_eq!(date.compact(), date.to_string().replace('-', ""));
        } else {
            prop_assert!(d.2 > 28);
        }
    }
}

// ---------------------------------------------------------------- status machine

/// The edges of the diagram (domain.md §3.2, design.md §3), written out independently of the
/// implementation.
const EDGES: &[(Status, Status)] = &[
    (Status::Draft, Status::Draft),
    (Status::Draft, Status::Declared),
    (Status::Declared, Status::Sent),
    (Status::Declared, Status::SendFailed),
    (Status::Sent, Status::Received),
    (Status::Sent, Status::SendFailed),
    (Status::Received, Status::UnderReview),
    (Status::Received, Status::Approved),
    (Status::Received, Status::Rejected),
    (Status::UnderReview, Status::Approved),
    (Status::UnderReview, Status::Rejected),
    (Status::SendFailed, Status::Declared),
    (Status::SendFailed, Status::Draft),
    (Status::Rejected, Status::Declared),
    (Status::Rejected, Status::Draft),
];

#[derive(Debug, Clone)]
enum Event {
    Save,
    Declare,
    Relay(RelayOutcome),
    Receipt(i32, String),
}

fn receipt_time() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => (0u32..24, 0u32..60, 0u32..60, 0u32..1000)
            .prop_map(|(h, m, s, ms)| format!("20250312{h:02}{m:02}{s:02}{ms:03}")),
        1 => wild(),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        Just(Event::Save),
        Just(Event::Declare),
        select(vec![RelayOutcome::Delivered, RelayOutcome::Failed]).prop_map(Event::Relay),
        (
            select(vec![1, 2, 3, 4, 100, 120, 300, 399, 500, 800, -1, -900001]),
            receipt_time()
        )
            .prop_map(|(code, time)| Event::Receipt(code, time)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn status_machine_stays_on_the_diagram(events in vec(event(), 0..60)) {
        let mut status = Status::Draft;
        let mut last_time: Option<String> = None;
        for event in events {
            let next = match &event {
                Event::Save => status.on_save().ok(),
                Event::Declare => status.on_declare().ok(),
                Event::Relay(outcome) => apply_relay(status, *outcome).ok(),
                Event::Receipt(code, time) => {
                    let Some(receipt) = ReceiptStatus::from_code(*code) else {
                        prop_assert!((1..=4).contains(code) || *code >= 500);
                        continue;
                    };
                    match apply_receipt(Subject::Filing, status, last_time.as_deref(), receipt, time) {
                        Ok(next) => {
                            if let Some(last) = &last_time {
                                prop_assert!(time > last, "applied {} after {}", time, last);
                            }
                            last_time = Some(time.clone());
                            Some(next)
                        }
                        Err(ReceiptRefusal::Stale { .. }) => {
                            let last = last_time.as_deref();
                            prop_assert!(last.is_some_and(|last| time.as_str() <= last));
                            None
                        }
                        Err(_) => None,
                    }
                }
            };
            if let Some(next) = next {
                prop_assert!(
                    EDGES.contains(&(status, next)),
                    "{:?} moved {:?} -> {:?}", event, status, next
                );
                status = next;
            }
        }
    }
}

#[test]
fn status_machine_reaches_every_status() {
    // Happy path and both failure branches, so the property above is not vacuous.
    let t = |n: u32| format!("20250312101531{n:03}");
    let mut s = Status::Draft.on_declare().unwrap();
    s = apply_relay(s, RelayOutcome::Delivered).unwrap();
    s = apply_receipt(Subject::Filing, s, None, ReceiptStatus::Received, &t(1)).unwrap();
    s = apply_receipt(
        Subject::Filing,
        s,
        Some(&t(1)),
        ReceiptStatus::UnderReview,
        &t(2),
    )
    .unwrap();
    s = apply_receipt(
        Subject::Filing,
        s,
        Some(&t(2)),
        ReceiptStatus::Approved,
        &t(3),
    )
    .unwrap();
    assert_eq!(s, Status::Approved);

    let rejected = apply_receipt(
        Subject::Filing,
        Status::Received,
        None,
        ReceiptStatus::Rejected,
        &t(1),
    )
    .unwrap();
    assert_eq!(rejected, Status::Rejected);
    assert_eq!(rejected.on_save(), Ok(Status::Draft));
    let failed = apply_relay(Status::Declared, RelayOutcome::Failed).unwrap();
    assert_eq!(failed.on_declare(), Ok(Status::Declared));
}

/// What happens to an approved filing and its amendments: a clerk opens a 变更 or 注销, edits and
/// declares it, deletes a draft, and the relay and customs answer the amendment.
#[derive(Debug, Clone)]
enum AmendEvent {
    Open(AppType),
    /// 暂存 of the amendment with new content.
    Save(u32),
    Declare,
    Delete,
    Relay(RelayOutcome),
    Receipt(ReceiptStatus),
}

fn amend_event() -> impl Strategy<Value = AmendEvent> {
    prop_oneof![
        select(vec![AppType::Change, AppType::Cancel]).prop_map(AmendEvent::Open),
        (1u32..100).prop_map(AmendEvent::Save),
        Just(AmendEvent::Declare),
        Just(AmendEvent::Delete),
        select(vec![RelayOutcome::Delivered, RelayOutcome::Failed]).prop_map(AmendEvent::Relay),
        select(vec![
            ReceiptStatus::Received,
            ReceiptStatus::UnderReview,
            ReceiptStatus::Approved,
            ReceiptStatus::Rejected,
            ReceiptStatus::GatewayError(-1),
        ])
        .prop_map(AmendEvent::Receipt),
    ]
}

/// An amendment under way in the model: its pending mark and the content it carries.
struct Amendment {
    pending: Pending,
    content: u32,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn amendments_never_touch_the_approved_version_until_approved(
        events in vec(amend_event(), 0..80)
    ) {
        let mut status = Status::Approved;
        let mut content = 0u32;
        let mut amendment: Option<Amendment> = None;
        let mut clock = 0u32;
        for event in events {
            let before = (status, content);
            let mut approved: Option<(AppType, u32)> = None;
            match event {
                AmendEvent::Open(app_type) => {
                    let opened = may_open(status, amendment.as_ref().map(|a| &a.pending));
                    prop_assert_eq!(
                        opened.is_ok(),
                        status == Status::Approved && amendment.is_none()
                    );
                    if opened.is_ok() {
                        // A 变更 opens as a draft of the approved content; a 注销 is declared.
                        let own = match app_type {
                            AppType::Cancel => Status::Draft.on_declare().unwrap(),
                            _ => Status::Draft,
                        };
                        let pending = Pending { id: 1, app_type, status: own };
                        amendment = Some(Amendment { pending, content });
                    }
                }
                other => {
                    let Some(current) = amendment.as_mut() else { continue };
                    let own = current.pending.status;
                    let next = match other {
                        AmendEvent::Save(new) => own.on_save().ok().inspect(|_| current.content = new),
                        AmendEvent::Declare => own.on_declare().ok(),
                        AmendEvent::Delete => {
                            if own == Status::Draft {
                                amendment = None;
                            }
                            continue;
                        }
                        AmendEvent::Relay(outcome) => apply_relay(own, outcome).ok(),
                        AmendEvent::Receipt(receipt) => {
                            clock += 1;
                            let time = format!("20261201{:09}", clock);
                            apply_receipt(Subject::Filing, own, None, receipt, &time).ok()
                        }
                        AmendEvent::Open(_) => unreachable!(),
                    };
                    if let Some(next) = next {
                        prop_assert!(EDGES.contains(&(own, next)), "{:?} -> {:?}", own, next);
                        current.pending.status = next;
                        if next == Status::Approved {
                            approved = Some((current.pending.app_type, current.content));
                        }
                    }
                }
            }
            if let Some((app_type, new_content)) = approved {
                status = on_amendment_approved(status, app_type).unwrap();
                if app_type == AppType::Change {
                    content = new_content;
                }
                amendment = None;
            }
            // Only customs' approval of an amendment moves the approved filing, and 已注销 is final.
            if approved.is_none() {
                prop_assert_eq!((status, content), before);
            }
            prop_assert!(before.0 != Status::Cancelled || status == Status::Cancelled);
            prop_assert!(matches!(status, Status::Approved | Status::Cancelled));
        }
    }
}

#[test]
fn a_change_and_a_cancellation_reach_their_ends() {
    // The property above is not vacuous: both amendments can be approved.
    let t = |n: u32| format!("20261201101531{n:03}");
    let approve = |from: Status| {
        let mut s = apply_relay(from, RelayOutcome::Delivered).unwrap();
        s = apply_receipt(Subject::Filing, s, None, ReceiptStatus::Received, &t(1)).unwrap();
        apply_receipt(
            Subject::Filing,
            s,
            Some(&t(1)),
            ReceiptStatus::Approved,
            &t(2),
        )
        .unwrap()
    };
    let change = approve(Status::Draft.on_declare().unwrap());
    assert_eq!(change, Status::Approved);
    let root = on_amendment_approved(Status::Approved, AppType::Change).unwrap();
    assert_eq!(root, Status::Approved);
    approve(Status::Declared);
    let root = on_amendment_approved(root, AppType::Cancel).unwrap();
    assert_eq!(root, Status::Cancelled);
    assert!(may_open(root, None).is_err());
    assert!(root.on_save().is_err() && root.on_declare().is_err());
}
