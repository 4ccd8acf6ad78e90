//! `touchpoint complaint …` as scripts use it: names, flags, JSON fields and exit codes (SPEC §3).

mod common;

use assert_cmd::Command;
use common::demo_db;
use predicates::prelude::*;
use std::path::Path;

fn tp(db: &Path, who: &str) -> Command {
    let mut c = Command::cargo_bin("touchpoint").unwrap();
    c.arg("--db").arg(db).arg("--lang").arg("en");
    c.env_remove("TOUCHPOINT_DB")
        .env("TOUCHPOINT_PASSWORD", "demo")
        .env("TOUCHPOINT_STAFF", who)
        .env("TOUCHPOINT_NOW", "2026-12-04T10:00:00+08:00");
    c
}

fn json(c: &mut Command) -> serde_json::Value {
    let out = c.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

fn audit_count(db: &Path, action: &str, outcome: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM audit_log WHERE action = ?1 AND outcome = ?2",
        [action, outcome],
        |r| r.get(0),
    )
    .unwrap()
}

fn open_ticket(db: &Path) -> i64 {
    let v = json(tp(db, "clerk").args([
        "complaint",
        "open",
        "13800138000",
        "--category",
        "billing_dispute",
        "--text",
        "6月账单多扣 30 元",
        "--priority",
        "urgent",
        "--month",
        "2026-06",
        "--json",
    ]));
    v["id"].as_i64().unwrap()
}

#[test]
fn complaint_open_prints_the_record_made_with_its_id() {
    let db = demo_db();
    let v = json(tp(&db.path, "clerk").args([
        "complaint",
        "open",
        "13800138000",
        "--category",
        "billing_dispute",
        "--text",
        "6月账单多扣 30 元",
        "--priority",
        "urgent",
        "--month",
        "2026-06",
        "--json",
    ]));
    assert!(v["id"].as_i64().unwrap() > 0);
    assert_eq!(v["phone"], "13800138000");
    assert_eq!(v["category"], "billing_dispute");
    assert_eq!(v["priority"], "urgent");
    assert_eq!(v["status"], "new");
    assert_eq!(v["channel"], "counter");
    assert_eq!(v["description"], "6月账单多扣 30 元");
    assert_eq!(v["stale_dispute"], true, "a six-month-old bill is flagged");
    assert_eq!(
        v["sla"]["first_response"]["due"], "2026-12-04T06:00:00Z",
        "urgent: four hours"
    );
    // Without --priority: normal; bad input exits 2; an unknown phone exits 3.
    let v = json(tp(&db.path, "clerk").args([
        "complaint",
        "open",
        "13800138000",
        "--category",
        "网络质量",
        "--text",
        "信号差",
        "--json",
    ]));
    assert_eq!(v["priority"], "normal");
    tp(&db.path, "clerk")
        .args([
            "complaint",
            "open",
            "13800138000",
            "--category",
            "weather",
            "--text",
            "x",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown category"));
    tp(&db.path, "clerk")
        .args([
            "complaint",
            "open",
            "13700000001",
            "--category",
            "other",
            "--text",
            "x",
        ])
        .assert()
        .code(3);
}

#[test]
fn complaint_list_filters_by_status_and_overdue() {
    let db = demo_db();
    let all = json(tp(&db.path, "clerk").args(["complaint", "list", "--json"]));
    let all = all.as_array().unwrap();
    assert!(all.len() > 20);
    let fresh =
        json(tp(&db.path, "clerk").args(["complaint", "list", "--status", "new", "--json"]));
    let fresh = fresh.as_array().unwrap();
    assert!(!fresh.is_empty());
    assert!(fresh.iter().all(|t| t["status"] == "new"));
    let overdue = json(tp(&db.path, "clerk").args(["complaint", "list", "--overdue", "--json"]));
    let overdue = overdue.as_array().unwrap();
    assert!(!overdue.is_empty());
    assert!(overdue.iter().all(|t| t["overdue"] == true));
    // The table names the SLA state and shows satisfaction averages.
    tp(&db.path, "clerk")
        .args(["complaint", "list", "--overdue"])
        .assert()
        .success()
        .stdout(predicate::str::contains("overdue").and(predicate::str::contains("satisfaction")));
    tp(&db.path, "clerk")
        .args(["complaint", "list", "--status", "done"])
        .assert()
        .code(2);
}

#[test]
fn a_ticket_from_reply_to_close_by_command_line() {
    let db = demo_db();
    let id = open_ticket(&db.path).to_string();
    let run = |who: &str, args: &[&str]| json(tp(&db.path, who).args(args));
    let v = run(
        "clerk",
        &["complaint", "assign", &id, "--to", "clerk", "--json"],
    );
    assert_eq!(v["assignee"], "clerk");
    let v = run(
        "clerk",
        &[
            "complaint",
            "reply",
            &id,
            "--text",
            "已核实，正在退费",
            "--json",
        ],
    );
    assert_eq!(v["status"], "in_progress");
    run(
        "clerk",
        &["complaint", "note", &id, "--text", "内部备注", "--json"],
    );
    let v = run(
        "clerk",
        &["complaint", "state", &id, "waiting_customer", "--json"],
    );
    assert_eq!(v["status"], "waiting_customer");
    assert_eq!(v["sla"]["resolution"]["state"], "paused");
    run(
        "clerk",
        &["complaint", "state", &id, "in_progress", "--json"],
    );
    // Closing before resolving is refused (exit 4).
    tp(&db.path, "clerk")
        .args(["complaint", "close", &id, "--rating", "5"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("in_progress to closed"));
    let v = run(
        "clerk",
        &[
            "complaint",
            "state",
            &id,
            "resolved",
            "--text",
            "已退还 30 元",
            "--compensation",
            "20",
            "--json",
        ],
    );
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["compensation_fen"], 2000);
    let v = run(
        "clerk",
        &[
            "complaint",
            "close",
            &id,
            "--rating",
            "4",
            "--comment",
            "还行",
            "--json",
        ],
    );
    assert_eq!(v["status"], "closed");
    assert_eq!(v["rating"], 4);
    let d = run("clerk", &["complaint", "show", &id, "--json"]);
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "opened",
            "assign",
            "state",
            "reply",
            "note",
            "state",
            "state",
            "state",
            "compensation",
            "state",
            "rating"
        ]
    );
}

