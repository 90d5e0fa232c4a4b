//! Exact decimal numbers for quantities and money: no floating point anywhere.
//!
//! A [`Decimal`] is a non-negative count of 10⁻⁵ held in a `u128`, so every value the 订仓单 uses
//! is exact, and sums and products are integer arithmetic. What a field may hold is its
//! [`Format`]:
//!
//! | field | format | as in the CEB message |
//! | --- | --- | --- |
//! | 数量 (`qty`) | [`QUANTITY`]: 14 integer digits, up to 5 decimals | N19,5 |
//! | 单价 (`price`) | [`PRICE`]: 14 integer digits, up to 5 decimals | N19,5 |
//! | 总价, 运费, 商品总价 | [`AMOUNT`]: 14 integer digits, up to 2 decimals | N16,2 |
//! | 仓库面积 (B10 of the warehouse filing) | [`AREA`]: 14 integer digits, up to 5 decimals | N19,5 |
//!
//! Text is read as plain decimal digits with an optional `.` and fraction (`12`, `0.5`,
//! `1234.50`). Refused, each with its own message: a minus sign, an exponent (`1.2E+5`, what a
//! spreadsheet shows for a long number), thousands separators (`1,234.50`: a comma may as well be
//! a decimal comma, so it is not guessed at), more decimals than the format allows (never
//! rounded away silently), and more integer digits.
//!
//! 总价 = 数量 × 单价, rounded half-up (half away from zero) to 2 decimals: 0.125 → 0.13,
//! 0.124 → 0.12 ([`Decimal::times`]). Bounds: two values of 14 integer digits and 5 decimals
//! multiply to less than 10³⁸ in 10⁻¹⁰ units, and `u128` holds 3.4 × 10³⁸; a sum of 10¹⁹
//! amounts of N16,2 stays below it too.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use thiserror::Error;

/// Digits a field may hold before and after the decimal point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// Digits before the point.
    pub integer_digits: u32,
    /// Digits after the point, at most [`Decimal::SCALE`].
    pub decimals: u32,
}

/// 数量: N19,5.
pub const QUANTITY: Format = Format {
    integer_digits: 14,
    decimals: 5,
};

/// 单价: N19,5.
pub const PRICE: Format = Format {
    integer_digits: 14,
    decimals: 5,
};

/// 仓库面积(平方米) of the warehouse filing: N19,5.
pub const AREA: Format = Format {
    integer_digits: 14,
    decimals: 5,
};

/// 总价, 运费, 商品总价: N16,2.
pub const AMOUNT: Format = Format {
    integer_digits: 14,
    decimals: 2,
};

/// An exact non-negative decimal, in units of 10⁻⁵.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal(u128);

/// Why a text is not a number of its format. `Display` reads as a predicate after the field
/// label, e.g. "数量" + "最多 5 位小数（当前 6 位）".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecimalError {
    #[error("应为数字，例如 12 或 3.5")]
    NotNumber,
    #[error("不能为负数")]
    Negative,
    #[error("不能用科学计数法（如 1.2E+5），请写出完整的数字；表格软件中可把该列设为“数值”格式后重新导出")]
    Exponent,
    #[error("不能含逗号：小数点请用“.”，也不要写千位分隔符，例如 1234.5")]
    Thousands,
    #[error("最多 {max} 位小数（当前 {found} 位）")]
    TooManyDecimals { max: u32, found: usize },
    #[error("整数部分最多 {max} 位")]
    TooLarge { max: u32 },
}

/// The integer and fraction digits of `digits[.digits]`.
fn plain(input: &str) -> Option<(&str, &str)> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match input.split_once('.') {
        None if digits(input) => Some((input, "")),
        Some((int, frac)) if digits(int) && digits(frac) => Some((int, frac)),
        _ => None,
    }
}

