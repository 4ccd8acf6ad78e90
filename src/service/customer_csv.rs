//! Customers CSV (admin): import (create, or update by phone), and export.
//!
//! Columns, by header name (any order): `phone,name,id_number,brand,plan,customer_type,
//! real_name_verified,status,joined_on,star_level,tags,notes`. The first five are required; the
//! rest default to consumer, true, active, today, 1, empty, empty. Service passwords are never
//! exported (their hashes stay in the database) and balances and points are not columns: they
//! are sums of ledgers, which an import cannot write.
//!
//! Files come from Excel on counter PCs: UTF-8 with or without a BOM, or GBK/GB18030 — the
//! reader takes UTF-8 when the bytes are valid UTF-8 and GB18030 (a superset of GBK) otherwise.
//! An import is all or nothing unless `skip_bad` is set; every bad row is reported with its line
//! and reason, and a phone that appears twice in the file is a bad row naming the first line.
//! New customers get no welcome SMS (a bulk migration must not text a million people).
//! With `update`, a phone already stored updates the profile fields; its brand, plan and status
//! must match what is stored, since those change only through 业务办理 and the status machine.

use super::{Service, Session};
use crate::domain::customer::{CustomerStatus, CustomerType, validate_name};
use crate::domain::staff::Permission;
use crate::domain::{IdNumber, Msisdn, Problem, clock};
use crate::error::Result;
use crate::store::customers::{Existing, NewCustomerRow};
use crate::store::{self, audit::Outcome};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

/// The columns, in export order.
pub const COLUMNS: [&str; 12] = [
    "phone",
    "name",
    "id_number",
    "brand",
    "plan",
    "customer_type",
    "real_name_verified",
    "status",
    "joined_on",
    "star_level",
    "tags",
    "notes",
];

/// From this many rows on, an import rebuilds the secondary indexes after loading instead of
/// updating them row by row.
const BULK_ROWS: usize = 50_000;

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Update customers whose phone is already stored (otherwise such a row is bad).
    pub update: bool,
    /// Import the good rows and report the bad ones (otherwise any bad row imports nothing).
    pub skip_bad: bool,
}

/// One bad row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// Line in the file where the row starts (the header is line 1).
    pub line: u64,
    /// Why, in Chinese.
    pub reason_zh: String,
    /// Why, in English.
    pub reason_en: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerImport {
    /// `utf-8`, `utf-8-bom` or `gb18030`.
    pub encoding: String,
    /// Data rows read.
    pub rows: usize,
    /// Customers created.
    pub created: usize,
    /// Customers updated.
    pub updated: usize,
    /// Rows skipped as bad (only with `skip_bad`).
    pub skipped: usize,
    /// The bad rows.
    pub bad: Vec<BadRow>,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerExport {
    /// Customers written.
    pub customers: usize,
    /// With a UTF-8 BOM for Excel.
    pub bom: bool,
}

/// A validated row.
struct Row {
    line: u64,
    phone: String,
    name: String,
    id_number: String,
    brand: String,
    plan: String,
    customer_type: CustomerType,
    real_name_verified: bool,
    status: CustomerStatus,
    joined_on: String,
    star_level: u8,
    tags: String,
    notes: String,
}

/// Decodes a file's bytes: UTF-8 (a BOM is dropped) or, when not valid UTF-8, GB18030.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), Problem> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), "utf-8-bom"))
            .map_err(|e| {
                Problem::bad_input(
                    format!(
                        "文件以 UTF-8 BOM 开头，但第 {} 字节处不是 UTF-8",
                        e.valid_up_to() + 4
                    ),
                    format!(
                        "the file starts with a UTF-8 BOM but is not UTF-8 at byte {}",
                        e.valid_up_to() + 4
                    ),
                )
            });
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), "utf-8"));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Problem::bad_input(
            "文件既不是 UTF-8 也不是 GBK/GB18030 编码：请在 Excel 中另存为“CSV UTF-8”",
            "the file is neither UTF-8 nor GBK/GB18030: save it from Excel as \"CSV UTF-8\"",
        ));
    }
    Ok((text.into_owned(), "gb18030"))
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" | "y" | "是" => Some(true),
        "false" | "0" | "no" | "n" | "否" => Some(false),
        _ => None,
    }
}

