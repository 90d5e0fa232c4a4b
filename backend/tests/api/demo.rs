//! The accounts the tests log in as ([`owf_shared::fixtures`]) are the ones `owf serve --demo`
//! seeds.

use owf_shared::fixtures::{PLAIN, ZONE};

#[test]
fn the_fixture_accounts_are_the_demo_accounts() {
    for (fixture, demo) in [ZONE, PLAIN].iter().zip(owf_backend::demo::accounts()) {
        assert_eq!(fixture.enterprise(), demo.enterprise);
        assert_eq!(
            (fixture.card_no, fixture.user_name, fixture.password),
            (demo.card_no, demo.user_name, demo.password)
        );
    }
}
