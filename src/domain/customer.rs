//! Customers (客户): type, status machine, star level, name masking.

use crate::domain::{Fen, Problem};
use serde::{Deserialize, Serialize};

/// Customer type, after the seed's consumer / intermediary / public split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerType {
    /// 个人客户
    Consumer,
    /// 集团客户
    Corporate,
    /// 公益客户
    PublicInterest,
}

impl CustomerType {
    /// All types, in display order.
    pub const ALL: [CustomerType; 3] = [
        CustomerType::Consumer,
        CustomerType::Corporate,
        CustomerType::PublicInterest,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            CustomerType::Consumer => "consumer",
            CustomerType::Corporate => "corporate",
            CustomerType::PublicInterest => "public_interest",
        }
    }

    /// Parses a stored or typed code.
    pub fn parse(s: &str) -> Result<CustomerType, Problem> {
        match s.trim() {
            "consumer" | "个人客户" | "个人" => Ok(CustomerType::Consumer),
            "corporate" | "集团客户" | "集团" => Ok(CustomerType::Corporate),
            "public_interest" | "公益客户" | "公益" => Ok(CustomerType::PublicInterest),
            other => Err(Problem::bad_input(
                format!("未知的客户类型“{other}”：可选 consumer、corporate、public_interest"),
                format!(
                    "unknown customer type \"{other}\": use consumer, corporate or public_interest"
                ),
            )),
        }
    }

    /// Display name.
    pub fn label(self, lang: crate::domain::Lang) -> &'static str {
        match self {
            CustomerType::Consumer => lang.pick("个人客户", "Consumer"),
            CustomerType::Corporate => lang.pick("集团客户", "Corporate"),
            CustomerType::PublicInterest => lang.pick("公益客户", "Public-interest"),
        }
    }
}

/// Line status: active → suspended (停机) → active (复机); active/suspended → closed (销户).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomerStatus {
    /// 正常
    Active,
    /// 停机: in arrears.
    Suspended,
    /// 销户: read-only forever.
    Closed,
}

impl CustomerStatus {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Suspended => "suspended",
            CustomerStatus::Closed => "closed",
        }
    }

    /// Parses a stored or typed code.
    pub fn parse(s: &str) -> Result<CustomerStatus, Problem> {
        match s.trim() {
            "active" => Ok(CustomerStatus::Active),
            "suspended" => Ok(CustomerStatus::Suspended),
            "closed" => Ok(CustomerStatus::Closed),
            other => Err(Problem::bad_input(
                format!("未知的状态“{other}”：可选 active、suspended、closed"),
                format!("unknown status \"{other}\": use active, suspended or closed"),
            )),
        }
    }

    /// Display name.
    pub fn label(self, lang: crate::domain::Lang) -> &'static str {
        match self {
            CustomerStatus::Active => lang.pick("正常", "active"),
            CustomerStatus::Suspended => lang.pick("停机", "suspended"),
            CustomerStatus::Closed => lang.pick("销户", "closed"),
        }
    }

    /// Checks a status change against the machine; the same status is not a change.
    pub fn transition(self, to: CustomerStatus) -> Result<CustomerStatus, Problem> {
        use CustomerStatus::*;
        match (self, to) {
            (Active, Suspended) | (Suspended, Active) | (Active, Closed) | (Suspended, Closed) => {
                Ok(to)
            }
            (Closed, _) => Err(Problem::refused(
                "该客户已销户，资料只读，不能再办理业务",
                "this customer is closed: the record is read-only and no business can be done",
            )),
            (from, to) => Err(Problem::refused(
                format!("状态不能从 {} 变为 {}", from.code(), to.code()),
                format!(
                    "the status cannot change from {} to {}",
                    from.code(),
                    to.code()
                ),
            )),
        }
    }

    /// Refuses any change to a closed customer.
    pub fn ensure_writable(self) -> Result<(), Problem> {
        if self == CustomerStatus::Closed {
            Err(Problem::refused(
                "该客户已销户，资料只读",
                "this customer is closed and read-only",
            ))
        } else {
            Ok(())
        }
    }
}

/// 星级: from one to five stars by average monthly spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StarLevel(pub u8);

