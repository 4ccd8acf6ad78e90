//! Verifying a customer once per visit: service password, SMS one-time code, or ID-card check.

use super::{Service, Session, passwords};
use crate::domain::staff::{LOCK_MINUTES, MAX_FAILED_ATTEMPTS, Permission};
use crate::domain::visit::{self, OTP_VALID_MINUTES, Proof, VerifyMethod, is_fresh};
use crate::domain::{Problem, clock};
use crate::error::Result;
use crate::store::{self, audit::Outcome};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::Serialize;
use std::collections::BTreeMap;

/// Wrong guesses that burn a one-time code.
const MAX_OTP_GUESSES: i64 = 3;

/// Where a visit stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitStatus {
    /// Visit id.
    pub visit_id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Verified and still fresh.
    pub verified: bool,
    /// How, when verified.
    pub method: Option<VerifyMethod>,
    /// When it lapses for idleness, when verified.
    pub idle_until: Option<DateTime<Utc>>,
    /// Closed by the clerk.
    pub closed: bool,
}

impl Service {
    /// Opens a visit when the clerk takes up a customer.
    pub fn open_visit(&mut self, s: &Session, customer_id: i64) -> Result<i64> {
        store::customers::require(&self.conn, customer_id)?;
        let staff = s.staff_id.clone();
        self.write(|tx, now| {
            let id = store::visits::open(tx, customer_id, &staff, now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "visit.open",
                Outcome::Ok,
                Some(customer_id),
                &format!("visit {id}"),
            )?;
            Ok(id)
        })
    }

    /// Ends a visit: verification no longer holds.
    pub fn close_visit(&mut self, s: &Session, visit_id: i64) -> Result<()> {
        let v = self.visit_row(visit_id)?;
        let staff = s.staff_id.clone();
        self.write(|tx, now| {
            store::visits::close(tx, visit_id, now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "visit.close",
                Outcome::Ok,
                Some(v.customer_id),
                &format!("visit {visit_id}"),
            )?;
            Ok(())
        })
    }

    fn visit_row(&self, visit_id: i64) -> Result<store::visits::VisitRow> {
        store::visits::get(&self.conn, visit_id)?.ok_or_else(|| {
            Problem::not_found(
                format!("没有接待记录 {visit_id}"),
                format!("no visit {visit_id}"),
            )
            .into()
        })
    }

    /// Where a visit stands now.
    pub fn visit_status(&self, visit_id: i64) -> Result<VisitStatus> {
        let v = self.visit_row(visit_id)?;
        let now = self.now();
        let verified_at = v.verified_at.as_deref().and_then(store::parse_ts);
        let last = store::parse_ts(&v.last_activity_at).unwrap_or(now);
        let verified = is_fresh(verified_at, last, v.closed_at.is_some(), now);
        Ok(VisitStatus {
            visit_id,
            customer_id: v.customer_id,
            verified,
            method: v
                .method
                .as_deref()
                .and_then(VerifyMethod::parse)
                .filter(|_| verified),
            idle_until: verified.then(|| last + Duration::minutes(visit::IDLE_TIMEOUT_MINUTES)),
            closed: v.closed_at.is_some(),
        })
    }

    /// Sends a one-time code to the customer's phone (the notice outbox).
    pub fn send_otp(&mut self, s: &Session, visit_id: i64) -> Result<()> {
        let v = self.visit_row(visit_id)?;
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        let staff = s.staff_id.clone();
        let expires = store::ts(self.now() + Duration::minutes(OTP_VALID_MINUTES));
        self.write(|tx, now| {
            store::visits::insert_otp(tx, v.customer_id, &code, now, &expires)?;
            let mut params = BTreeMap::new();
            params.insert("code".to_string(), code.clone());
            params.insert("minutes".to_string(), OTP_VALID_MINUTES.to_string());
            store::notices::queue(tx, v.customer_id, "otp", &params, Some(&staff), now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "verify.otp_sent",
                Outcome::Ok,
                Some(v.customer_id),
                "",
            )?;
            Ok(())
        })
    }

