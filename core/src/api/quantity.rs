//! resource.Quantity, as k8s.io/apimachinery/pkg/api/resource parses it.
//!
//! Values are kept as exact integers in milli-units (so `250m` cpu is 250 and `64Mi` memory is
//! 64 * 2^20 * 1000): adding requests never drifts the way floats would. Like upstream, a value
//! finer than one milli-unit rounds up (`0.1m` → `1m`).

use std::fmt;

/// upstream's error text for a malformed quantity (resource.ErrFormatWrong)
pub const ERR_FORMAT: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity {
    milli: i128,
}

/// The three ways upstream writes a quantity back out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    BinarySI,
    DecimalSI,
    DecimalExponent,
}

impl Quantity {
    pub const ZERO: Quantity = Quantity { milli: 0 };

    pub fn from_milli(milli: i128) -> Self {
        Quantity { milli }
    }
    pub fn from_units(units: i128) -> Self {
        Quantity { milli: units.saturating_mul(1000) }
    }
    pub fn milli(self) -> i128 {
        self.milli
    }
    /// Whole units, rounded up as upstream's Value() does.
    pub fn value(self) -> i128 {
        div_ceil(self.milli, 1000)
    }

    pub fn parse(s: &str) -> Result<Quantity, String> {
        parse(s).map(|(q, _)| q).ok_or_else(|| ERR_FORMAT.to_string())
    }

    pub fn parse_with_format(s: &str) -> Result<(Quantity, Format), String> {
        parse(s).ok_or_else(|| ERR_FORMAT.to_string())
    }

    pub fn saturating_add(self, o: Quantity) -> Quantity {
        Quantity { milli: self.milli.saturating_add(o.milli) }
    }
    pub fn saturating_sub(self, o: Quantity) -> Quantity {
        Quantity { milli: self.milli.saturating_sub(o.milli) }
    }

    /// Canonical form as kubectl prints CPU (`250m`, `2`) — decimal SI.
    pub fn to_decimal_string(self) -> String {
        format_decimal(self.milli)
    }

    /// Canonical form for bytes: binary suffix when exact (`64Mi`), else decimal.
    pub fn to_binary_string(self) -> String {
        if self.milli % 1000 != 0 {
            return format_decimal(self.milli);
        }
        let mut v = self.milli / 1000;
        if v == 0 {
            return "0".into();
        }
        let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
        let mut i = 0;
        while i + 1 < suffixes.len() && v % 1024 == 0 {
            v /= 1024;
            i += 1;
        }
        format!("{}{}", v, suffixes[i])
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal_string())
    }
}

fn div_ceil(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && ((a > 0) == (b > 0)) {
        q + 1
    } else {
        q
    }
}

fn format_decimal(milli: i128) -> String {
    if milli % 1000 != 0 {
        return format!("{}m", milli);
    }
    let mut v = milli / 1000;
    if v == 0 {
        return "0".into();
    }
    let suffixes = ["", "k", "M", "G", "T", "P", "E"];
    let mut i = 0;
    while i + 1 < suffixes.len() && v % 1000 == 0 {
        v /= 1000;
        i += 1;
    }
    format!("{}{}", v, suffixes[i])
}

