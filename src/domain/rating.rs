//! Rating (计费): plan allowances first, then the plan's overage rates. Pure functions.

use crate::domain::Fen;
use serde::{Deserialize, Serialize};

/// What a plan includes and charges beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanRates {
    /// Monthly fee.
    pub fee_fen: i64,
    /// Included domestic minutes (outgoing).
    pub minutes: i64,
    /// Included data, MB.
    pub data_mb: i64,
    /// Included SMS.
    pub sms: i64,
    /// Per started minute beyond the allowance.
    pub voice_fen_per_min: i64,
    /// Per SMS beyond the allowance.
    pub sms_fen: i64,
    /// Per started MB beyond the allowance.
    pub data_fen_per_mb: i64,
}

/// Rates that apply to every plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommonRates {
    /// International roaming, per started minute, both directions.
    pub roaming_voice_fen_per_min: i64,
    /// Each MMS.
    pub mms_fen: i64,
}

/// Extra allowances for the month: packs bought, points redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Extra {
    /// Minutes.
    pub minutes: i64,
    /// Data, MB.
    pub data_mb: i64,
    /// SMS.
    pub sms: i64,
}

/// A month's usage, already summed per call (each call counted in started minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    /// Domestic outgoing minutes (local and long-distance are one domestic rate).
    pub voice_out_minutes: i64,
    /// Incoming minutes at home (free).
    pub voice_in_minutes: i64,
    /// Roaming minutes abroad, both directions.
    pub roaming_minutes: i64,
    /// SMS sent.
    pub sms: i64,
    /// MMS sent.
    pub mms: i64,
    /// Data used, KB.
    pub data_kb: i64,
}

/// What the usage costs beyond the plan fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rated {
    /// Domestic minutes beyond the allowance.
    pub over_minutes: i64,
    /// Their charge.
    pub voice_fen: i64,
    /// Roaming charge.
    pub roaming_fen: i64,
    /// MB beyond the allowance.
    pub over_mb: i64,
    /// Their charge.
    pub data_fen: i64,
    /// SMS beyond the allowance.
    pub over_sms: i64,
    /// SMS and MMS charge.
    pub sms_fen: i64,
    /// Data used, whole MB (started).
    pub used_mb: i64,
}

impl Rated {
    /// Everything beyond the plan fee.
    pub fn usage_fen(&self) -> i64 {
        self.voice_fen + self.roaming_fen + self.data_fen + self.sms_fen
    }
}

/// Minutes billed for one call: every started minute counts; a zero-second call is free.
pub fn started_minutes(seconds: i64) -> i64 {
    if seconds <= 0 { 0 } else { (seconds + 59) / 60 }
}

/// Whole MB billed for data: every started MB counts.
pub fn started_mb(kb: i64) -> i64 {
    if kb <= 0 { 0 } else { (kb + 1023) / 1024 }
}

/// Rates a month: allowances (plan plus extra) first, then overage.
pub fn rate(plan: &PlanRates, extra: &Extra, common: &CommonRates, u: &Usage) -> Rated {
    let over_minutes = (u.voice_out_minutes - plan.minutes - extra.minutes).max(0);
    let used_mb = started_mb(u.data_kb);
    let over_mb = (used_mb - plan.data_mb - extra.data_mb).max(0);
    let over_sms = (u.sms - plan.sms - extra.sms).max(0);
    Rated {
        over_minutes,
        voice_fen: over_minutes * plan.voice_fen_per_min,
        roaming_fen: u.roaming_minutes * common.roaming_voice_fen_per_min,
        over_mb,
        data_fen: over_mb * plan.data_fen_per_mb,
        over_sms,
        sms_fen: over_sms * plan.sms_fen + u.mms * common.mms_fen,
        used_mb,
    }
}

/// The month's cost of a plan for a usage: fee plus overage.
pub fn monthly_cost(plan: &PlanRates, extra: &Extra, common: &CommonRates, u: &Usage) -> Fen {
    Fen(plan.fee_fen + rate(plan, extra, common, u).usage_fen())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PLAN: PlanRates = PlanRates {
        fee_fen: 5800,
        minutes: 200,
        data_mb: 10240,
        sms: 50,
        voice_fen_per_min: 19,
        sms_fen: 10,
        data_fen_per_mb: 3,
    };
    const COMMON: CommonRates = CommonRates {
        roaming_voice_fen_per_min: 99,
        mms_fen: 30,
    };

    #[test]
    fn every_started_minute_and_mb_counts() {
        assert_eq!(started_minutes(0), 0);
        assert_eq!(started_minutes(1), 1);
        assert_eq!(started_minutes(60), 1);
        assert_eq!(started_minutes(61), 2);
        assert_eq!(started_mb(0), 0);
        assert_eq!(started_mb(1), 1);
        assert_eq!(started_mb(1024), 1);
        assert_eq!(started_mb(1025), 2);
    }

    #[test]
    fn allowances_are_used_before_overage() {
        let at = |minutes, kb, sms| {
            rate(
                &PLAN,
                &Extra::default(),
                &COMMON,
                &Usage {
                    voice_out_minutes: minutes,
                    data_kb: kb,
                    sms,
                    ..Usage::default()
                },
            )
        };
        assert_eq!(
            at(200, 10240 * 1024, 50).usage_fen(),
            0,
            "exactly the allowance is free"
        );
        let r = at(201, 10240 * 1024 + 1, 51);
        assert_eq!((r.over_minutes, r.voice_fen), (1, 19));
        assert_eq!((r.over_mb, r.data_fen), (1, 3));
        assert_eq!((r.over_sms, r.sms_fen), (1, 10));
    }

    #[test]
    fn extra_allowances_add_to_the_plan() {
        let u = Usage {
            voice_out_minutes: 250,
            data_kb: 11 * 1024 * 1024,
            ..Usage::default()
        };
        let extra = Extra {
            minutes: 100,
            data_mb: 1024,
            sms: 0,
        };
        assert_eq!(rate(&PLAN, &extra, &COMMON, &u).usage_fen(), 0);
    }

    #[test]
    fn roaming_and_mms_are_charged_apart_and_incoming_is_free() {
        let u = Usage {
            roaming_minutes: 3,
            mms: 2,
            voice_in_minutes: 500,
            ..Usage::default()
        };
        let r = rate(&PLAN, &Extra::default(), &COMMON, &u);
        assert_eq!((r.roaming_fen, r.sms_fen, r.voice_fen), (297, 60, 0));
        assert_eq!(
            monthly_cost(&PLAN, &Extra::default(), &COMMON, &u),
            Fen(5800 + 357)
        );
    }

    proptest! {
        #[test]
        fn more_usage_never_costs_less(m in 0i64..2000, kb in 0i64..50_000_000, s in 0i64..500, dm in 0i64..100) {
            let base = Usage { voice_out_minutes: m, data_kb: kb, sms: s, ..Usage::default() };
            let more = Usage { voice_out_minutes: m + dm, data_kb: kb + dm * 1024, sms: s + dm, ..Usage::default() };
            let e = Extra::default();
            prop_assert!(rate(&PLAN, &e, &COMMON, &more).usage_fen() >= rate(&PLAN, &e, &COMMON, &base).usage_fen());
            prop_assert!(rate(&PLAN, &e, &COMMON, &base).usage_fen() >= 0);
        }
    }
}
