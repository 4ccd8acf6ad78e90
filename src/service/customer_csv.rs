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
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
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

/// From this many rows on, an import may rebuild the phone index after loading instead of
/// updating it row by row (see [`store::rebuild_indexes`]).
const BULK_ROWS: u64 = 50_000;

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

/// Rows the reader thread hands to the writer at a time.
const CHUNK_ROWS: usize = 8_192;

/// A column's position in the file, by its place in [`COLUMNS`].
type Columns = [Option<usize>; COLUMNS.len()];

/// The text fields of a checked row, as spans of its chunk's buffer.
#[derive(Clone, Copy)]
enum Text {
    Phone,
    Name,
    IdNumber,
    Brand,
    Plan,
    JoinedOn,
    Tags,
    Notes,
}

/// A checked row, ready to write.
struct Checked {
    /// The stored customer this row updates (`--update`), or none for a new one.
    existing: Option<i64>,
    text: [(u32, u32); 8],
    customer_type: CustomerType,
    real_name_verified: bool,
    status: CustomerStatus,
    star_level: u8,
}

/// Checked rows with their text packed in one buffer, so a row costs no allocation of its own.
#[derive(Default)]
struct Chunk {
    text: String,
    rows: Vec<Checked>,
}

impl Chunk {
    fn with_capacity() -> Chunk {
        Chunk {
            text: String::with_capacity(CHUNK_ROWS * 64),
            rows: Vec::with_capacity(CHUNK_ROWS),
        }
    }

    fn push(&mut self, s: &str) -> (u32, u32) {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        (start, self.text.len() as u32)
    }

    fn get(&self, r: &Checked, t: Text) -> &str {
        let (a, b) = r.text[t as usize];
        &self.text[a as usize..b as usize]
    }

    fn new_row<'a>(&'a self, r: &Checked) -> NewCustomerRow<'a> {
        NewCustomerRow {
            phone: self.get(r, Text::Phone),
            name: self.get(r, Text::Name),
            id_number: self.get(r, Text::IdNumber),
            brand: self.get(r, Text::Brand),
            plan: self.get(r, Text::Plan),
            customer_type: r.customer_type,
            real_name_verified: r.real_name_verified,
            service_password_hash: None,
            status: r.status,
            joined_on: self.get(r, Text::JoinedOn),
            star_level: r.star_level,
            tags: self.get(r, Text::Tags),
            notes: self.get(r, Text::Notes),
        }
    }
}

/// What reading the file found.
struct Read {
    /// Data rows (blank lines not counted).
    rows: usize,
    bad: Vec<BadRow>,
}

/// Decodes a file's bytes: UTF-8 (a BOM is dropped) or, when not valid UTF-8, GB18030.
pub fn decode(mut bytes: Vec<u8>) -> Result<(String, &'static str), Problem> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, if bom { "utf-8-bom" } else { "utf-8" })),
        Err(e) if bom => {
            let at = e.utf8_error().valid_up_to() + 4;
            Err(Problem::bad_input(
                format!("文件以 UTF-8 BOM 开头，但第 {at} 字节处不是 UTF-8"),
                format!("the file starts with a UTF-8 BOM but is not UTF-8 at byte {at}"),
            ))
        }
        Err(e) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(e.as_bytes());
            if had_errors {
                return Err(Problem::bad_input(
                    "文件既不是 UTF-8 也不是 GBK/GB18030 编码：请在 Excel 中另存为“CSV UTF-8”",
                    "the file is neither UTF-8 nor GBK/GB18030: save it from Excel as \"CSV UTF-8\"",
                ));
            }
            Ok((text.into_owned(), "gb18030"))
        }
    }
}

/// A `YYYY-MM-DD` date that exists, as written.
fn parse_date(s: &str) -> Option<&str> {
    clock::ymd(s.as_bytes()).map(|_| s)
}

fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    let any = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(s));
    if any(&["", "true", "1", "yes", "y", "是"]) {
        Some(true)
    } else if any(&["false", "0", "no", "n", "否"]) {
        Some(false)
    } else {
        None
    }
}