/// Normalises tags: split on commas (ASCII or full-width) and semicolons, trim, dedupe, join.
fn tags_of(s: &str) -> String {
    super::customers::parse_tags(s).join(",")
}

struct Catalog {
    brands: HashSet<String>,
    /// plan code → brand code, base plans only.
    plans: HashMap<String, String>,
}

type Reason = (String, String);

fn bad(zh: impl Into<String>, en: impl Into<String>) -> Reason {
    (zh.into(), en.into())
}

fn from_problem(p: Problem) -> Reason {
    (p.zh, p.en)
}

fn validate(
    rec: &csv::StringRecord,
    col: &HashMap<&'static str, usize>,
    cat: &Catalog,
    today: &str,
) -> std::result::Result<Row, Reason> {
    let field = |name: &str| {
        col.get(name)
            .and_then(|i| rec.get(*i))
            .map(str::trim)
            .unwrap_or("")
    };
    let phone = Msisdn::parse(field("phone")).map_err(from_problem)?;
    let name = validate_name(field("name")).map_err(from_problem)?;
    let id_number = IdNumber::parse(field("id_number")).map_err(from_problem)?;
    let brand = field("brand");
    if !cat.brands.contains(brand) {
        return Err(bad(
            format!("未知品牌“{brand}”"),
            format!("unknown brand \"{brand}\""),
        ));
    }
    let plan = field("plan");
    if cat.plans.get(plan).map(String::as_str) != Some(brand) {
        return Err(bad(
            format!("“{plan}”不是品牌 {brand} 的套餐"),
            format!("\"{plan}\" is not a plan of brand {brand}"),
        ));
    }
    let customer_type = match field("customer_type") {
        "" => CustomerType::Consumer,
        t => CustomerType::parse(t).map_err(from_problem)?,
    };
    let real_name_verified = parse_bool(field("real_name_verified")).ok_or_else(|| {
        bad(
            format!(
                "real_name_verified“{}”应为 true 或 false",
                field("real_name_verified")
            ),
            format!(
                "real_name_verified \"{}\" must be true or false",
                field("real_name_verified")
            ),
        )
    })?;
    let status = match field("status") {
        "" => CustomerStatus::Active,
        s => CustomerStatus::parse(s).map_err(from_problem)?,
    };
    let joined_on = match field("joined_on") {
        "" => today.to_string(),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| {
                bad(
                    format!("入网日期“{d}”应为 YYYY-MM-DD"),
                    format!("joined_on \"{d}\" must be YYYY-MM-DD"),
                )
            })?
            .to_string(),
    };
    let star_level = match field("star_level") {
        "" => 1,
        s => s
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=5).contains(n))
            .ok_or_else(|| {
                bad(
                    format!("星级“{s}”应为 1 到 5"),
                    format!("star_level \"{s}\" must be 1 to 5"),
                )
            })?,
    };
    let notes = field("notes");
    if notes.chars().count() > 500 {
        return Err(bad(
            "备注过长（最多 500 字）",
            "notes too long (at most 500 characters)",
        ));
    }
    Ok(Row {
        line: 0,
        phone: phone.as_str().to_string(),
        name,
        id_number: id_number.as_str().to_string(),
        brand: brand.to_string(),
        plan: plan.to_string(),
        customer_type,
        real_name_verified,
        status,
        joined_on,
        star_level,
        tags: tags_of(field("tags")),
        notes: notes.to_string(),
    })
}

