//! Identifiers and formatted values as newtypes ("parse, don't validate"): a value of these
//! types is always well-formed. Each `parse` takes the trimmed user input; each error's
//! `Display` reads as a predicate after the field label ("统一社会信用代码" + "校验位错误：…").
//!
//! Code-table values (关区代码, 国别（地区）代码, 监管方式 …) parse through [`crate::codes::Code::parse`].

use std::fmt;

use crate::decimal::{self, Decimal, DecimalError};

/// The 31 symbols of GB 32100-2015, value = index (no I, O, S, V, Z).
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights Wi = 3^(i−1) mod 31 of positions 1–17.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// 统一社会信用代码 (USCC, GB 32100-2015): 18 characters, positions 3–8 digits, check character 18.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc(String);

/// Why a 统一社会信用代码 is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters.
    Length { len: usize },
    /// A character outside the GB 32100-2015 alphabet at 1-based position `pos`.
    BadChar { pos: usize, ch: char },
    /// A letter in positions 3–8 (登记管理机关行政区划码 must be digits).
    RegionNotDigit { pos: usize, ch: char },
    /// The 18th character is not the computed check character.
    CheckDigit { expected: char, found: char },
}

impl fmt::Display for UsccError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { len } => write!(f, "应为 18 位（当前 {len} 位）"),
            Self::BadChar { pos, ch } => write!(
                f,
                "第 {pos} 位字符“{ch}”无效：只能使用数字和大写字母（不含 I、O、S、V、Z）"
            ),
            Self::RegionNotDigit { pos, ch } => write!(
                f,
                "第 {pos} 位应为数字（第 3–8 位为登记管理机关行政区划码，当前为“{ch}”）"
            ),
            Self::CheckDigit { expected, found } => write!(
                f,
                "校验位错误：按 GB 32100-2015 计算第18位应为 {expected}（当前为 {found}）"
            ),
        }
    }
}

fn uscc_value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    let index = USCC_ALPHABET.iter().position(|&a| a == byte)?;
    u32::try_from(index).ok()
}

/// C18 = alphabet[(31 − Σ value(Ci)·Wi mod 31) mod 31] over the values of positions 1–17.
fn uscc_check(values: impl Iterator<Item = u32>) -> char {
    let sum: u32 = values.zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    char::from(USCC_ALPHABET[((31 - sum % 31) % 31) as usize])
}

impl Uscc {
    /// Parses an 18-character code and verifies its check character.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let chars: Vec<char> = input.chars().collect();
        if chars.len() != 18 {
            return Err(UsccError::Length { len: chars.len() });
        }
        let mut values = Vec::with_capacity(18);
        for (pos, &ch) in (1..).zip(&chars) {
            let value = uscc_value(ch).ok_or(UsccError::BadChar { pos, ch })?;
            if (3..=8).contains(&pos) && value > 9 {
                return Err(UsccError::RegionNotDigit { pos, ch });
            }
            values.push(value);
        }
        let expected = uscc_check(values.into_iter().take(17));
        let found = chars[17];
        if found != expected {
            return Err(UsccError::CheckDigit { expected, found });
        }
        Ok(Self(input.to_owned()))
    }

    /// The check character (position 18) for the first 17 characters, or `None` when `body` is
    /// not 17 characters of the GB 32100-2015 alphabet.
    pub fn check_char(body: &str) -> Option<char> {
        let values: Vec<u32> = body.chars().map(uscc_value).collect::<Option<_>>()?;
        (values.len() == 17).then(|| uscc_check(values.into_iter()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 海关编码 (海关注册编码, 10 characters): 4 digits then 6 of `0-9A-Z`; no check digit
/// (domain.md §5.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomsCode(String);

/// Why a 海关编码 is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomsCodeError {
    /// Not 10 characters.
    Length { len: usize },
    /// Wrong character at 1-based position `pos` (1–4 must be digits, 5–10 digits or A–Z).
    BadChar { pos: usize, ch: char },
}

impl fmt::Display for CustomsCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { len } => write!(
                f,
                "应为 10 位（当前 {len} 位）：前 4 位为数字，后 6 位为数字或大写字母"
            ),
            Self::BadChar { pos, ch } if *pos <= 4 => {
                write!(f, "第 {pos} 位应为数字（当前为“{ch}”）")
            }
            Self::BadChar { pos, ch } => {
                write!(f, "第 {pos} 位应为数字或大写字母（当前为“{ch}”）")
            }
        }
    }
}