/// Parses as upstream's ParseQuantity: sign, digits with at most one '.', then a suffix that is
/// a binary SI suffix, a decimal SI suffix, or an exponent (`e3`, `E-2`).
fn parse(s: &str) -> Option<(Quantity, Format)> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 64 {
        return None;
    }
    let mut i = 0;
    let negative = match b[0] {
        b'-' => {
            i = 1;
            true
        }
        b'+' => {
            i = 1;
            false
        }
        _ => false,
    };
    let num_start = i;
    let mut seen_dot = false;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        if b[i] == b'.' {
            if seen_dot {
                return None;
            }
            seen_dot = true;
        }
        i += 1;
    }
    let num = &s[num_start..i];
    if num.is_empty() || num == "." {
        return None;
    }
    let suffix = &s[i..];
    let (base, exp10, format): (i128, i32, Format) = match suffix {
        "" => (10, 0, Format::DecimalSI),
        "Ki" => (2, 10, Format::BinarySI),
        "Mi" => (2, 20, Format::BinarySI),
        "Gi" => (2, 30, Format::BinarySI),
        "Ti" => (2, 40, Format::BinarySI),
        "Pi" => (2, 50, Format::BinarySI),
        "Ei" => (2, 60, Format::BinarySI),
        "n" => (10, -9, Format::DecimalSI),
        "u" => (10, -6, Format::DecimalSI),
        "m" => (10, -3, Format::DecimalSI),
        "k" => (10, 3, Format::DecimalSI),
        "M" => (10, 6, Format::DecimalSI),
        "G" => (10, 9, Format::DecimalSI),
        "T" => (10, 12, Format::DecimalSI),
        "P" => (10, 15, Format::DecimalSI),
        "E" => (10, 18, Format::DecimalSI),
        _ => {
            let rest = suffix.strip_prefix('e').or_else(|| suffix.strip_prefix('E'))?;
            let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) || digits.len() > 4 {
                return None;
            }
            let e: i32 = rest.parse().ok()?;
            (10, e, Format::DecimalExponent)
        }
    };
    // mantissa as integer digits and a count of fractional digits
    let (int_part, frac_part) = match num.split_once('.') {
        Some((a, b)) => (a, b),
        None => (num, ""),
    };
    let digits: String = format!("{}{}", int_part, frac_part);
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None; // beyond what a cluster could hold; upstream caps at int64 * 10^18 too
    }
    let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let frac_len = frac_part.len() as i32;
    // value in milli = mantissa * base^exp * 10^(3 - frac_len)
    let mut num: i128 = mantissa;
    let mut den: i128 = 1;
    let mul = |n: i128, f: i128| n.checked_mul(f);
    if base == 2 {
        num = mul(num, 1i128 << exp10)?;
        let p = 3 - frac_len;
        if p >= 0 {
            num = mul(num, 10i128.checked_pow(p as u32)?)?;
        } else {
            den = 10i128.checked_pow((-p) as u32)?;
        }
    } else {
        let p = exp10 + 3 - frac_len;
        if p >= 0 {
            num = mul(num, 10i128.checked_pow(p as u32)?)?;
        } else {
            den = 10i128.checked_pow((-p).min(38) as u32)?;
        }
    }
    // cap at what upstream accepts (roughly 2^63 * 10^18)
    if num > (i64::MAX as i128) * 1_000_000_000_000_000_000 {
        return None;
    }
    let milli = div_ceil(num, den);
    Some((Quantity { milli: if negative { -milli } else { milli } }, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> i128 {
        Quantity::parse(s).unwrap().milli()
    }

    // Cases from apimachinery's quantity_test.go TestQuantityParse.
    #[test]
    fn parses_every_upstream_form() {
        assert_eq!(m("250m"), 250);
        assert_eq!(m("0.5"), 500);
        assert_eq!(m("1"), 1000);
        assert_eq!(m("64Mi"), 64 * 1024 * 1024 * 1000);
        assert_eq!(m("1G"), 1_000_000_000_000);
        assert_eq!(m("128974848"), 128_974_848_000);
        assert_eq!(m("129e6"), 129_000_000_000);
        assert_eq!(m("123Mi"), 123 * 1024 * 1024 * 1000);
        assert_eq!(m("1.5Gi"), 1536 * 1024 * 1024 * 1000);
        assert_eq!(m("1E"), 1_000_000_000_000_000_000_000);
        assert_eq!(m("1e3"), 1_000_000);
        assert_eq!(m("1E-3"), 1);
        assert_eq!(m("+1k"), 1_000_000);
        assert_eq!(m("-2"), -2000);
        assert_eq!(m(".5"), 500);
        assert_eq!(m("5."), 5000);
        assert_eq!(m("100n"), 1); // rounds up to the smallest milli-unit, as upstream
        assert_eq!(m("0.1m"), 1);
        assert_eq!(m("0"), 0);
    }

    #[test]
    fn rejects_malformed_with_upstream_message() {
        for bad in ["", "1.1.1", "abc", "1Kb", "1 Mi", "Mi", "1e", "1ee", "1.5.Gi", "--1", "1i"] {
            assert_eq!(Quantity::parse(bad), Err(ERR_FORMAT.to_string()), "{bad:?}");
        }
    }

    #[test]
    fn adds_exactly() {
        let total = ["100m", "0.1", "250m", "0.05"].iter().fold(Quantity::ZERO, |a, s| a.saturating_add(Quantity::parse(s).unwrap()));
        assert_eq!(total.to_decimal_string(), "500m");
        let mem = Quantity::parse("512Mi").unwrap().saturating_add(Quantity::parse("512Mi").unwrap());
        assert_eq!(mem.to_binary_string(), "1Gi");
    }

    #[test]
    fn canonical_strings() {
        assert_eq!(Quantity::parse("1000m").unwrap().to_decimal_string(), "1");
        assert_eq!(Quantity::parse("2000").unwrap().to_decimal_string(), "2k");
        assert_eq!(Quantity::parse("1536Mi").unwrap().to_binary_string(), "1536Mi");
        assert_eq!(Quantity::parse("4Gi").unwrap().to_binary_string(), "4Gi");
    }
}
