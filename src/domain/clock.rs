//! Time for business logic comes from an injectable clock: tests move it, the demo pins it.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// A clock shared between the UI, the services and the tests.
pub type SharedClock = Arc<dyn Clock>;

/// The wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told: for tests.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock standing at `t`.
    pub fn at(t: DateTime<Utc>) -> Arc<ManualClock> {
        Arc::new(ManualClock(Mutex::new(t)))
    }

    /// Moves the clock to `t`.
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }

    /// Moves the clock forward.
    pub fn advance(&self, d: chrono::Duration) {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *g += d;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A clock that starts at a pinned instant and then runs: the demo's day always begins
/// at the same moment, yet idle timeouts and timestamps still move.
#[derive(Debug)]
pub struct RunningClock {
    start: DateTime<Utc>,
    started: Instant,
}

impl RunningClock {
    /// Starts running from `start` now.
    pub fn from(start: DateTime<Utc>) -> RunningClock {
        RunningClock {
            start,
            started: Instant::now(),
        }
    }
}

impl Clock for RunningClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = chrono::Duration::from_std(self.started.elapsed()).unwrap_or_default();
        self.start + elapsed
    }
}

/// The counter's time zone: China Standard Time (UTC+8, no daylight saving).
/// Dates, billing months and expiry days are counted in it.
pub fn counter_tz() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// An instant in the counter's time zone.
pub fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&counter_tz())
}

/// A stored instant (RFC 3339, as the store writes them) shown in counter time with `fmt`;
/// empty when it cannot be read. Screens and command output show times through this.
pub fn local_stamp(stored: &str, fmt: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| local(t.with_timezone(&Utc)).format(fmt).to_string())
        .unwrap_or_default()
}

/// ASCII digits as a number (`None` if any byte is not a digit). Imports read a million dates
/// with this and [`ymd`] rather than through a format parser.
pub fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// A `YYYY-MM-DD` date, exactly ten bytes.
pub fn ymd(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// The counter's calendar date of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    local(t).date_naive()
}

/// The billing period `YYYY-MM` an instant falls in.
pub fn month_of(t: DateTime<Utc>) -> String {
    let d = local(t);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The start (00:00 counter time) of a local date, in UTC.
pub fn start_of_day(d: NaiveDate) -> DateTime<Utc> {
    counter_tz()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

/// The demo's pinned moment: 2026-12-04 10:00 +08:00.
pub fn demo_epoch() -> DateTime<Utc> {
    counter_tz()
        .with_ymd_and_hms(2026, 12, 4, 10, 0, 0)
        .single()
        .expect("valid demo epoch")
        .with_timezone(&Utc)
}

/// Parses an instant given as RFC 3339 (`2026-12-04T10:00:00+08:00`) or a date (`2026-12-04`, at 00:00 counter time).
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .map(start_of_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ymd_reads_exactly_a_real_date() {
        assert_eq!(ymd(b"2026-02-28"), NaiveDate::from_ymd_opt(2026, 2, 28));
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "20a6-01-01",
            "2026-01-01 ",
            "2026/01/01",
        ] {
            assert_eq!(ymd(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(digits(b"0042"), Some(42));
        assert_eq!(digits(b"4-2"), None);
    }

    #[test]
    fn demo_epoch_is_ten_in_the_morning_in_beijing() {
        let t = demo_epoch();
        assert_eq!(t.to_rfc3339(), "2026-12-04T02:00:00+00:00");
        assert_eq!(month_of(t), "2026-12");
        assert_eq!(local_date(t).to_string(), "2026-12-04");
    }

    #[test]
    fn stored_instants_show_in_counter_time() {
        assert_eq!(
            local_stamp("2026-12-04T02:00:00.000Z", "%Y-%m-%d %H:%M"),
            "2026-12-04 10:00"
        );
        assert_eq!(local_stamp("not a time", "%H:%M"), "");
    }

    #[test]
    fn months_follow_the_counter_time_zone() {
        // 2026-11-30 20:00 UTC is already 1 December in Beijing.
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 20, 0, 0).unwrap();
        assert_eq!(month_of(t), "2026-12");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::at(demo_epoch());
        assert_eq!(c.now(), demo_epoch());
        c.advance(chrono::Duration::minutes(10));
        assert_eq!(c.now(), demo_epoch() + chrono::Duration::minutes(10));
    }

    #[test]
    fn parses_dates_and_instants() {
        assert_eq!(
            parse_instant("2026-12-04T10:00:00+08:00"),
            Some(demo_epoch())
        );
        assert_eq!(
            parse_instant("2026-12-04"),
            Some(demo_epoch() - chrono::Duration::hours(10))
        );
        assert_eq!(parse_instant("yesterday"), None);
    }
}
