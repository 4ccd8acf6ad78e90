//! Customers: create, show, list, search, edit, close, and what happened to them lately.

use super::{Service, Session};
use crate::domain::customer::{
    CustomerStatus, CustomerType, mask_name, validate_name, validate_service_password,
};
use crate::domain::staff::Permission;
use crate::domain::{IdNumber, Lang, Msisdn, Problem, clock};
use crate::error::Result;
use crate::store::customers::{CustomerRow, ListFilter, NewCustomerRow, ProfileEdit};
use crate::store::ledger::LedgerEntry;
use crate::store::notices::Notice;
use crate::store::{self, audit::Outcome};
use serde::Serialize;
use std::collections::BTreeMap;

/// A customer as shown to staff: personal data masked unless verified in this visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerView {
    /// Row id.
    pub id: i64,
    /// The 11 digits.
    pub phone: String,
    /// `138****8000`.
    pub phone_masked: String,
    /// Full name when verified, else masked (`王*明`).
    pub name: String,
    /// Full ID number when verified, else masked.
    pub id_number: String,
    /// Brand code.
    pub brand: String,
    /// Brand name in Chinese.
    pub brand_name_zh: String,
    /// Brand name in English.
    pub brand_name_en: String,
    /// Plan code.
    pub plan: String,
    /// Plan name in Chinese.
    pub plan_name_zh: String,
    /// Plan name in English.
    pub plan_name_en: String,
    /// Plan taking effect next month.
    pub pending_plan: Option<String>,
    /// Customer type code.
    pub customer_type: CustomerType,
    /// Line status.
    pub status: CustomerStatus,
    /// 话费余额 in fen.
    pub balance_fen: i64,
    /// Points (积分 / M值).
    pub points: i64,
    /// The brand's points currency in Chinese.
    pub points_currency_zh: String,
    /// The brand's points currency in English.
    pub points_currency_en: String,
    /// 实名认证.
    pub verified_real_name: bool,
    /// One to five.
    pub star_level: u8,
    /// Local date joined.
    pub joined_on: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Notes (only when verified).
    pub notes: String,
    /// Verified in the current visit.
    pub verified: bool,
    /// A service password is set.
    pub has_service_password: bool,
}

impl CustomerView {
    /// The phone as headers show it: full when verified.
    pub fn phone_display(&self) -> &str {
        if self.verified {
            &self.phone
        } else {
            &self.phone_masked
        }
    }

    /// The brand name in a language.
    pub fn brand_name(&self, lang: Lang) -> &str {
        lang.pick(&self.brand_name_zh, &self.brand_name_en)
    }

    /// The plan name in a language.
    pub fn plan_name(&self, lang: Lang) -> &str {
        lang.pick(&self.plan_name_zh, &self.plan_name_en)
    }

    /// The points currency in a language.
    pub fn points_currency(&self, lang: Lang) -> &str {
        lang.pick(&self.points_currency_zh, &self.points_currency_en)
    }
}

/// A line of a customer list or search result (always masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerSummary {
    /// Row id.
    pub id: i64,
    /// The 11 digits (the key scripts use).
    pub phone: String,
    /// `138****8000`.
    pub phone_masked: String,
    /// Masked name.
    pub name: String,
    /// Brand code.
    pub brand: String,
    /// Plan code.
    pub plan: String,
    /// Status.
    pub status: CustomerStatus,
    /// Balance in fen.
    pub balance_fen: i64,
    /// Points.
    pub points: i64,
    /// Last four of the ID number, for telling namesakes apart.
    pub id_tail: String,
}

/// A customer to open an account for.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    /// Phone as typed.
    pub phone: String,
    /// Name.
    pub name: String,
    /// ID number as typed.
    pub id_number: String,
    /// Brand code.
    pub brand: String,
    /// Plan code.
    pub plan: String,
    /// Type code (default consumer).
    pub customer_type: Option<String>,
    /// Six-digit service password, if the customer sets one now.
    pub service_password: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Notes.
    pub notes: String,
}

/// Recent movements shown on the Customer tab.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    /// Newest balance entries first.
    pub ledger: Vec<LedgerEntry>,
    /// Newest notices first.
    pub notices: Vec<Notice>,
}