/// Whether `text` is a number in scientific notation, as a spreadsheet shows a long number:
/// `1.2E+5`, `6.90123E+12`, `1e-3`.
pub fn is_scientific(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    [int, frac, exponent]
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

impl Decimal {
    /// Fraction digits held exactly.
    pub const SCALE: u32 = 5;
    const ONE: u128 = 10u128.pow(Self::SCALE);
    pub const ZERO: Decimal = Decimal(0);

    /// Parses `digits[.digits]` within `format` (the caller trims the text).
    pub fn parse(input: &str, format: Format) -> Result<Self, DecimalError> {
        if let Some((int, frac)) = plain(input) {
            return Self::from_parts(int, frac, format);
        }
        Err(if input.strip_prefix('-').and_then(plain).is_some() {
            DecimalError::Negative
        } else if is_scientific(input) {
            DecimalError::Exponent
        } else if input.contains(',') && plain(&input.replace([',', '.'], "")).is_some() {
            DecimalError::Thousands
        } else {
            DecimalError::NotNumber
        })
    }

    fn from_parts(int: &str, frac: &str, format: Format) -> Result<Self, DecimalError> {
        if frac.len() > format.decimals as usize {
            return Err(DecimalError::TooManyDecimals {
                max: format.decimals,
                found: frac.len(),
            });
        }
        let int = int.trim_start_matches('0');
        if int.len() > format.integer_digits as usize {
            return Err(DecimalError::TooLarge {
                max: format.integer_digits,
            });
        }
        let value = |s: &str| s.bytes().fold(0u128, |n, b| n * 10 + u128::from(b - b'0'));
        let fraction = value(frac) * 10u128.pow(Self::SCALE - frac.len() as u32);
        Ok(Self(value(int) * Self::ONE + fraction))
    }

    /// `self × other`, rounded half-up to `decimals` places (at most [`Self::SCALE`]); `None`
    /// past what `u128` holds, which values of [`QUANTITY`] and [`PRICE`] never reach.
    pub fn times(self, other: Decimal, decimals: u32) -> Option<Decimal> {
        let product = self.0.checked_mul(other.0)?;
        let step = 10u128.pow(2 * Self::SCALE - decimals);
        let rounded = (product / step + u128::from(product % step >= step / 2)) * step;
        Some(Self(rounded / Self::ONE))
    }

    /// Whether the value has no more digits than `format` allows.
    pub fn fits(self, format: Format) -> bool {
        self.0 < 10u128.pow(format.integer_digits) * Self::ONE
            && self
                .0
                .is_multiple_of(10u128.pow(Self::SCALE - format.decimals))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The value with at least `decimals` places, e.g. `12.50` for 12.5 with 2; places beyond
    /// them are shown, never rounded away.
    pub fn with_places(self, decimals: u32) -> String {
        let (whole, fraction) = (self.0 / Self::ONE, self.0 % Self::ONE);
        let digits = format!("{fraction:05}");
        let significant = digits.trim_end_matches('0').len();
        let places = significant.max(decimals as usize);
        if places == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{}", &digits[..places])
        }
    }
}

/// Normalised: no leading zeros, no trailing fraction zeros (`0012.50` → `12.5`).
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.with_places(0))
    }
}

impl Add for Decimal {
    type Output = Decimal;

    fn add(self, other: Decimal) -> Decimal {
        Decimal(self.0 + other.0)
    }
}

impl Sum for Decimal {
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Decimal {
        iter.fold(Decimal::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(s: &str) -> Decimal {
        Decimal::parse(s, AMOUNT).unwrap()
    }

    fn qty(s: &str) -> Decimal {
        Decimal::parse(s, QUANTITY).unwrap()
    }

    #[test]
    fn parses_plain_decimals_exactly() {
        assert_eq!(amount("1234.50").to_string(), "1234.5");
        assert_eq!(amount("0012").to_string(), "12");
        assert_eq!(amount("0.1") + amount("0.2"), amount("0.3"));
        assert_eq!(amount("99999999999999.99").to_string(), "99999999999999.99");
        assert_eq!(qty("0.00001").to_string(), "0.00001");
        assert_eq!(amount("12.5").with_places(2), "12.50");
        assert_eq!(qty("3.14159").with_places(2), "3.14159");
        assert_eq!(amount("7").with_places(2), "7.00");
    }

    #[test]
    fn refuses_what_is_not_a_plain_number_with_its_reason() {
        for (input, error) in [
            ("", DecimalError::NotNumber),
            ("abc", DecimalError::NotNumber),
            (".5", DecimalError::NotNumber),
            ("5.", DecimalError::NotNumber),
            ("1.2.3", DecimalError::NotNumber),
            ("+5", DecimalError::NotNumber),
            ("--5", DecimalError::NotNumber),
            ("-", DecimalError::NotNumber),
            ("-5", DecimalError::Negative),
            ("-0.5", DecimalError::Negative),
            ("1.2E+5", DecimalError::Exponent),
            ("6.90123E+12", DecimalError::Exponent),
            ("1e3", DecimalError::Exponent),
            ("1,234.50", DecimalError::Thousands),
            ("12,5", DecimalError::Thousands),
            ("1.234", DecimalError::TooManyDecimals { max: 2, found: 3 }),
            ("100000000000000", DecimalError::TooLarge { max: 14 }),
        ] {
            assert_eq!(Decimal::parse(input, AMOUNT), Err(error), "{input:?}");
        }
        assert_eq!(
            Decimal::parse("1.123456", QUANTITY)
                .unwrap_err()
                .to_string(),
            "最多 5 位小数（当前 6 位）"
        );
    }

    #[test]
    fn products_round_half_up_to_two_places() {
        let total = |q: &str, p: &str| qty(q).times(qty(p), 2).unwrap().with_places(2);
        assert_eq!(total("3", "0.125"), "0.38");
        assert_eq!(total("1", "0.125"), "0.13");
        assert_eq!(total("1", "0.12499"), "0.12");
        assert_eq!(total("0.5", "0.01"), "0.01");
        assert_eq!(total("0.4", "0.01"), "0.00");
        assert_eq!(total("100", "25.5"), "2550.00");
        assert_eq!(total("3", "33.33333"), "100.00");
        // The largest quantity by the largest price: exact, no overflow.
        let max = qty("99999999999999.99999");
        assert_eq!(
            max.times(max, 2).unwrap().to_string(),
            "9999999999999999998000000000"
        );
    }

    #[test]
    fn fits_tells_whether_a_value_is_within_a_format() {
        assert!(amount("99999999999999.99").fits(AMOUNT));
        assert!(!(amount("99999999999999.99") + amount("0.01")).fits(AMOUNT));
        assert!(!qty("0.001").fits(AMOUNT));
        assert!(qty("0.001").fits(QUANTITY));
    }
}
