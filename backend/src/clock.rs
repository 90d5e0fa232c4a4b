//! Time, in one place: the clock — milliseconds since the Unix epoch, the one timestamp type in
//! the database — and how a moment reads in Beijing time (北京时间, UTC+8), the customs day: as a
//! date, as the CEB timestamps C14 `yyyyMMddHHmmss` and C17 `yyyyMMddHHmmssfff`, and as the
//! `YYYY-MM-DD HH:MM:SS` the screens show. The calendar is the `time` crate's.

use std::ops::Range;

use owf_shared::ids::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::{format_description, offset};
use time::{Duration, Month, OffsetDateTime, UtcOffset};

/// Beijing time, the customs day.
const BEIJING: UtcOffset = offset!(+8);

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let now = OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// The Beijing wall-clock time of `ms`.
pub fn beijing_time(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(BEIJING)
}

/// Today in Beijing, the 申报 date.
pub fn beijing_today() -> Date {
    let t = beijing_time(now_ms());
    Date::new(t.year() as u16, t.month() as u8, t.day()).expect("a real date")
}

/// The milliseconds of the Beijing day `date`: from its midnight (UTC+8) for a whole day (Beijing
/// keeps no daylight saving time).
pub fn beijing_day_ms(date: Date) -> Range<i64> {
    let month = Month::try_from(date.month()).expect("a date's month is 1–12");
    let day = time::Date::from_calendar_date(i32::from(date.year()), month, date.day())
        .expect("a date is a day of the calendar");
    let start = day.midnight().assume_offset(BEIJING).unix_timestamp() * 1000;
    start..start + Duration::DAY.whole_milliseconds() as i64
}

fn format(ms: i64, description: &[BorrowedFormatItem<'_>]) -> String {
    beijing_time(ms)
        .format(description)
        .expect("a Beijing time formats")
}

/// `yyyyMMdd` of the Beijing day containing `ms` (the date part of a 申请编号).
pub fn beijing_compact_date(ms: i64) -> String {
    format(ms, format_description!("[year][month][day]"))
}

/// `YYYY-MM-DD HH:MM:SS`, Beijing time: how the screens and the transport envelope show a moment.
pub fn display_time(ms: i64) -> String {
    format(
        ms,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    )
}

/// `yyyyMMddHHmmssfff` (CEB C17), Beijing time.
pub fn c17(ms: i64) -> String {
    format(
        ms,
        format_description!("[year][month][day][hour][minute][second][subsecond digits:3]"),
    )
}

/// `yyyyMMddHHmmss` (CEB C14), Beijing time.
pub fn c14(ms: i64) -> String {
    format(
        ms,
        format_description!("[year][month][day][hour][minute][second]"),
    )
}

/// A CEB C17 time as customs wrote it (a receipt's `returnTime`) shown as `YYYY-MM-DD HH:MM:SS`;
/// text too short to be one is shown as it is.
pub fn display_receipt_time(c17: &str) -> String {
    if c17.len() < 14 || !c17.is_ascii() {
        return c17.to_owned();
    }
    format!(
        "{}-{}-{} {}:{}:{}",
        &c17[0..4],
        &c17[4..6],
        &c17[6..8],
        &c17[8..10],
        &c17[10..12],
        &c17[12..14]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_runs_from_beijing_midnight_to_the_next() {
        let d = Date::parse("2026-11-30").unwrap();
        let day = beijing_day_ms(d);
        assert_eq!(beijing_compact_date(day.start), "20261130");
        assert_eq!(beijing_compact_date(day.start - 1), "20261129");
        assert_eq!(beijing_compact_date(day.end - 1), "20261130");
        assert_eq!(beijing_compact_date(day.end), "20261201");
        assert_eq!(
            beijing_day_ms(Date::parse("1970-01-01").unwrap()),
            -8 * 3_600_000..16 * 3_600_000
        );
        let last = beijing_day_ms(Date::parse("9999-12-31").unwrap());
        assert_eq!(last.end - last.start, 86_400_000);
    }

    #[test]
    fn times_are_beijing_c17() {
        assert_eq!(c17(0), "19700101080000000");
        assert_eq!(c14(1_741_745_731_123), "20250312101531");
        assert!(owf_shared::status::is_receipt_time(&c17(1_741_745_731_123)));
    }

    #[test]
    fn times_display_in_beijing() {
        assert_eq!(display_time(1_741_745_731_123), "2025-03-12 10:15:31");
        assert_eq!(
            display_receipt_time("20250312101531123"),
            "2025-03-12 10:15:31"
        );
        assert_eq!(display_receipt_time("2025"), "2025");
    }
}
