//! Cron schedules as the CronJob controller reads them (robfig/cron standard 5-field syntax and
//! the @hourly-style descriptors), evaluated in UTC on the virtual clock.

use super::time::Millis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    minutes: u64,
    hours: u64,
    dom: u64,
    months: u64,
    dow: u64,
    dom_star: bool,
    dow_star: bool,
}

fn field(s: &str, min: u32, max: u32, names: &[&str]) -> Result<(u64, bool), String> {
    let mut bits = 0u64;
    let star = s == "*" || s == "?";
    for part in s.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => (r, st.parse::<u32>().map_err(|_| format!("failed to parse int from {}", st))?),
            None => (part, 1),
        };
        if step == 0 {
            return Err("step of range should be a positive number".into());
        }
        let parse = |x: &str| -> Result<u32, String> {
            if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(x)) {
                return Ok(i as u32 + min);
            }
            x.parse::<u32>().map_err(|_| format!("failed to parse int from {}", x))
        };
        let (lo, hi) = if range == "*" || range == "?" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (parse(a)?, parse(b)?)
        } else {
            let v = parse(range)?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(format!("end of range ({}) above maximum ({}): {}", hi, max, part));
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, star))
}

impl Schedule {
    pub fn parse(s: &str) -> Result<Schedule, String> {
        let expanded = match s.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let f: Vec<&str> = expanded.split_whitespace().collect();
        if f.len() != 5 {
            return Err(format!("expected exactly 5 fields, found {}: [{}]", f.len(), f.join(" ")));
        }
        let (minutes, _) = field(f[0], 0, 59, &[])?;
        let (hours, _) = field(f[1], 0, 23, &[])?;
        let (dom, dom_star) = field(f[2], 1, 31, &[])?;
        let (months, _) = field(f[3], 1, 12, &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])?;
        let (mut dow, dow_star) = field(f[4], 0, 7, &["sun", "mon", "tue", "wed", "thu", "fri", "sat"])?;
        if dow & (1 << 7) != 0 {
            dow |= 1;
        }
        Ok(Schedule { minutes, hours, dom, months, dow, dom_star, dow_star })
    }

    /// The first activation strictly after `t` (minute resolution), within ~5 years.
    pub fn next_after(&self, t: Millis) -> Option<Millis> {
        let mut m = t.div_euclid(60_000) + 1;
        let limit = m + 5 * 366 * 24 * 60;
        while m < limit {
            let secs = m * 60;
            let days = secs.div_euclid(86_400);
            let (_, month, day) = civil(days);
            let dow = (days + 4).rem_euclid(7) as u32; // 1970-01-01 was a Thursday
            if self.months & (1 << month) == 0 {
                m += 24 * 60 - (secs.rem_euclid(86_400) / 60);
                continue;
            }
            let dom_ok = self.dom & (1 << day) != 0;
            let dow_ok = self.dow & (1 << dow) != 0;
            let day_ok = if self.dom_star || self.dow_star { dom_ok && dow_ok } else { dom_ok || dow_ok };
            if !day_ok {
                m += 24 * 60 - (secs.rem_euclid(86_400) / 60);
                continue;
            }
            let hour = (secs.rem_euclid(86_400) / 3600) as u32;
            let minute = (secs.rem_euclid(3600) / 60) as u32;
            if self.hours & (1 << hour) != 0 && self.minutes & (1 << minute) != 0 {
                return Some(m * 60_000);
            }
            m += 1;
        }
        None
    }
}

fn civil(days: i64) -> (i64, u32, u32) {
    let t = super::time::rfc3339(days * 86_400_000);
    let y = t[0..4].parse().unwrap_or(1970);
    let mo = t[5..7].parse().unwrap_or(1);
    let d = t[8..10].parse().unwrap_or(1);
    (y, mo, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::time::{parse_rfc3339, rfc3339};

    #[test]
    fn next_activation() {
        let t = parse_rfc3339("2026-01-01T00:00:30Z").unwrap();
        let s = Schedule::parse("*/5 * * * *").unwrap();
        assert_eq!(rfc3339(s.next_after(t).unwrap()), "2026-01-01T00:05:00Z");
        let h = Schedule::parse("@hourly").unwrap();
        assert_eq!(rfc3339(h.next_after(t).unwrap()), "2026-01-01T01:00:00Z");
        let w = Schedule::parse("30 9 * * mon").unwrap(); // 2026-01-05 is a Monday
        assert_eq!(rfc3339(w.next_after(t).unwrap()), "2026-01-05T09:30:00Z");
        assert!(Schedule::parse("* * *").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
    }
}