impl CustomsCode {
    pub fn parse(input: &str) -> Result<Self, CustomsCodeError> {
        let len = input.chars().count();
        if len != 10 {
            return Err(CustomsCodeError::Length { len });
        }
        for (i, ch) in input.chars().enumerate() {
            let ok = ch.is_ascii_digit() || (i >= 4 && ch.is_ascii_uppercase());
            if !ok {
                return Err(CustomsCodeError::BadChar { pos: i + 1, ch });
            }
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 联系电话 (A13, B16): 5–30 characters of `0-9 + - ( )` and space, optionally followed by an
/// extension (分机) as clerks write it: `0755-88886666 转 8`, `… 分机 8`, `… ext 8`, `… ext. 8`,
/// `… x8` (1–6 digits), or `0755-88886666-8`, which the main part already allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

/// Why a phone number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneError;

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "只能包含数字、+、-、括号和空格，长度 5–30 位；分机号可写在后面，例如 0755-88886666 转 8",
        )
    }
}

/// Words that introduce an extension, longest first.
const EXTENSION_WORDS: [&str; 5] = ["ext.", "ext", "转", "分机", "x"];

/// `input` without a trailing extension (`转 8`, `ext 8` …), or `None` when it has none.
fn without_extension(input: &str) -> Option<&str> {
    let digits = input.trim_end_matches(|c: char| c.is_ascii_digit());
    let extension = input.len() - digits.len();
    if !(1..=6).contains(&extension) {
        return None;
    }
    let before = digits.trim_end();
    let lower = before.to_ascii_lowercase();
    EXTENSION_WORDS
        .iter()
        .find(|word| lower.ends_with(*word))
        .map(|word| before[..before.len() - word.len()].trim_end())
}

impl Phone {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let main = without_extension(input).unwrap_or(input);
        let len = main.chars().count();
        let chars_ok = main
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | ' '));
        if (5..=30).contains(&len) && chars_ok && input.chars().count() <= 30 {
            Ok(Self(input.to_owned()))
        } else {
            Err(PhoneError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar date. Wire format ISO `YYYY-MM-DD`; [`Date::compact`] gives CEB `yyyyMMdd` (C8).
/// Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a date is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY-MM-DD`.
    Format,
    /// Well-formed but no such day (e.g. 2025-02-29).
    NoSuchDay,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format => f.write_str("应为 YYYY-MM-DD 格式的日期，例如 2025-03-12"),
            Self::NoSuchDay => {
                f.write_str("不是有效的日期（月份应为 01–12，日期不能超过当月天数）")
            }
        }
    }
}

