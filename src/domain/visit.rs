//! A customer's visit to the counter: verified once, valid until closed or idle too long.

use crate::domain::Problem;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long a visit may sit idle before the customer must verify again.
pub const IDLE_TIMEOUT_MINUTES: i64 = 10;
/// How long a one-time SMS code stays valid.
pub const OTP_VALID_MINUTES: i64 = 5;

/// How a customer proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMethod {
    /// 服务密码
    Password,
    /// 短信验证码
    Otp,
    /// The clerk checked the identity card (last six characters).
    IdCard,
    /// A supervisor vouched, with a reason.
    Override,
}

impl VerifyMethod {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            VerifyMethod::Password => "pw",
            VerifyMethod::Otp => "otp",
            VerifyMethod::IdCard => "id",
            VerifyMethod::Override => "override",
        }
    }

    /// Parses the stored code.
    pub fn parse(s: &str) -> Option<VerifyMethod> {
        match s {
            "pw" => Some(VerifyMethod::Password),
            "otp" => Some(VerifyMethod::Otp),
            "id" => Some(VerifyMethod::IdCard),
            "override" => Some(VerifyMethod::Override),
            _ => None,
        }
    }

    /// Display name.
    pub fn label(self, lang: crate::domain::Lang) -> &'static str {
        match self {
            VerifyMethod::Password => lang.pick("服务密码", "service password"),
            VerifyMethod::Otp => lang.pick("短信验证码", "SMS code"),
            VerifyMethod::IdCard => lang.pick("身份证核验", "ID card check"),
            VerifyMethod::Override => lang.pick("值班长授权", "supervisor override"),
        }
    }
}

/// A proof offered for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The six-digit service password.
    Password(String),
    /// The one-time code from the SMS.
    Otp(String),
    /// The last six characters of the presented ID card.
    IdLast6(String),
}

impl Proof {
    /// Parses the command line's `pw:SECRET`, `otp:CODE` or `id:LAST6`.
    pub fn parse_cli(s: &str) -> Result<Proof, Problem> {
        let bad = || {
            Problem::bad_input(
                format!("无法识别的核验方式“{s}”：请用 pw:服务密码、otp:验证码 或 id:身份证后六位"),
                format!(
                    "cannot read --verify \"{s}\": use pw:SERVICE_PASSWORD, otp:CODE or id:LAST6"
                ),
            )
        };
        let (kind, value) = s.split_once(':').ok_or_else(bad)?;
        let value = value.trim().to_string();
        if value.is_empty() {
            return Err(bad());
        }
        match kind.trim() {
            "pw" => Ok(Proof::Password(value)),
            "otp" => Ok(Proof::Otp(value)),
            "id" => Ok(Proof::IdLast6(value.to_ascii_uppercase())),
            _ => Err(bad()),
        }
    }

    /// The method this proof stands for.
    pub fn method(&self) -> VerifyMethod {
        match self {
            Proof::Password(_) => VerifyMethod::Password,
            Proof::Otp(_) => VerifyMethod::Otp,
            Proof::IdLast6(_) => VerifyMethod::IdCard,
        }
    }
}

/// True while a verified visit is still fresh: verified, not closed, idle less than the timeout.
pub fn is_fresh(
    verified_at: Option<DateTime<Utc>>,
    last_activity: DateTime<Utc>,
    closed: bool,
    now: DateTime<Utc>,
) -> bool {
    verified_at.is_some()
        && !closed
        && now - last_activity < Duration::minutes(IDLE_TIMEOUT_MINUTES)
}

/// Plain names of operations, for messages: (zh, en).
pub fn action_names(action: &str) -> (String, String) {
    let (zh, en) = match action {
        "points.redeem" => ("积分兑换", "redeeming points"),
        "points.history" => ("查看兑换记录", "the redemption history"),
        "customer.edit" => ("修改客户资料", "editing the profile"),
        "customer.activity" => ("查看余额变动", "the balance history"),
        "plan.show" => ("查看业务办理", "business handling"),
        "plan.change" => ("变更套餐", "changing the plan"),
        "plan.cancel_change" => ("取消套餐变更", "cancelling a plan change"),
        "pack.add" => ("订购加油包", "adding a pack"),
        "vas.subscribe" => ("订购增值业务", "subscribing a value-added service"),
        "vas.cancel" => ("退订增值业务", "cancelling a value-added service"),
        other => (other, other),
    };
    (zh.to_string(), en.to_string())
}

/// The refusal shown when an operation needs a verified customer.
pub fn needs_verification(action: &str) -> Problem {
    let (zh_name, en_name) = action_names(action);
    Problem::refused(
        format!("{zh_name}需要先核验客户身份（服务密码、短信验证码或身份证）"),
        format!(
            "{en_name} needs a verified customer: verify with the service password, an SMS code or the ID card (on the command line: --verify pw:|otp:|id:)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::demo_epoch;

    #[test]
    fn visits_expire_after_ten_idle_minutes() {
        let t0 = demo_epoch();
        let fresh = |idle: i64| is_fresh(Some(t0), t0, false, t0 + Duration::seconds(idle));
        assert!(fresh(0));
        assert!(fresh(599));
        assert!(!fresh(600));
        assert!(!is_fresh(None, t0, false, t0));
        assert!(!is_fresh(Some(t0), t0, true, t0));
    }

    #[test]
    fn cli_proofs_parse() {
        assert_eq!(
            Proof::parse_cli("pw:123456"),
            Ok(Proof::Password("123456".into()))
        );
        assert_eq!(
            Proof::parse_cli("otp:042917"),
            Ok(Proof::Otp("042917".into()))
        );
        assert_eq!(
            Proof::parse_cli("id:31002x"),
            Ok(Proof::IdLast6("31002X".into()))
        );
        assert!(Proof::parse_cli("123456").is_err());
        assert!(Proof::parse_cli("pw:").is_err());
        assert!(Proof::parse_cli("face:1").is_err());
    }
}