    /// Checks a proof of identity; on success the visit is verified until closed or idle.
    /// Every attempt is audited; five wrong service passwords lock that method for 15 minutes.
    pub fn verify(&mut self, s: &Session, visit_id: i64, proof: &Proof) -> Result<VerifyMethod> {
        let v = self.visit_row(visit_id)?;
        if v.closed_at.is_some() {
            return Err(Problem::refused(
                "本次接待已结束，请重新查找客户",
                "this visit has ended: find the customer again",
            )
            .into());
        }
        let c = store::customers::require(&self.conn, v.customer_id)?;
        let now = self.now();
        let method = proof.method();
        let staff = s.staff_id.clone();
        let ok = match proof {
            Proof::Password(pw) => {
                if let Some(until) = c.pw_locked_until.as_deref().and_then(store::parse_ts)
                    && until > now
                {
                    let local = clock::local(until).format("%H:%M");
                    let p = Problem::refused(
                        format!(
                            "服务密码已连续输错 {MAX_FAILED_ATTEMPTS} 次，{local} 前不能用密码核验：请改用短信验证码或身份证核验"
                        ),
                        format!(
                            "the service password was wrong {MAX_FAILED_ATTEMPTS} times: password checks are locked until {local}; verify by SMS code or ID card instead"
                        ),
                    );
                    return Err(self.refuse(&staff, "verify.pw", Some(c.id), p));
                }
                let Some(hash) = c.service_password_hash.as_deref() else {
                    let p = Problem::refused(
                        "该客户未设置服务密码：请改用短信验证码或身份证核验",
                        "this customer has no service password: verify by SMS code or ID card instead",
                    );
                    return Err(self.refuse(&staff, "verify.pw", Some(c.id), p));
                };
                let ok = passwords::verify(pw, hash);
                if !ok {
                    let failures = c.pw_failures + 1;
                    let locked = failures >= MAX_FAILED_ATTEMPTS;
                    let lock = locked.then(|| store::ts(now + Duration::minutes(LOCK_MINUTES)));
                    let detail =
                        format!("wrong service password ({failures} of {MAX_FAILED_ATTEMPTS})");
                    self.write(|tx, at| {
                        store::customers::set_pw_state(
                            tx,
                            c.id,
                            if locked { 0 } else { failures },
                            lock.as_deref(),
                        )?;
                        store::audit::append(
                            tx,
                            at,
                            &staff,
                            "verify.pw",
                            Outcome::Failed,
                            Some(c.id),
                            &detail,
                        )?;
                        Ok(())
                    })?;
                    let left = MAX_FAILED_ATTEMPTS - failures;
                    return Err(if locked {
                        Problem::refused(
                            format!("服务密码错误，已连续 {MAX_FAILED_ATTEMPTS} 次：密码核验锁定 {LOCK_MINUTES} 分钟，请改用短信验证码或身份证"),
                            format!("wrong service password {MAX_FAILED_ATTEMPTS} times in a row: password checks are locked for {LOCK_MINUTES} minutes; use an SMS code or the ID card"),
                        )
                    } else {
                        Problem::refused(
                            format!("服务密码错误（再错 {left} 次将锁定密码核验）"),
                            format!("wrong service password ({left} tries left before password checks lock)"),
                        )
                    }
                    .into());
                }
                true
            }
            Proof::Otp(code) => {
                let live = store::visits::live_otp(&self.conn, c.id, &store::ts(now))?;
                match live {
                    Some((id, expected)) if &expected == code => {
                        self.write(|tx, at| store::visits::use_otp(tx, id, at))?;
                        true
                    }
                    Some((id, _)) => {
                        self.write(|tx, at| {
                            let guesses = store::visits::otp_wrong_guess(tx, id)?;
                            if guesses >= MAX_OTP_GUESSES {
                                store::visits::use_otp(tx, id, at)?;
                            }
                            store::audit::append(
                                tx,
                                at,
                                &staff,
                                "verify.otp",
                                Outcome::Failed,
                                Some(c.id),
                                "wrong code",
                            )?;
                            Ok(())
                        })?;
                        return Err(Problem::refused(
                            "验证码错误：请核对短信中的 6 位数字（错 3 次需重新发送）",
                            "wrong code: check the 6 digits in the SMS (after 3 wrong tries, send a new code)",
                        )
                        .into());
                    }
                    None => {
                        let p = Problem::refused(
                            "没有有效的验证码：请先发送验证码（5 分钟内有效）",
                            "no valid code: send a new SMS code first (codes last 5 minutes)",
                        );
                        return Err(self.refuse(&staff, "verify.otp", Some(c.id), p));
                    }
                }
            }
            Proof::IdLast6(last6) => {
                let expected = c
                    .id_number
                    .get(c.id_number.len().saturating_sub(6)..)
                    .unwrap_or("");
                if !last6.eq_ignore_ascii_case(expected) {
                    self.write(|tx, at| {
                        store::audit::append(
                            tx,
                            at,
                            &staff,
                            "verify.id",
                            Outcome::Failed,
                            Some(c.id),
                            "ID tail does not match",
                        )?;
                        Ok(())
                    })?;
                    return Err(Problem::refused(
                        "身份证后六位与登记信息不符：请核对客户出示的证件",
                        "the last six characters of the ID card do not match the record: check the card the customer shows",
                    )
                    .into());
                }
                true
            }
        };
        debug_assert!(ok);
        self.write(|tx, at| {
            store::customers::set_pw_state(tx, c.id, 0, None)?;
            store::visits::mark_verified(tx, visit_id, method.code(), None, at)?;
            store::audit::append(
                tx,
                at,
                &staff,
                "verify",
                Outcome::Ok,
                Some(c.id),
                method.code(),
            )?;
            Ok(())
        })?;
        Ok(method)
    }