/// Normalises tags: split on commas (ASCII or full-width) and semicolons, trim, dedupe, join.
fn tags_of(s: &str) -> String {
    super::customers::parse_tags(s).join(",")
}

/// Brands and base plans; a handful each, so a scan beats hashing.
struct Catalog {
    brands: Vec<String>,
    /// (plan code, brand code), base plans only.
    plans: Vec<(String, String)>,
}

impl Catalog {
    fn read(conn: &rusqlite::Connection) -> Result<Catalog> {
        Ok(Catalog {
            brands: store::catalog::brands(conn)?
                .into_iter()
                .map(|b| b.code)
                .collect(),
            plans: store::catalog::plans(conn)?
                .into_iter()
                .filter(|p| p.kind == "plan")
                .filter_map(|p| p.brand.map(|b| (p.code, b)))
                .collect(),
        })
    }

    fn has_brand(&self, brand: &str) -> bool {
        self.brands.iter().any(|b| b == brand)
    }

    fn brand_of(&self, plan: &str) -> Option<&str> {
        self.plans
            .iter()
            .find(|(p, _)| p == plan)
            .map(|(_, b)| b.as_str())
    }
}

type Reason = (String, String);

fn bad(zh: impl Into<String>, en: impl Into<String>) -> Reason {
    (zh.into(), en.into())
}

fn from_problem(p: Problem) -> Reason {
    (p.zh, p.en)
}