/// The value of an all-ASCII-digit string, or `None`.
fn digits_value(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Date {
    /// The date `year-month-day`, if it exists (years 1–9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let month_of_year = time::Month::try_from(month).ok()?;
        let exists = time::Date::from_calendar_date(i32::from(year), month_of_year, day).is_ok();
        ((1..=9999).contains(&year) && exists).then_some(Self { year, month, day })
    }

    /// The same day on the `time` crate's calendar.
    fn calendar(self) -> time::Date {
        let month = time::Month::try_from(self.month).expect("a Date holds a real month");
        time::Date::from_calendar_date(i32::from(self.year), month, self.day)
            .expect("a Date holds a real day")
    }

    fn from_calendar(date: time::Date) -> Option<Self> {
        let year = u16::try_from(date.year()).ok()?;
        Self::new(year, u8::from(date.month()), date.day())
    }

    /// Parses ISO `YYYY-MM-DD`.
    pub fn parse(input: &str) -> Result<Self, DateError> {
        let bytes = input.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(DateError::Format);
        }
        let part = |range: std::ops::Range<usize>| {
            input
                .get(range)
                .and_then(digits_value)
                .ok_or(DateError::Format)
        };
        let (year, month, day) = (part(0..4)?, part(5..7)?, part(8..10)?);
        // The parts have at most 4 and 2 digits, so the conversions cannot fail.
        Self::new(year as u16, month as u8, day as u8).ok_or(DateError::NoSuchDay)
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// The date `days` days later (earlier when negative), within years 1–9999 (clamped).
    pub fn add_days(self, days: i64) -> Date {
        // Years 1–9999 are under 3.7 million days apart: a longer step lands beyond either end.
        let step = time::Duration::days(days.clamp(-4_000_000, 4_000_000));
        let moved = self
            .calendar()
            .checked_add(step)
            .and_then(Self::from_calendar);
        moved.unwrap_or_else(|| {
            if days < 0 {
                Self::new(1, 1, 1).expect("0001-01-01 exists")
            } else {
                Self::new(9999, 12, 31).expect("9999-12-31 exists")
            }
        })
    }

    /// The day of the week, 0 for Sunday to 6 for Saturday (the columns of a Chinese calendar,
    /// 日 一 二 三 四 五 六).
    pub fn weekday(self) -> u8 {
        self.calendar().weekday().number_days_from_sunday()
    }

    /// What a clerk typed into a date field, brought into the one format as far as it goes:
    /// full-width digits count as digits, anything else is dropped, and the hyphens of
    /// `YYYY-MM-DD` are put in (`20261231` → `2026-12-31`, `２０２６１２` → `2026-12`).
    pub fn mask(typed: &str) -> String {
        let digits: Vec<char> = crate::text::to_half_width(typed)
            .chars()
            .filter(char::is_ascii_digit)
            .take(8)
            .collect();
        let mut masked = String::with_capacity(10);
        for (i, digit) in digits.into_iter().enumerate() {
            if i == 4 || i == 6 {
                masked.push('-');
            }
            masked.push(digit);
        }
        masked
    }

    /// CEB C8 format `yyyyMMdd`.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// 仓库面积(平方米) (B10, N19,5): an exact decimal > 0 with at most 14 integer and 5 fraction
/// digits ([`decimal::AREA`]), with no floating point anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Area(Decimal);

/// Why an area is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaError {
    /// Not a number of the format.
    Number(DecimalError),
    /// Zero or negative.
    NotPositive,
}

impl fmt::Display for AreaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(error) => error.fmt(f),
            Self::NotPositive => f.write_str("必须大于 0"),
        }
    }
}

impl Area {
    /// Parses `digits[.digits]`, e.g. `5200`, `0.5`, `1234.56789`.
    pub fn parse(input: &str) -> Result<Self, AreaError> {
        match Decimal::parse(input, decimal::AREA) {
            Ok(area) if !area.is_zero() => Ok(Self(area)),
            Ok(_) | Err(DecimalError::Negative) => Err(AreaError::NotPositive),
            Err(error) => Err(AreaError::Number(error)),
        }
    }
}