    /// A supervisor vouches for the customer with a reason instead of a proof.
    pub fn override_verification(
        &mut self,
        s: &Session,
        visit_id: i64,
        reason: &str,
    ) -> Result<()> {
        self.authorize(s, Permission::Supervise, "verify.override")?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Problem::bad_input("请填写授权理由", "an override needs a reason").into());
        }
        let v = self.visit_row(visit_id)?;
        let staff = s.staff_id.clone();
        self.write(|tx, now| {
            store::visits::mark_verified(
                tx,
                visit_id,
                VerifyMethod::Override.code(),
                Some(reason),
                now,
            )?;
            store::audit::append(
                tx,
                now,
                &staff,
                "verify.override",
                Outcome::Ok,
                Some(v.customer_id),
                reason,
            )?;
            Ok(())
        })
    }

    /// Refuses (and audits) unless the visit is verified and fresh for this customer; keeps it fresh.
    pub(crate) fn require_verified(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        action: &str,
    ) -> Result<()> {
        let mut idle_until = None;
        let fresh = match visit {
            Some(id) => {
                let st = self.visit_status(id)?;
                idle_until = st.idle_until;
                st.verified && st.customer_id == customer_id
            }
            None => false,
        };
        if !fresh {
            return Err(self.refuse(
                &s.staff_id,
                action,
                Some(customer_id),
                visit::needs_verification(action),
            ));
        }
        // Keep the visit fresh, but write at most every 30 seconds: reads stay reads.
        let recent = idle_until.is_some_and(|u| {
            u - self.now()
                > chrono::Duration::minutes(visit::IDLE_TIMEOUT_MINUTES)
                    - chrono::Duration::seconds(30)
        });
        if let Some(id) = visit
            && !recent
        {
            self.write(|tx, now| store::visits::touch(tx, id, now))?;
        }
        Ok(())
    }

    /// Keeps a still-fresh visit fresh (the clerk is still serving the customer); a lapsed one stays lapsed.
    pub fn touch_visit(&mut self, visit_id: i64) -> Result<VisitStatus> {
        let st = self.visit_status(visit_id)?;
        if st.verified {
            self.write(|tx, now| store::visits::touch(tx, visit_id, now))?;
        }
        self.visit_status(visit_id)
    }
}