/// Checks one record and appends its text to `chunk` (the caller drops the text of a bad row).
fn check(
    rec: &csv::StringRecord,
    col: &Columns,
    cat: &Catalog,
    today: &str,
    chunk: &mut Chunk,
) -> std::result::Result<Checked, Reason> {
    let field = |i: usize| col[i].and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
    let phone = Msisdn::parse(field(0)).map_err(from_problem)?;
    let name = validate_name(field(1)).map_err(from_problem)?;
    let id_number = IdNumber::parse(field(2)).map_err(from_problem)?;
    let brand = field(3);
    if !cat.has_brand(brand) {
        return Err(bad(
            format!("未知品牌“{brand}”"),
            format!("unknown brand \"{brand}\""),
        ));
    }
    let plan = field(4);
    if cat.brand_of(plan) != Some(brand) {
        return Err(bad(
            format!("“{plan}”不是品牌 {brand} 的套餐"),
            format!("\"{plan}\" is not a plan of brand {brand}"),
        ));
    }
    let customer_type = match field(5) {
        "" => CustomerType::Consumer,
        t => CustomerType::parse(t).map_err(from_problem)?,
    };
    let real_name_verified = parse_bool(field(6)).ok_or_else(|| {
        bad(
            format!("real_name_verified“{}”应为 true 或 false", field(6)),
            format!("real_name_verified \"{}\" must be true or false", field(6)),
        )
    })?;
    let status = match field(7) {
        "" => CustomerStatus::Active,
        s => CustomerStatus::parse(s).map_err(from_problem)?,
    };
    let joined_on = match field(8) {
        "" => today,
        d => parse_date(d).ok_or_else(|| {
            bad(
                format!("入网日期“{d}”应为 YYYY-MM-DD"),
                format!("joined_on \"{d}\" must be YYYY-MM-DD"),
            )
        })?,
    };
    let star_level = match field(9) {
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
    let notes = field(11);
    if notes.chars().count() > 500 {
        return Err(bad(
            "备注过长（最多 500 字）",
            "notes too long (at most 500 characters)",
        ));
    }
    let tags = field(10);
    let text = [
        chunk.push(phone.as_str()),
        chunk.push(&name),
        chunk.push(id_number.as_str()),
        chunk.push(brand),
        chunk.push(plan),
        chunk.push(joined_on),
        if tags.is_empty() {
            chunk.push("")
        } else {
            chunk.push(&tags_of(tags))
        },
        chunk.push(notes),
    ];
    Ok(Checked {
        existing: None,
        text,
        customer_type,
        real_name_verified,
        status,
        star_level,
    })
}

fn problem_of(bad: &[BadRow]) -> Problem {
    let total_bad = bad.len();
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

/// Maps the header line to [`COLUMNS`]; an unknown or missing required column is refused.
fn columns(text: &str) -> Result<Columns> {
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
    let mut col: Columns = [None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        match COLUMNS.iter().position(|c| *c == h) {
            Some(c) => col[c] = Some(i),
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
        .zip(col)
        .filter(|(_, c)| c.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(Problem::bad_input(
            format!("第 1 行：缺少必填列 {}", missing.join(",")),
            format!("line 1: missing required column(s) {}", missing.join(",")),
        )
        .into());
    }
    Ok(col)
}

/// Reads and checks every data row, handing checked rows to `send` a chunk at a time. After the
/// first bad row (unless `skip_bad`) nothing more is sent, but reading goes on so that every bad
/// row is reported. Stops early when `send` returns false (the writer has given up).
fn read_rows(
    text: &str,
    col: &Columns,
    cat: &Catalog,
    existing: &HashMap<String, Existing>,
    today: &str,
    opts: ImportOptions,
    send: &mut dyn FnMut(Chunk) -> bool,
) -> Read {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut read = Read {
        rows: 0,
        bad: Vec::new(),
    };
    // Phone (as a number) → the line it was first seen on.
    let mut seen: FxHashMap<u64, u64> = FxHashMap::default();
    seen.reserve(text.len() / 64);
    let mut chunk = Chunk::with_capacity();
    let mut rec = csv::StringRecord::new();
    let mut sending = true;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                read.rows += 1;
                read.bad.push(BadRow {
                    line,
                    reason_zh: format!("无法解析：{e}"),
                    reason_en: format!("cannot parse: {e}"),
                });
                sending &= opts.skip_bad;
                continue;
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(line);
        if rec.as_slice().trim().is_empty() {
            continue; // blank lines Excel leaves at the end
        }
        read.rows += 1;
        let mark = chunk.text.len();
        let checked = check(&rec, col, cat, today, &mut chunk).and_then(|mut r| {
            let phone = chunk.get(&r, Text::Phone);
            let key: u64 = phone.parse().unwrap_or_default();
            match seen.entry(key) {
                Entry::Occupied(first) => {
                    let first = first.get();
                    return Err(bad(
                        format!("号码与第 {first} 行重复"),
                        format!("duplicate phone: same as line {first}"),
                    ));
                }
                Entry::Vacant(v) => {
                    v.insert(line);
                }
            }
            if let Some(e) = existing.get(phone) {
                let status = r.status.code();
                let brand = chunk.get(&r, Text::Brand);
                let plan = chunk.get(&r, Text::Plan);
                check_update(e, brand, plan, status, opts.update)?;
                r.existing = Some(e.id);
            }
            Ok(r)
        });
        match checked {
            Ok(r) => {
                chunk.rows.push(r);
                if chunk.rows.len() == CHUNK_ROWS {
                    let full = std::mem::replace(&mut chunk, Chunk::with_capacity());
                    if sending && !send(full) {
                        return read;
                    }
                }
            }
            Err((zh, en)) => {
                chunk.text.truncate(mark);
                read.bad.push(BadRow {
                    line,
                    reason_zh: zh,
                    reason_en: en,
                });
                sending &= opts.skip_bad;
            }
        }
    }
    if sending && !chunk.rows.is_empty() {
        send(chunk);
    }
    read
}

/// Writes checked rows as they arrive: new customers in multi-row inserts, updates one by one.
/// Returns (created, updated). Dropping `chunks` on an error tells the reader to stop.
fn write_chunks(
    tx: &rusqlite::Transaction<'_>,
    chunks: std::sync::mpsc::Receiver<Chunk>,
    now: &str,
    progress: &mut dyn FnMut(usize),
) -> Result<(usize, usize)> {
    let (mut created, mut updated) = (0usize, 0usize);
    for chunk in chunks {
        let mut new_rows = Vec::with_capacity(chunk.rows.len());
        for r in &chunk.rows {
            let row = chunk.new_row(r);
            match r.existing {
                Some(id) => {
                    store::customers::update_imported(tx, id, &row, now)?;
                    updated += 1;
                }
                None => new_rows.push(row),
            }
        }
        store::customers::insert_many(tx, &new_rows, now)?;
        created += new_rows.len();
        progress(created + updated);
    }
    Ok((created, updated))
}

impl Service {
    /// Imports customers from a CSV file (admin). `progress(done, total)` reports rows written
    /// against an estimate of the rows in the file.
    ///
    /// A reader thread parses and checks rows while this one writes them, inside one
    /// transaction: once any row is bad (and `skip_bad` is not set) nothing more is written, the
    /// reader goes on to find every bad row, and the transaction rolls back.
    pub fn customer_import(
        &mut self,
        s: &Session,
        path: &Path,
        opts: ImportOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<CustomerImport> {
        self.authorize(s, Permission::Administer, "customer.import")?;
        let t0 = std::time::Instant::now();
        let bytes = std::fs::read(path).map_err(|e| {
            Problem::bad_input(
                format!("无法读取 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        let (text, encoding) = decode(bytes)?;
        let col = columns(&text)?;
        let today = clock::local_date(self.now()).to_string();
        // Lines after the header: the most rows the file can hold (a quoted field may span lines).
        let estimate = memchr::memchr_iter(b'\n', text.as_bytes()).count().max(1);
        let stored = store::customers::count(&self.conn)? as u64;
        let bulk = store::rebuild_indexes(estimate as u64, stored, BULK_ROWS);

        let staff = s.staff_id.clone();
        let file = path.display().to_string();
        if bulk {
            store::bulk_connection(&self.conn, true)?;
        }
        let written = self.write(|tx, now| {
            // Read inside the transaction, so no other terminal adds one of these phones
            // meanwhile, and every brand and plan a row names exists where it is written (which
            // is why a bulk load may skip the per-row foreign-key lookups).
            let existing = store::customers::existing_by_phone(tx)?;
            let cat = Catalog::read(tx)?;
            if bulk {
                store::customers::bulk_load_begin(tx)?;
            }
            let (to_writer, chunks) = std::sync::mpsc::sync_channel::<Chunk>(4);
            let (read, written) = std::thread::scope(|scope| {
                let reader = scope.spawn(|| {
                    // Owned here, so the writer's loop ends when the reader does.
                    let to_writer = to_writer;
                    let mut send = |c: Chunk| to_writer.send(c).is_ok();
                    read_rows(&text, &col, &cat, &existing, &today, opts, &mut send)
                });
                let written = write_chunks(tx, chunks, now, &mut |done| {
                    progress(done, estimate.max(done))
                });
                let read = reader.join().map_err(|_| {
                    Problem::refused("读取导入文件时出错", "reading the import file failed")
                });
                (read, written)
            });
            let (read, (created, updated)) = (read?, written?);
            if !read.bad.is_empty() && !opts.skip_bad {
                return Err(problem_of(&read.bad).into());
            }
            if bulk {
                store::customers::bulk_load_end(tx)?;
            }
            let skipped = read.bad.len();
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
            Ok((read, created, updated))
        });
        if bulk {
            store::bulk_connection(&self.conn, false)?;
        }
        let (read, created, updated) = written?;
        tracing::info!(
            "customer import: {} rows, {created} created, {updated} updated in {:?}",
            read.rows,
            t0.elapsed()
        );
        Ok(CustomerImport {
            encoding: encoding.to_string(),
            rows: read.rows,
            created,
            updated,
            skipped: read.bad.len(),
            bad: read.bad,
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
fn check_update(
    e: &Existing,
    brand: &str,
    plan: &str,
    status: &str,
    update: bool,
) -> std::result::Result<(), Reason> {
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
    if e.brand != brand || e.plan != plan || e.status != status {
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
            decode("张三".as_bytes().to_vec()).unwrap(),
            ("张三".to_string(), "utf-8")
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("李四".as_bytes());
        assert_eq!(decode(bom).unwrap(), ("李四".to_string(), "utf-8-bom"));
        let (gbk, _, _) = encoding_rs::GBK.encode("王五,北京");
        assert_eq!(
            decode(gbk.into_owned()).unwrap(),
            ("王五,北京".to_string(), "gb18030")
        );
    }

    #[test]
    fn booleans_and_tags_normalise() {
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(tags_of("vip， 家庭;vip"), "vip,家庭");
    }
}
