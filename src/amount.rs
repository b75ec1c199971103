//! Exact money: an [`Amount`] is a count of millionths of 万元 (the contract's
//! `decimal(22,6)`), never a binary float.
//!
//! Printed amounts arrive in many states: `1,234.56`, OCR'd `3, 042. 92`, a comma
//! standing for the decimal point (`14, 351, 53`), a truncated last digit
//! (`3, 042. 9`). [`parse_printed`] reads them all and says how it read them, so
//! the caller can flag what it could not read with confidence.

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

/// Number of decimal places carried (the contract's scale).
pub const SCALE: u32 = 6;
const ONE: i128 = 1_000_000;

/// An exact amount in 万元, stored as millionths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i128);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// From millionths of 万元 (the Parquet `decimal(22,6)` unscaled value).
    pub const fn from_micros(micros: i128) -> Self {
        Amount(micros)
    }

    /// The unscaled value written to Parquet.
    pub const fn micros(self) -> i128 {
        self.0
    }

    pub fn from_int(v: i64) -> Self {
        Amount(v as i128 * ONE)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn abs(self) -> Self {
        Amount(self.0.abs())
    }

    /// Divides by a power of ten (unit conversion 元 → 万元 is `scale_down(4)`),
    /// rounding half away from zero below the sixth decimal.
    pub fn scale_down(self, pow10: u32) -> Self {
        let d = 10i128.pow(pow10);
        let q = self.0 / d;
        let r = self.0 % d;
        let adj = if r.abs() * 2 >= d { r.signum() } else { 0 };
        Amount(q + adj)
    }

    /// Parses a plain decimal such as `12.5`, `-3`, `0.005` (no separators).
    pub fn parse_plain(s: &str) -> Option<Self> {
        let s = s.trim();
        let (neg, body) = match s.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if int.len() > 16 || frac.len() > SCALE as usize {
            return None;
        }
        let mut v: i128 = 0;
        for b in int.bytes() {
            v = v * 10 + (b - b'0') as i128;
        }
        let mut f: i128 = 0;
        for b in frac.bytes() {
            f = f * 10 + (b - b'0') as i128;
        }
        f *= 10i128.pow(SCALE - frac.len() as u32);
        let v = v * ONE + f;
        Some(Amount(if neg { -v } else { v }))
    }

    /// Half a unit of the last printed digit for `decimals` places, in this type.
    pub fn half_unit(decimals: u32) -> Self {
        let decimals = decimals.min(SCALE);
        Amount(ONE / 10i128.pow(decimals) / 2)
    }

    /// How far a sum of `terms` figures printed to `decimals` places may be
    /// from its printed total (CONTRACT §3, checks): half a unit of the last
    /// digit times terms + 1.
    pub fn rounding_allowance(decimals: u32, terms: usize) -> Self {
        Amount(Amount::half_unit(decimals).0 * (terms as i128 + 1))
    }

    /// Whether `sum` of `terms` non-zero figures printed to `decimals`
    /// places matches the printed `total` within the rounding allowance.
    pub fn sums_to(sum: Amount, total: Amount, decimals: u32, terms: usize) -> bool {
        (sum - total).abs() <= Amount::rounding_allowance(decimals.min(SCALE), terms.max(1))
    }
}

impl Add for Amount {
    type Output = Amount;
    fn add(self, o: Amount) -> Amount {
        Amount(self.0 + o.0)
    }
}
impl AddAssign for Amount {
    fn add_assign(&mut self, o: Amount) {
        self.0 += o.0;
    }
}
impl Sub for Amount {
    type Output = Amount;
    fn sub(self, o: Amount) -> Amount {
        Amount(self.0 - o.0)
    }
}
impl Neg for Amount {
    type Output = Amount;
    fn neg(self) -> Amount {
        Amount(-self.0)
    }
}
impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(it: I) -> Amount {
        it.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Amount {
    /// Shortest exact decimal: `97.34`, `0`, `-1224.74`, `0.123456`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let a = self.0.unsigned_abs();
        let int = a / ONE as u128;
        let mut frac = a % ONE as u128;
        if neg {
            f.write_str("-")?;
        }
        write!(f, "{int}")?;
        if frac != 0 {
            let mut digits = SCALE as usize;
            while frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
            write!(f, ".{frac:0digits$}")?;
        }
        Ok(())
    }
}

/// How a printed amount was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Ordinary print: `1,234.56`, `97.34`, `0`.
    Clean,
    /// Spaces inside the number (OCR), otherwise ordinary: `3, 042. 92`.
    Spaced,
    /// The last separator is a comma followed by exactly two digits, read as the
    /// decimal point: `14, 351, 53` → 14351.53. Plausible, but a guess.
    DecimalComma,
}

/// A printed amount and what we know about its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Printed {
    pub value: Amount,
    pub reading: Reading,
    /// Digits after the decimal point as printed (0 when none).
    pub decimals: u32,
}