impl StarLevel {
    /// Monthly spend thresholds (fen) for two, three, four and five stars.
    pub const THRESHOLDS: [i64; 4] = [5_000, 10_000, 20_000, 30_000];

    /// The star level for an average monthly spend.
    pub fn from_average_spend(avg: Fen) -> StarLevel {
        let stars = 1 + Self::THRESHOLDS.iter().filter(|t| avg.0 >= **t).count();
        StarLevel(stars as u8)
    }

    /// `三星` / `3★`.
    pub fn label(self, lang: crate::domain::Lang) -> String {
        const ZH: [&str; 5] = ["一星", "二星", "三星", "四星", "五星"];
        let i = usize::from(self.0.clamp(1, 5)) - 1;
        match lang {
            crate::domain::Lang::Zh => ZH[i].to_string(),
            crate::domain::Lang::En => format!("{}★", i + 1),
        }
    }
}

/// Masks a name for display before verification: `王小明` → `王*明`, `王芳` → `王*`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::new();
            s.push(chars[0]);
            for _ in 1..n - 1 {
                s.push('*');
            }
            s.push(chars[n - 1]);
            s
        }
    }
}

/// Validates a customer's name: not empty, no control characters, at most 40 characters.
pub fn validate_name(name: &str) -> Result<String, Problem> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Problem::bad_input(
            "姓名不能为空",
            "the name is empty: enter the customer's name",
        ));
    }
    if n.chars().any(char::is_control) {
        return Err(Problem::bad_input(
            "姓名含有控制字符",
            "the name contains control characters",
        ));
    }
    if n.chars().count() > 40 {
        return Err(Problem::bad_input(
            "姓名过长（最多 40 个字）",
            "the name is too long (at most 40 characters)",
        ));
    }
    Ok(n.to_string())
}

/// Validates a six-digit service password (服务密码).
pub fn validate_service_password(pw: &str) -> Result<(), Problem> {
    if pw.len() == 6 && pw.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Problem::bad_input(
            "服务密码应为 6 位数字",
            "a service password is exactly 6 digits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CustomerStatus::*;

    #[test]
    fn status_machine_allows_only_the_spec_transitions() {
        assert_eq!(Active.transition(Suspended), Ok(Suspended));
        assert_eq!(Suspended.transition(Active), Ok(Active));
        assert_eq!(Active.transition(Closed), Ok(Closed));
        assert_eq!(Suspended.transition(Closed), Ok(Closed));
        for to in [Active, Suspended, Closed] {
            assert!(Closed.transition(to).is_err());
        }
        assert!(Active.transition(Active).is_err());
        assert!(Closed.ensure_writable().is_err());
        assert!(Active.ensure_writable().is_ok());
    }

    #[test]
    fn star_levels_follow_spend() {
        assert_eq!(StarLevel::from_average_spend(Fen(0)), StarLevel(1));
        assert_eq!(StarLevel::from_average_spend(Fen(4_999)), StarLevel(1));
        assert_eq!(StarLevel::from_average_spend(Fen(5_000)), StarLevel(2));
        assert_eq!(StarLevel::from_average_spend(Fen(30_000)), StarLevel(5));
        assert_eq!(StarLevel(3).label(crate::domain::Lang::Zh), "三星");
    }

    #[test]
    fn names_are_masked_by_character() {
        assert_eq!(mask_name("王小明"), "王*明");
        assert_eq!(mask_name("王芳"), "王*");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("A"), "*");
    }

    #[test]
    fn codes_round_trip() {
        for t in CustomerType::ALL {
            assert_eq!(CustomerType::parse(t.code()), Ok(t));
        }
        for s in [Active, Suspended, Closed] {
            assert_eq!(CustomerStatus::parse(s.code()), Ok(s));
        }
        assert!(CustomerType::parse("vip").is_err());
    }

    #[test]
    fn service_passwords_are_six_digits() {
        assert!(validate_service_password("123456").is_ok());
        assert!(validate_service_password("12345").is_err());
        assert!(validate_service_password("12345a").is_err());
        assert!(validate_name("  ").is_err());
        assert!(validate_name("a\u{7}b").is_err());
    }
}