#[test]
fn compensation_by_a_clerk_is_refused_with_exit_4_and_audited() {
    let db = demo_db();
    let id = open_ticket(&db.path).to_string();
    let run = |who: &str, args: &[&str]| json(tp(&db.path, who).args(args));
    run(
        "clerk",
        &["complaint", "state", &id, "in_progress", "--json"],
    );
    run(
        "clerk",
        &[
            "complaint",
            "state",
            &id,
            "resolved",
            "--text",
            "误扣已退",
            "--compensation",
            "15.50",
            "--json",
        ],
    );
    let before = audit_count(&db.path, "complaint.compensate", "refused");
    tp(&db.path, "clerk")
        .args(["complaint", "compensate", &id])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("supervisor"));
    assert_eq!(
        audit_count(&db.path, "complaint.compensate", "refused"),
        before + 1
    );
    let r = run("super", &["complaint", "compensate", &id, "--json"]);
    assert_eq!(r["amount_fen"], 1550);
    assert!(r["ledger_id"].as_i64().is_some());
    // Twice: refused, still one ledger entry.
    tp(&db.path, "super")
        .args(["complaint", "compensate", &id])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("twice"));
    let c = rusqlite::Connection::open(&db.path).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM ledger WHERE kind = 'compensation' AND ref_type = 'ticket' AND ref_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    tp(&db.path, "clerk").args(["check"]).assert().success();
}

#[test]
fn service_records_by_command_line() {
    let db = demo_db();
    let r = json(tp(&db.path, "clerk").args([
        "complaint",
        "record",
        "13800138000",
        "--kind",
        "enquiry",
        "--category",
        "points",
        "--text",
        "询问积分",
        "--json",
    ]));
    assert_eq!(r["kind"], "enquiry");
    assert_eq!(r["ticket_id"], serde_json::Value::Null);
    let r = json(tp(&db.path, "clerk").args([
        "complaint",
        "record",
        "13800138000",
        "--kind",
        "投诉",
        "--text",
        "营业厅排队太久",
        "--json",
    ]));
    assert!(
        r["ticket_id"].as_i64().is_some(),
        "a complaint opens a ticket"
    );
    let h = json(tp(&db.path, "clerk").args(["complaint", "history", "13800138000", "--json"]));
    let h = h.as_array().unwrap();
    assert_eq!(h[0]["kind"], "complaint");
    assert_eq!(h[1]["notes"], "询问积分");
}