/// Normalised decimal: no leading zeros, no trailing fraction zeros (`0012.50` → `12.5`).
impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID_USCC: [&str; 4] = [
        "91350100M000100Y43",
        "914403001922038216",
        "9144030071526726XG",
        "91110000600037341L",
    ];

    #[test]
    fn uscc_spec_vectors() {
        for code in VALID_USCC {
            assert_eq!(Uscc::parse(code).unwrap().as_str(), code);
        }
        assert_eq!(
            Uscc::parse("91350203M0001QAY9B"),
            Err(UsccError::CheckDigit {
                expected: '9',
                found: 'B'
            })
        );
    }

    #[test]
    fn uscc_check_char_matches_worked_example() {
        assert_eq!(Uscc::check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(Uscc::check_char("91350100M000100Y"), None);
        assert_eq!(Uscc::check_char("91350100M000100YI"), None);
    }

    #[test]
    fn every_single_character_mutation_of_a_valid_uscc_is_rejected() {
        let replacements: Vec<char> = USCC_ALPHABET
            .iter()
            .map(|&b| char::from(b))
            .chain("IOSVZaoy ０Ａ中😀-".chars())
            .collect();
        let mut tried = 0;
        for code in VALID_USCC {
            let chars: Vec<char> = code.chars().collect();
            for pos in 0..chars.len() {
                for &r in &replacements {
                    if r == chars[pos] {
                        continue;
                    }
                    let mut mutated = chars.clone();
                    mutated[pos] = r;
                    let mutated: String = mutated.into_iter().collect();
                    assert!(Uscc::parse(&mutated).is_err(), "{mutated} accepted");
                    tried += 1;
                }
            }
        }
        assert!(tried > 4 * 18 * 30);
    }

    #[test]
    fn uscc_error_messages_locate_the_problem() {
        assert_eq!(
            Uscc::parse("91350100M000100Y44").unwrap_err().to_string(),
            "校验位错误：按 GB 32100-2015 计算第18位应为 3（当前为 4）"
        );
        assert_eq!(
            Uscc::parse("9135").unwrap_err(),
            UsccError::Length { len: 4 }
        );
        assert_eq!(
            Uscc::parse("91350100M000100YO3").unwrap_err(),
            UsccError::BadChar { pos: 17, ch: 'O' }
        );
        assert_eq!(
            Uscc::parse("913A0100M000100Y43").unwrap_err(),
            UsccError::RegionNotDigit { pos: 4, ch: 'A' }
        );
        // Lower case is not in the alphabet; the full-width form counts as one character.
        assert_eq!(
            Uscc::parse("91350100m000100Y43").unwrap_err(),
            UsccError::BadChar { pos: 9, ch: 'm' }
        );
        assert_eq!(
            Uscc::parse("９1350100M000100Y43").unwrap_err(),
            UsccError::BadChar { pos: 1, ch: '９' }
        );
    }

    #[test]
    fn customs_code_pattern() {
        for ok in ["4403960ABC", "46121601BC", "3301964J31", "1105910159"] {
            assert_eq!(CustomsCode::parse(ok).unwrap().as_str(), ok);
        }
        assert_eq!(
            CustomsCode::parse("440396ABC"),
            Err(CustomsCodeError::Length { len: 9 })
        );
        assert_eq!(
            CustomsCode::parse("44A3960ABC"),
            Err(CustomsCodeError::BadChar { pos: 3, ch: 'A' })
        );
        assert_eq!(
            CustomsCode::parse("4403960abc").unwrap_err().to_string(),
            "第 8 位应为数字或大写字母（当前为“a”）"
        );
        assert_eq!(
            CustomsCode::parse("44A3960ABC").unwrap_err().to_string(),
            "第 3 位应为数字（当前为“A”）"
        );
    }

    #[test]
    fn phone_pattern() {
        for ok in [
            "0755-12345678",
            "+86 (755) 1234 5678",
            "12345",
            &"1".repeat(30),
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "1234",
            &"1".repeat(31),
            "0755-1234x",
            "０７５５１２３４",
            "138 0000 000０",
        ] {
            assert_eq!(Phone::parse(bad), Err(PhoneError), "{bad}");
        }
    }

    #[test]
    fn date_mask_puts_the_hyphens_in_and_drops_the_rest() {
        assert_eq!(Date::mask("20261231"), "2026-12-31");
        assert_eq!(Date::mask("2026-12-31"), "2026-12-31");
        assert_eq!(Date::mask("２０２６／１２"), "2026-12");
        assert_eq!(Date::mask("2026"), "2026");
        assert_eq!(Date::mask("12/31/2026"), "1231-20-26");
        assert_eq!(Date::mask("2026123199"), "2026-12-31");
        assert_eq!(Date::mask("年"), "");
    }

    #[test]
    fn weekday_counts_from_sunday() {
        assert_eq!(Date::parse("2026-11-29").unwrap().weekday(), 0);
        assert_eq!(Date::parse("2026-12-02").unwrap().weekday(), 3);
        assert_eq!(Date::parse("2026-12-05").unwrap().weekday(), 6);
    }

    #[test]
    fn date_parse_format_and_order() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.compact(), "20240229");
        assert_eq!(Date::parse("2025-02-29"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("1900-02-29"), Err(DateError::NoSuchDay));
        assert!(Date::parse("2000-02-29").is_ok());
        assert_eq!(Date::parse("2025-13-01"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("2025-04-31"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("0000-01-01"), Err(DateError::NoSuchDay));
        for bad in [
            "20250312",
            "2025/03/12",
            "2025-3-12",
            "2025-03-1a",
            "２０２５-03-12",
            "",
        ] {
            assert_eq!(Date::parse(bad), Err(DateError::Format), "{bad}");
        }
        assert!(Date::parse("2025-01-31").unwrap() < Date::parse("2025-02-01").unwrap());
        assert!(Date::parse("2024-12-31").unwrap() < Date::parse("2025-01-01").unwrap());
        assert_eq!(Date::new(2025, 2, 29), None);
    }

    #[test]
    fn adding_days_follows_the_calendar_and_stays_within_years_1_to_9999() {
        let day = |text: &str| Date::parse(text).unwrap();
        assert_eq!(day("2028-02-28").add_days(1), day("2028-02-29"));
        assert_eq!(day("2027-02-28").add_days(1), day("2027-03-01"));
        assert_eq!(day("2026-12-01").add_days(90), day("2027-03-01"));
        assert_eq!(day("2026-01-01").add_days(-1), day("2025-12-31"));
        assert_eq!(day("9999-12-30").add_days(5), day("9999-12-31"));
        assert_eq!(day("0001-01-02").add_days(-5), day("0001-01-01"));
        assert_eq!(day("2026-12-01").add_days(i64::MAX), day("9999-12-31"));
        assert_eq!(Date::new(2100, 2, 29), None, "2100 is no leap year");
        assert!(Date::new(2000, 2, 29).is_some());
        assert_eq!(Date::new(0, 1, 1), None);
    }

    #[test]
    fn area_is_exact() {
        for (input, shown) in [
            ("5200", "5200"),
            ("0.5", "0.5"),
            ("0012.50", "12.5"),
            ("0.00001", "0.00001"),
            ("1234.56789", "1234.56789"),
            ("99999999999999.99999", "99999999999999.99999"),
            ("0.1", "0.1"),
        ] {
            assert_eq!(Area::parse(input).unwrap().to_string(), shown, "{input}");
        }
        assert_eq!(Area::parse("12.50"), Area::parse("12.5"));
    }

    #[test]
    fn area_rejections() {
        let number = AreaError::Number;
        assert_eq!(Area::parse("0"), Err(AreaError::NotPositive));
        assert_eq!(Area::parse("0.00000"), Err(AreaError::NotPositive));
        assert_eq!(Area::parse("-5"), Err(AreaError::NotPositive));
        // A long run of minus signs is refused without exhausting the stack.
        let dashes = format!("{}5", "-".repeat(1_000_000));
        assert_eq!(Area::parse(&dashes), Err(number(DecimalError::NotNumber)));
        assert_eq!(
            Area::parse(&"-".repeat(1_000_000)),
            Err(number(DecimalError::NotNumber))
        );
        assert_eq!(
            Area::parse("1.123456"),
            Err(number(DecimalError::TooManyDecimals { max: 5, found: 6 }))
        );
        assert_eq!(
            Area::parse("100000000000000"),
            Err(number(DecimalError::TooLarge { max: 14 }))
        );
        assert_eq!(Area::parse("1e3"), Err(number(DecimalError::Exponent)));
        assert_eq!(Area::parse("1,000"), Err(number(DecimalError::Thousands)));
        for bad in [
            "",
            ".5",
            "5.",
            "-x",
            "５２００",
            "12.3.4",
            "+5",
            " 5",
            "NaN",
        ] {
            assert_eq!(
                Area::parse(bad),
                Err(number(DecimalError::NotNumber)),
                "{bad}"
            );
        }
        assert_eq!(
            Area::parse("1.123456").unwrap_err().to_string(),
            "最多 5 位小数（当前 6 位）"
        );
    }

    #[test]
    fn phone_numbers_with_an_extension() {
        for ok in [
            "0755-88886666 转 8",
            "0755-88886666转8",
            "0755-88886666 分机 123",
            "0755-88886666 ext 8",
            "0755-88886666 EXT. 8",
            "+1 (213) 555-0100 x12",
            "0755-88886666-8",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "转 8",
            "0755-88886666 转",
            "0755-88886666 转 1234567",
            "电话 12345",
        ] {
            assert_eq!(Phone::parse(bad), Err(PhoneError), "{bad}");
        }
    }
}