fn problem_of(bad: &[BadRow], total_bad: usize) -> Problem {
    const SHOWN: usize = 20;
    let lines = |zh: bool| {
        bad.iter()
            .take(SHOWN)
            .map(|b| {
                if zh {
                    format!("第 {} 行：{}", b.line, b.reason_zh)
                } else {
                    format!("line {}: {}", b.line, b.reason_en)
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let more = total_bad.saturating_sub(SHOWN);
    Problem::bad_input(
        format!(
            "{total_bad} 行有误，未导入任何客户：\n{}{}",
            lines(true),
            if more > 0 {
                format!("\n（另有 {more} 行）")
            } else {
                String::new()
            }
        ),
        format!(
            "{total_bad} bad row(s); no customer was imported:\n{}{}",
            lines(false),
            if more > 0 {
                format!("\n(and {more} more)")
            } else {
                String::new()
            }
        ),
    )
}

impl Service {
    /// Imports customers from a CSV file (admin). `progress(done, total)` reports rows written.
    pub fn customer_import(
        &mut self,
        s: &Session,
        path: &Path,
        opts: ImportOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<CustomerImport> {
        self.authorize(s, Permission::Administer, "customer.import")?;
        let bytes = std::fs::read(path).map_err(|e| {
            Problem::bad_input(
                format!("无法读取 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        let (text, encoding) = decode(&bytes)?;
        drop(bytes);
        let cat = Catalog {
            brands: store::catalog::brands(&self.conn)?
                .into_iter()
                .map(|b| b.code)
                .collect(),
            plans: store::catalog::plans(&self.conn)?
                .into_iter()
                .filter(|p| p.kind == "plan")
                .filter_map(|p| p.brand.map(|b| (p.code, b)))
                .collect(),
        };
        let existing = store::customers::existing_by_phone(&self.conn)?;
        let today = clock::local_date(self.now()).to_string();

        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| {
            Problem::bad_input(
                format!("无法读取表头：{e}"),
                format!("cannot read the header line: {e}"),
            )
        })?;
        let mut col: HashMap<&'static str, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim();
            match COLUMNS.iter().find(|c| **c == h) {
                Some(c) => {
                    col.insert(c, i);
                }
                None => {
                    return Err(Problem::bad_input(
                        format!("第 1 行：未知的列“{h}”，可用的列：{}", COLUMNS.join(",")),
                        format!(
                            "line 1: unknown column \"{h}\"; the columns are {}",
                            COLUMNS.join(",")
                        ),
                    )
                    .into());
                }
            }
        }
        let missing: Vec<&str> = COLUMNS[..5]
            .iter()
            .filter(|c| !col.contains_key(*c))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(Problem::bad_input(
                format!("第 1 行：缺少必填列 {}", missing.join(",")),
                format!("line 1: missing required column(s) {}", missing.join(",")),
            )
            .into());
        }

        let mut rows: Vec<Row> = Vec::new();
        let mut bad_rows: Vec<BadRow> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut rec = csv::StringRecord::new();
        let mut read = 0usize;
        loop {
            let line = reader.position().line();
            match reader.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    read += 1;
                    bad_rows.push(BadRow {
                        line,
                        reason_zh: format!("无法解析：{e}"),
                        reason_en: format!("cannot parse: {e}"),
                    });
                    continue;
                }
            }
            read += 1;
            let line = rec.position().map(|p| p.line()).unwrap_or(line);
            if rec.iter().all(|f| f.trim().is_empty()) {
                read -= 1; // blank lines Excel leaves at the end
                continue;
            }
            let checked = validate(&rec, &col, &cat, &today).and_then(|mut r| {
                if let Some(first) = seen.get(&r.phone) {
                    return Err(bad(
                        format!("号码与第 {first} 行重复"),
                        format!("duplicate phone: same as line {first}"),
                    ));
                }
                seen.insert(r.phone.clone(), line);
                if let Some(e) = existing.get(&r.phone) {
                    check_update(e, &r, opts.update)?;
                }
                r.line = line;
                Ok(r)
            });
            match checked {
                Ok(r) => rows.push(r),
                Err((zh, en)) => bad_rows.push(BadRow {
                    line,
                    reason_zh: zh,
                    reason_en: en,
                }),
            }
        }
        if !bad_rows.is_empty() && !opts.skip_bad {
            let n = bad_rows.len();
            return Err(problem_of(&bad_rows, n).into());
        }

        let staff = s.staff_id.clone();
        let total = rows.len();
        let file = path.display().to_string();
        let skipped = bad_rows.len();
        let (created, updated) = self.write(|tx, now| {
            let (mut created, mut updated) = (0usize, 0usize);
            let bulk = total >= BULK_ROWS;
            if bulk {
                store::customers::bulk_load_begin(tx)?;
            }
            for (i, r) in rows.iter().enumerate() {
                let new = NewCustomerRow {
                    phone: &r.phone,
                    name: &r.name,
                    id_number: &r.id_number,
                    brand: &r.brand,
                    plan: &r.plan,
                    customer_type: r.customer_type,
                    real_name_verified: r.real_name_verified,
                    service_password_hash: None,
                    status: r.status,
                    joined_on: &r.joined_on,
                    star_level: r.star_level,
                    tags: &r.tags,
                    notes: &r.notes,
                };
                match existing.get(&r.phone) {
                    Some(e) => {
                        store::customers::update_imported(tx, e.id, &new, now)?;
                        updated += 1;
                    }
                    None => {
                        store::customers::insert(tx, &new, now)?;
                        created += 1;
                    }
                }
                if i % 10_000 == 0 || i + 1 == total {
                    progress(i + 1, total);
                }
            }
            if bulk {
                store::customers::bulk_load_end(tx)?;
            }
            store::audit::append(
                tx,
                now,
                &staff,
                "customer.import",
                Outcome::Ok,
                None,
                &format!(
                    "{created} created, {updated} updated, {skipped} bad rows skipped from {file}"
                ),
            )?;
            Ok((created, updated))
        })?;
        Ok(CustomerImport {
            encoding: encoding.to_string(),
            rows: read,
            created,
            updated,
            skipped,
            bad: bad_rows,
        })
    }

    /// Exports every customer to a CSV file in phone order (admin); `bom` adds a UTF-8 BOM so
    /// Excel reads Chinese correctly.
    pub fn customer_export(
        &mut self,
        s: &Session,
        path: &Path,
        bom: bool,
    ) -> Result<CustomerExport> {
        self.authorize(s, Permission::Administer, "customer.export")?;
        let file = std::fs::File::create(path)?;
        let mut out = std::io::BufWriter::new(file);
        if bom {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut w = csv::WriterBuilder::new().from_writer(out);
        let csv_err = |e: csv::Error| std::io::Error::other(e.to_string());
        w.write_record(COLUMNS).map_err(csv_err)?;
        let mut n = 0usize;
        store::customers::for_each(&self.conn, |c| {
            let star = c.star_level.to_string();
            w.write_record([
                c.phone.as_str(),
                &c.name,
                &c.id_number,
                &c.brand,
                &c.plan,
                c.customer_type.code(),
                if c.real_name_verified {
                    "true"
                } else {
                    "false"
                },
                c.status.code(),
                &c.joined_on,
                &star,
                &c.tags,
                &c.notes,
            ])
            .map_err(csv_err)?;
            n += 1;
            Ok(())
        })?;
        w.flush()?;
        let staff = s.staff_id.clone();
        let file = path.display().to_string();
        self.write(|tx, now| {
            store::audit::append(
                tx,
                now,
                &staff,
                "customer.export",
                Outcome::Ok,
                None,
                &format!("{n} customers to {file}"),
            )
        })?;
        Ok(CustomerExport { customers: n, bom })
    }
}

/// A row for a phone already stored: refused without `update`; with it, brand, plan and status
/// must match (they change only through business handling and the status machine).
fn check_update(e: &Existing, r: &Row, update: bool) -> std::result::Result<(), Reason> {
    if !update {
        return Err(bad(
            "该号码已是客户（用 --update 更新资料）",
            "the phone is already a customer (use --update to update profiles)",
        ));
    }
    if e.status == CustomerStatus::Closed.code() {
        return Err(bad(
            "已销户的客户只读",
            "the customer is closed and read-only",
        ));
    }
    if e.brand != r.brand || e.plan != r.plan || e.status != r.status.code() {
        return Err(bad(
            format!(
                "品牌、套餐、状态不能通过导入修改（现为 {} {} {}）",
                e.brand, e.plan, e.status
            ),
            format!(
                "brand, plan and status cannot change by import (stored: {} {} {})",
                e.brand, e.plan, e.status
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_gbk() {
        assert_eq!(
            decode("张三".as_bytes()).unwrap(),
            ("张三".to_string(), "utf-8")
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("李四".as_bytes());
        assert_eq!(decode(&bom).unwrap(), ("李四".to_string(), "utf-8-bom"));
        let (gbk, _, _) = encoding_rs::GBK.encode("王五,北京");
        assert_eq!(decode(&gbk).unwrap(), ("王五,北京".to_string(), "gb18030"));
    }

    #[test]
    fn booleans_and_tags_normalise() {
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(tags_of("vip， 家庭;vip"), "vip,家庭");
    }
}