fn summary(r: &CustomerRow) -> CustomerSummary {
    let phone = crate::domain::phone::mask_stored(&r.phone).unwrap_or_else(|| r.phone.clone());
    CustomerSummary {
        id: r.id,
        phone_masked: phone,
        phone: r.phone.clone(),
        name: mask_name(&r.name),
        brand: r.brand.clone(),
        plan: r.plan.clone(),
        status: r.status,
        balance_fen: r.balance_fen,
        points: r.points,
        id_tail: r
            .id_number
            .get(r.id_number.len().saturating_sub(4)..)
            .unwrap_or("")
            .to_string(),
    }
}

/// Splits comma- or space-separated tags, dropping empties and duplicates.
pub fn parse_tags(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in s
        .split([',', '，', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    out
}

impl Service {
    fn view(&self, mut r: CustomerRow, verified: bool) -> Result<CustomerView> {
        // A change that has come due but that no operation has applied yet is shown as applied:
        // reads do not write (see service::plans for the plan history).
        let today = clock::local_date(self.now()).to_string();
        if let Some(due) = store::plans::due(&self.conn, &today, Some(r.id))?.pop() {
            r.plan = due.to_plan;
            r.pending_plan = None;
        }
        let brand = store::catalog::brand(&self.conn, &r.brand)?;
        let plan = store::catalog::plan(&self.conn, &r.plan)?;
        let m = crate::domain::phone::mask_stored(&r.phone).unwrap_or_else(|| r.phone.clone());
        let id_number = if verified {
            r.id_number.clone()
        } else {
            IdNumber::parse(&r.id_number)
                .map(|i| i.masked())
                .unwrap_or_else(|_| "******".into())
        };
        Ok(CustomerView {
            id: r.id,
            phone_masked: m,
            phone: r.phone,
            name: if verified { r.name } else { mask_name(&r.name) },
            id_number,
            brand_name_zh: brand
                .as_ref()
                .map(|b| b.name_zh.clone())
                .unwrap_or_default(),
            brand_name_en: brand
                .as_ref()
                .map(|b| b.name_en.clone())
                .unwrap_or_default(),
            points_currency_zh: brand
                .as_ref()
                .map(|b| b.currency_zh.clone())
                .unwrap_or_else(|| "积分".into()),
            points_currency_en: brand
                .as_ref()
                .map(|b| b.currency_en.clone())
                .unwrap_or_else(|| "points".into()),
            brand: r.brand,
            plan_name_zh: plan.as_ref().map(|p| p.name_zh.clone()).unwrap_or_default(),
            plan_name_en: plan.as_ref().map(|p| p.name_en.clone()).unwrap_or_default(),
            plan: r.plan,
            pending_plan: r.pending_plan,
            customer_type: r.customer_type,
            status: r.status,
            balance_fen: r.balance_fen,
            points: store::points::available(
                &self.conn,
                r.id,
                &clock::local_date(self.now()).to_string(),
            )?,
            verified_real_name: r.real_name_verified,
            star_level: r.star_level,
            joined_on: r.joined_on,
            tags: parse_tags(&r.tags),
            notes: if verified { r.notes } else { String::new() },
            verified,
            has_service_password: r.service_password_hash.is_some(),
        })
    }

    fn visit_verified_for(&self, visit: Option<i64>, customer_id: i64) -> Result<bool> {
        Ok(match visit {
            Some(v) => {
                let st = self.visit_status(v)?;
                st.verified && st.customer_id == customer_id
            }
            None => false,
        })
    }

    /// Finds a customer row by a typed phone: bad input (exit 2) or not found (exit 3).
    pub fn find_customer(&self, phone: &str) -> Result<CustomerRow> {
        let m = Msisdn::parse(phone)?;
        store::customers::by_phone(&self.conn, m.as_str())?.ok_or_else(|| {
            Problem::not_found(
                format!("没有号码为 {} 的客户", m.masked()),
                format!("no customer with phone number {}", m.masked()),
            )
            .into()
        })
    }

    /// A customer by phone, unmasked only when the visit is verified for them.
    pub fn customer_show(
        &mut self,
        _s: &Session,
        phone: &str,
        visit: Option<i64>,
    ) -> Result<CustomerView> {
        let row = self.find_customer(phone)?;
        let verified = self.visit_verified_for(visit, row.id)?;
        self.view(row, verified)
    }

    /// A customer by id, unmasked only when the visit is verified for them.
    pub fn customer_by_id(
        &self,
        _s: &Session,
        id: i64,
        visit: Option<i64>,
    ) -> Result<CustomerView> {
        let row = store::customers::require(&self.conn, id)?;
        let verified = self.visit_verified_for(visit, row.id)?;
        self.view(row, verified)
    }

    /// As-you-type search by phone digits, name or ID tail; at most `limit` results.
    pub fn customer_search(
        &self,
        _s: &Session,
        query: &str,
        limit: usize,
    ) -> Result<Vec<CustomerSummary>> {
        let q = query.trim();
        let compact: String = q.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let q = if !compact.is_empty() && compact.chars().all(|c| c.is_ascii_digit()) {
            compact.trim_start_matches("+86").to_string()
        } else {
            q.to_string()
        };
        Ok(store::customers::search(&self.conn, &q, limit)?
            .iter()
            .map(summary)
            .collect())
    }

    /// Customers filtered by brand and status.
    pub fn customer_list(
        &mut self,
        _s: &Session,
        brand: Option<&str>,
        status: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<CustomerSummary>> {
        if let Some(b) = brand
            && store::catalog::brand(&self.conn, b)?.is_none()
        {
            return Err(self.unknown_brand(b)?.into());
        }
        if let Some(st) = status {
            CustomerStatus::parse(st)?;
        }
        let f = ListFilter {
            brand: brand.map(str::to_string),
            status: status.map(str::to_string),
            limit,
        };
        Ok(store::customers::list(&self.conn, &f)?
            .iter()
            .map(summary)
            .collect())
    }

    fn unknown_brand(&self, b: &str) -> Result<Problem> {
        let codes: Vec<String> = store::catalog::brands(&self.conn)?
            .into_iter()
            .map(|b| b.code)
            .collect();
        let list = codes.join(", ");
        Ok(Problem::bad_input(
            format!("未知品牌“{b}”：可选 {list}"),
            format!("unknown brand \"{b}\": use one of {list}"),
        ))
    }

    /// Opens an account: validates every field, then one transaction writes the customer, a welcome notice and the audit row.
    pub fn customer_add(&mut self, s: &Session, n: &NewCustomer) -> Result<CustomerView> {
        self.authorize(s, Permission::Serve, "customer.add")?;
        let phone = Msisdn::parse(&n.phone)?;
        let name = validate_name(&n.name)?;
        let id_number = IdNumber::parse(&n.id_number)?;
        let brand = store::catalog::brand(&self.conn, n.brand.trim())?.ok_or_else(|| {
            self.unknown_brand(n.brand.trim())
                .unwrap_or_else(|e| Problem::bad_input(e.to_string(), e.to_string()))
        })?;
        let plan = store::catalog::plan(&self.conn, n.plan.trim())?
            .filter(|p| p.kind == "plan" && p.brand.as_deref() == Some(brand.code.as_str()))
            .ok_or_else(|| {
                let plans: Vec<String> = store::catalog::plans(&self.conn)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| p.kind == "plan" && p.brand.as_deref() == Some(brand.code.as_str()))
                    .map(|p| p.code)
                    .collect();
                Problem::bad_input(
                    format!(
                        "“{}”不是{}的套餐：可选 {}",
                        n.plan.trim(),
                        brand.name_zh,
                        plans.join(", ")
                    ),
                    format!(
                        "\"{}\" is not a {} plan: use one of {}",
                        n.plan.trim(),
                        brand.name_en,
                        plans.join(", ")
                    ),
                )
            })?;
        let ctype = match &n.customer_type {
            Some(t) => CustomerType::parse(t)?,
            None => CustomerType::Consumer,
        };
        let pw_hash = match &n.service_password {
            Some(pw) => {
                validate_service_password(pw)?;
                Some(super::passwords::hash(pw))
            }
            None => None,
        };
        if store::customers::by_phone(&self.conn, phone.as_str())?.is_some() {
            return Err(Problem::refused(
                format!("号码 {} 已是在网客户", phone.masked()),
                format!("{} is already a customer", phone.masked()),
            )
            .into());
        }
        let tags = n.tags.join(",");
        let joined = clock::local_date(self.now()).to_string();
        let staff = s.staff_id.clone();
        let id = self.write(|tx, now| {
            let id = store::customers::insert(
                tx,
                &NewCustomerRow {
                    phone: phone.as_str(),
                    name: &name,
                    id_number: id_number.as_str(),
                    brand: &brand.code,
                    plan: &plan.code,
                    customer_type: ctype,
                    real_name_verified: true,
                    service_password_hash: pw_hash.as_deref(),
                    status: CustomerStatus::Active,
                    joined_on: &joined,
                    star_level: 1,
                    tags: &tags,
                    notes: &n.notes,
                },
                now,
            )?;
            let mut params = BTreeMap::new();
            params.insert("phone".to_string(), phone.masked());
            params.insert("plan".to_string(), plan.name_zh.clone());
            store::notices::queue(tx, id, "welcome", &params, Some(&staff), now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "customer.add",
                Outcome::Ok,
                Some(id),
                &format!("{} {}", phone.masked(), plan.code),
            )?;
            Ok(id)
        })?;
        let row = store::customers::require(&self.conn, id)?;
        self.view(row, true)
    }

    /// Edits profile fields of a verified customer; a closed customer is read-only.
    pub fn customer_edit(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        edit: ProfileEdit,
    ) -> Result<CustomerView> {
        let row = store::customers::require(&self.conn, customer_id)?;
        if let Err(p) = row.status.ensure_writable() {
            return Err(self.refuse(&s.staff_id, "customer.edit", Some(customer_id), p));
        }
        self.require_verified(s, visit, customer_id, "customer.edit")?;
        let mut edit = edit;
        if let Some(n) = &edit.name {
            edit.name = Some(validate_name(n)?);
        }
        if let Some(i) = &edit.id_number {
            edit.id_number = Some(IdNumber::parse(i)?.as_str().to_string());
        }
        if let Some(t) = &edit.tags {
            edit.tags = Some(parse_tags(t).join(","));
        }
        if let Some(n) = &edit.notes
            && n.chars().count() > 2000
        {
            return Err(Problem::bad_input(
                "备注过长（最多 2000 字）",
                "notes are too long (at most 2000 characters)",
            )
            .into());
        }
        let mut changed = Vec::new();
        for (field, set) in [
            ("name", edit.name.is_some()),
            ("id_number", edit.id_number.is_some()),
            ("type", edit.customer_type.is_some()),
            ("real_name", edit.real_name_verified.is_some()),
            ("tags", edit.tags.is_some()),
            ("notes", edit.notes.is_some()),
        ] {
            if set {
                changed.push(field);
            }
        }
        if changed.is_empty() {
            return Err(Problem::bad_input(
                "没有要修改的内容",
                "nothing to change: give at least one field",
            )
            .into());
        }
        let staff = s.staff_id.clone();
        let detail = format!("changed {}", changed.join(", "));
        self.write(|tx, now| {
            store::customers::update_profile(tx, customer_id, &edit, now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "customer.edit",
                Outcome::Ok,
                Some(customer_id),
                &detail,
            )?;
            Ok(())
        })?;
        self.customer_by_id(s, customer_id, visit)
    }

    /// Closes an account (销户, supervisor): the record becomes read-only.
    pub fn customer_close(
        &mut self,
        s: &Session,
        customer_id: i64,
        reason: &str,
    ) -> Result<CustomerView> {
        self.authorize(s, Permission::Supervise, "customer.close")?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(
                Problem::bad_input("请填写销户原因", "closing a customer needs a reason").into(),
            );
        }
        let row = store::customers::require(&self.conn, customer_id)?;
        let to = match row.status.transition(CustomerStatus::Closed) {
            Ok(to) => to,
            Err(p) => return Err(self.refuse(&s.staff_id, "customer.close", Some(customer_id), p)),
        };
        let staff = s.staff_id.clone();
        let date = clock::local_date(self.now()).to_string();
        let masked = crate::domain::phone::mask_stored(&row.phone).unwrap_or_default();
        self.write(|tx, now| {
            store::customers::set_status(tx, customer_id, to, now)?;
            let mut params = BTreeMap::new();
            params.insert("phone".to_string(), masked.clone());
            params.insert("date".to_string(), date.clone());
            store::notices::queue(tx, customer_id, "closed", &params, Some(&staff), now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "customer.close",
                Outcome::Ok,
                Some(customer_id),
                reason,
            )?;
            Ok(())
        })?;
        self.customer_by_id(s, customer_id, None)
    }

    /// Recent balance entries and notices of a verified customer (balance history needs verification).
    pub fn customer_activity(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        limit: usize,
    ) -> Result<Activity> {
        self.require_verified(s, visit, customer_id, "customer.activity")?;
        Ok(Activity {
            ledger: store::ledger::recent(&self.conn, customer_id, limit)?,
            notices: store::notices::recent(&self.conn, customer_id, limit)?,
        })
    }

    /// The newest notice of all, for the status line.
    pub fn latest_notice_by(
        &self,
        staff_id: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Notice>> {
        store::notices::latest_by(&self.conn, staff_id, &store::ts(since))
    }

    /// The newest notice written (tests and scripts).
    pub fn latest_notice(&self) -> Result<Option<Notice>> {
        store::notices::latest(&self.conn)
    }
}