/// Reads a cell as an amount. Accepts thousands separators, OCR spaces, a
/// leading sign, and a comma used as the decimal point; rejects anything else
/// (labels, 行次 with letters, dates, percentages).
pub fn parse_printed(cell: &str) -> Option<Printed> {
    let t = cell.trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let mut spaced = false;
    let mut buf = [0u8; 40];
    let mut n = 0;
    for (i, ch) in t.char_indices() {
        match ch {
            '0'..='9' | ',' | '.' => {
                buf[n] = ch as u8;
                n += 1;
            }
            '-' | '+' | '−' if n == 0 => {
                if ch != '+' {
                    buf[n] = b'-';
                    n += 1;
                }
            }
            ' ' | '\u{a0}' => {
                // Only between digits/separators: "3, 042. 92"; never "12 34"
                // followed by letters (those fail below anyway).
                if i > 0 {
                    spaced = true;
                }
            }
            _ => return None,
        }
    }
    let s = std::str::from_utf8(&buf[..n]).ok()?;
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    if body.is_empty()
        || !body.as_bytes()[0].is_ascii_digit()
        || !body.as_bytes()[body.len() - 1].is_ascii_digit()
    {
        return None;
    }
    // Spaces between two digit groups with no separator ("12 34") are two
    // numbers, not one.
    if spaced && has_bare_digit_gap(t) {
        return None;
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let (int_part, frac_part, reading) = if dots == 1 {
        let (i, f) = body.split_once('.').unwrap();
        if f.contains(',') {
            return None;
        }
        (
            i,
            f,
            if spaced {
                Reading::Spaced
            } else {
                Reading::Clean
            },
        )
    } else if dots == 0 {
        // A final ",dd" after a thousands group reads as the decimal point:
        // "14,351,53". A lone "1,234" is a thousands separator.
        if let Some(pos) = body.rfind(',') {
            let tail = &body[pos + 1..];
            if tail.len() == 2
                && commas >= 1
                && body[..pos].split(',').skip(1).all(|g| g.len() == 3)
                && commas >= 2
            {
                (&body[..pos], tail, Reading::DecimalComma)
            } else {
                (
                    body,
                    "",
                    if spaced {
                        Reading::Spaced
                    } else {
                        Reading::Clean
                    },
                )
            }
        } else {
            (
                body,
                "",
                if spaced {
                    Reading::Spaced
                } else {
                    Reading::Clean
                },
            )
        }
    } else {
        return None;
    };
    // Thousands groups must be well formed: 1-3 digits then groups of 3.
    let mut groups = int_part.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 16 || (commas_in(int_part) > 0 && first.len() > 3) {
        return None;
    }
    for g in groups {
        if g.len() != 3 {
            return None;
        }
    }
    if frac_part.len() > SCALE as usize {
        return None;
    }
    // Digits accumulated in place: this runs for every cell of every table.
    let mut int: i128 = 0;
    let mut digits = 0;
    for b in int_part.bytes().filter(|b| *b != b',') {
        int = int * 10 + i128::from(b - b'0');
        digits += 1;
    }
    if digits > 16 {
        return None;
    }
    let mut frac: i128 = 0;
    for b in frac_part.bytes() {
        frac = frac * 10 + i128::from(b - b'0');
    }
    frac *= 10i128.pow(SCALE - frac_part.len() as u32);
    let mut value = Amount(int * ONE + frac);
    if neg {
        value = -value;
    }
    Some(Printed {
        value,
        reading,
        decimals: frac_part.len() as u32,
    })
}

fn commas_in(s: &str) -> usize {
    s.bytes().filter(|b| *b == b',').count()
}

fn has_bare_digit_gap(t: &str) -> bool {
    let b: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == ' ' || b[i] == '\u{a0}' {
            let mut j = i;
            while j < b.len() && (b[j] == ' ' || b[j] == '\u{a0}') {
                j += 1;
            }
            if i > 0 && j < b.len() && b[i - 1].is_ascii_digit() && b[j].is_ascii_digit() {
                return true;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> String {
        parse_printed(s)
            .map(|p| p.value.to_string())
            .unwrap_or_else(|| "-".into())
    }

    #[test]
    fn clean_and_separated() {
        assert_eq!(v("97.34"), "97.34");
        assert_eq!(v("0.00"), "0");
        assert_eq!(v("1,234.5"), "1234.5");
        assert_eq!(v("12,644.67"), "12644.67");
        assert_eq!(v("-1,224.74"), "-1224.74");
        assert_eq!(v("180"), "180");
    }

    #[test]
    fn ocr_spaces_and_decimal_comma() {
        assert_eq!(v("11, 121. 20"), "11121.2");
        assert_eq!(
            parse_printed("11, 121. 20").unwrap().reading,
            Reading::Spaced
        );
        let p = parse_printed("14, 351, 53").unwrap();
        assert_eq!(p.value.to_string(), "14351.53");
        assert_eq!(p.reading, Reading::DecimalComma);
        assert_eq!(p.decimals, 2);
        assert_eq!(parse_printed("3, 042. 9").unwrap().decimals, 1);
    }

    #[test]
    fn rejects_non_amounts() {
        for s in [
            "", "合计", "12%", "2023年", "1-2", "12 34", "1.2.3", "1,23.5", ".", "-", "4-15",
            "12,34",
        ] {
            assert!(parse_printed(s).is_none(), "{s} should not parse");
        }
    }

    #[test]
    fn scale_and_display() {
        let a = Amount::parse_plain("1234.56").unwrap().scale_down(4);
        assert_eq!(a.to_string(), "0.123456");
        assert_eq!(
            Amount::parse_plain("0.5").unwrap().scale_down(6).micros(),
            1
        );
        assert_eq!(Amount::half_unit(2).to_string(), "0.005");
        assert_eq!(
            (Amount::from_int(3) - Amount::parse_plain("3.5").unwrap()).to_string(),
            "-0.5"
        );
    }
}
