//! Timestamps from the virtual clock, printed as upstream prints them.

/// Virtual time in milliseconds since the Unix epoch.
pub type Millis = i64;

/// RFC 3339 in UTC with seconds, as metav1.Time serializes (`2026-01-01T00:00:00Z`).
pub fn rfc3339(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, (rem / 60) % 60, rem % 60)
}

/// Microsecond form used by MicroTime fields (Lease renewTime, Event eventTime).
pub fn rfc3339_micro(ms: Millis) -> String {
    let base = rfc3339(ms);
    format!("{}.{:06}Z", &base[..base.len() - 1], ms.rem_euclid(1000) * 1000)
}

/// RFC 1123 with numeric zone, as kubectl describe prints times (`Thu, 01 Jan 2026 00:00:00 +0000`).
pub fn rfc1123z(ms: Millis) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", DAYS[days.rem_euclid(7) as usize], d, MONTHS[(m - 1) as usize], y, rem / 3600, (rem / 60) % 60, rem % 60)
}

/// Parses what rfc3339/rfc3339_micro write (and any `YYYY-MM-DDTHH:MM:SS[.frac]Z`).
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok());
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    let mut ms = 0;
    if b[19] == b'.' {
        let frac: String = s[20..].chars().take_while(|c| c.is_ascii_digit()).collect();
        let padded = format!("{:0<3}", &frac[..frac.len().min(3)]);
        ms = padded.parse::<i64>().ok()?;
    }
    let days = days_from_civil(y, mo, d);
    Some(((days * 86_400) + h * 3600 + mi * 60 + se) * 1000 + ms)
}

// Howard Hinnant's civil calendar algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// k8s.io/apimachinery/pkg/util/duration.HumanDuration — kubectl's AGE column.
pub fn human_duration(ms: Millis) -> String {
    let seconds = ms.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{}s", seconds);
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 { format!("{}m", minutes) } else { format!("{}m{}s", minutes, s) };
    } else if minutes < 60 * 3 {
        return format!("{}m", minutes);
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{}h", hours) } else { format!("{}h{}m", hours, m) };
    } else if hours < 48 {
        return format!("{}h", hours);
    } else if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{}h", hours / 24, h) };
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 { format!("{}y", hours / 24 / 365) } else { format!("{}y{}d", hours / 24 / 365, dy) };
    }
    format!("{}y", hours / 24 / 365)
}

/// Go's time.Duration.String() for whole milliseconds (`1m30s`, `2.5s`, `0s`).
pub fn go_duration(ms: Millis) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let neg = ms < 0;
    let ms = ms.abs();
    let h = ms / 3_600_000;
    let m = (ms / 60_000) % 60;
    let s = (ms % 60_000) as f64 / 1000.0;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if ms < 1000 {
        out.push_str(&format!("{}ms", ms));
        return out;
    }
    if h > 0 {
        out.push_str(&format!("{}h", h));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{}m", m));
    }
    let s_str = format!("{}", s);
    out.push_str(&format!("{}s", s_str));
    out
}

/// Parses `sleep`/`--timeout` durations: `10`, `10s`, `5m`, `1h`, `1m30s`, `500ms`.
pub fn parse_duration(s: &str) -> Option<Millis> {
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<f64>() {
        return (n.is_finite() && n >= 0.0 && n < 1e12).then(|| (n * 1000.0).round() as i64);
    }
    let mut total: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * mult;
    }
    (total < 1e15).then(|| total.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        let t = parse_rfc3339("2026-01-01T12:34:56Z").unwrap();
        assert_eq!(rfc3339(t), "2026-01-01T12:34:56Z");
        assert_eq!(rfc3339_micro(t + 250), "2026-01-01T12:34:56.250000Z");
        assert_eq!(parse_rfc3339("2026-01-01T12:34:56.250000Z"), Some(t + 250));
    }

    // Cases from apimachinery/pkg/util/duration/duration_test.go TestHumanDuration.
    #[test]
    fn human_duration_like_upstream() {
        let s = 1000;
        let cases = [
            (0, "0s"),
            (119 * s, "119s"),
            (120 * s, "2m"),
            (150 * s, "2m30s"),
            (10 * 60 * s, "10m"),
            (179 * 60 * s, "179m"),
            (3 * 3600 * s, "3h"),
            (3 * 3600 * s + 30 * 60 * s, "3h30m"),
            (8 * 3600 * s, "8h"),
            (47 * 3600 * s, "47h"),
            (48 * 3600 * s, "2d"),
            (49 * 3600 * s, "2d1h"),
            (8 * 24 * 3600 * s, "8d"),
            (2 * 365 * 24 * 3600 * s, "2y"),
            (-2 * s, "<invalid>"),
        ];
        for (d, want) in cases {
            assert_eq!(human_duration(d), want, "{d}");
        }
    }

    #[test]
    fn rfc1123() {
        assert_eq!(rfc1123z(parse_rfc3339("2026-01-01T00:05:00Z").unwrap()), "Thu, 01 Jan 2026 00:05:00 +0000");
        assert_eq!(rfc1123z(0), "Thu, 01 Jan 1970 00:00:00 +0000");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10"), Some(10_000));
        assert_eq!(parse_duration("10s"), Some(10_000));
        assert_eq!(parse_duration("5m"), Some(300_000));
        assert_eq!(parse_duration("1h"), Some(3_600_000));
        assert_eq!(parse_duration("1m30s"), Some(90_000));
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(2_500), "2.5s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
    }
}
