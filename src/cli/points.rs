//! `touchpoint points …`: catalogue, balance, redeem, history, reverse, expire.

use super::{Env, StaffArg, VerifyArg, login, output, with_customer_visit};
use crate::domain::points::catalog::category_label;
use crate::domain::{Fen, Lang, Problem, clock};
use crate::error::Result;
use crate::service::Service;
use clap::Subcommand;

/// Points commands.
#[derive(Debug, Subcommand)]
pub enum PointsCmd {
    /// The points-mall catalogue with live stock.
    Catalog {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A customer's spendable points and the lots they sit in (no verification needed).
    Balance {
        /// Phone number.
        phone: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Redeem an item for a verified customer.
    Redeem {
        /// Phone number.
        phone: String,
        /// Item code (see `points catalog`), e.g. CREDIT30.
        code: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A verified customer's redemptions, with coupon codes.
    History {
        /// Phone number.
        phone: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reverse a redemption (supervisor): points back to their lots, stock back, credit reversed.
    Reverse {
        /// Redemption id.
        id: i64,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Move expired lots out (supervisor). Idempotent.
    Expire {
        /// Count this date (YYYY-MM-DD) as today; default today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A catalogue line for `--json`: SPEC's `code`, `name`, `category`, `cost_points`, plus the rest.
#[derive(serde::Serialize)]
struct CatalogEntry<'a> {
    code: &'a str,
    name: &'a str,
    category: &'a str,
    cost_points: i64,
    gets: String,
    name_zh: &'a str,
    name_en: &'a str,
    stock: Option<i64>,
    monthly_limit: Option<i64>,
    fulfilment: &'a str,
    credit_fen: i64,
}

/// Runs a points command.
pub fn run(env: &Env, cmd: PointsCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        PointsCmd::Catalog { json } => {
            let items = svc.points_catalog()?;
            if json {
                let entries: Vec<CatalogEntry<'_>> = items
                    .iter()
                    .map(|i| CatalogEntry {
                        code: &i.code,
                        name: i.name(lang),
                        category: &i.category,
                        cost_points: i.cost_points,
                        gets: i.gets(lang),
                        name_zh: &i.name_zh,
                        name_en: &i.name_en,
                        stock: i.stock,
                        monthly_limit: i.monthly_limit,
                        fulfilment: &i.fulfilment,
                        credit_fen: i.credit_fen,
                    })
                    .collect();
                return output::json(&entries);
            }
            let rows = items
                .iter()
                .map(|i| {
                    vec![
                        i.code.clone(),
                        i.name(lang).to_string(),
                        category_label(&i.category, lang).to_string(),
                        i.cost_points.to_string(),
                        i.stock.map(|s| s.to_string()).unwrap_or_else(|| "∞".into()),
                        i.monthly_limit
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "-".into()),
                        i.gets(lang),
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["编码", "名称", "类别", "积分", "库存", "月限", "所得"],
                Lang::En => [
                    "code", "name", "category", "points", "stock", "limit/mo", "gets",
                ],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
        PointsCmd::Balance { phone, staff, json } => {
            let s = login(&mut svc, &staff)?;
            let c = svc.find_customer(&phone)?;
            let b = svc.points_balance(&s, c.id)?;
            if json {
                return output::json(&b);
            }
            println!(
                "{} {}{}",
                b.points,
                lang.pick(&b.currency_zh, &b.currency_en),
                if b.frozen {
                    lang.pick("（冻结）", " (frozen)")
                } else {
                    ""
                }
            );
            let rows = b
                .lots
                .iter()
                .map(|l| {
                    vec![
                        l.earned_month.clone(),
                        l.remaining.to_string(),
                        l.expires_on.clone(),
                        if l.expired {
                            "✘".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["获得月份", "剩余", "到期日", "已过期"],
                Lang::En => ["earned", "left", "expires on", "expired"],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
        PointsCmd::Redeem {
            phone,
            code,
            staff,
            verify,
            json,
        } => {
            let r = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, visit, id| {
                svc.redeem(s, visit, id, &code)
            })?;
            if json {
                return output::json(&r);
            }
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "兑换成功（编号 {}）：{}，积分 {} → {}，余额 {} → {}{}",
                        r.id,
                        r.item_name_zh,
                        r.points_before,
                        r.points_after,
                        Fen(r.balance_before_fen),
                        Fen(r.balance_after_fen),
                        r.coupon_code
                            .as_deref()
                            .map(|c| format!("，兑换码 {c}"))
                            .unwrap_or_default()
                    ),
                    Lang::En => format!(
                        "redeemed (#{}): {}, points {} → {}, balance {} → {}{}",
                        r.id,
                        r.item_name_en,
                        r.points_before,
                        r.points_after,
                        Fen(r.balance_before_fen),
                        Fen(r.balance_after_fen),
                        r.coupon_code
                            .as_deref()
                            .map(|c| format!(", coupon {c}"))
                            .unwrap_or_default()
                    ),
                }
            );
            Ok(())
        }
        PointsCmd::History {
            phone,
            staff,
            verify,
            json,
        } => {
            let list =
                with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, visit, id| {
                    svc.redemption_history(s, visit, id, 200)
                })?;
            if json {
                return output::json(&list);
            }
            let rows = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        clock::local_stamp(&r.created_at, "%Y-%m-%d %H:%M"),
                        lang.pick(&r.name_zh, &r.name_en).to_string(),
                        r.cost_points.to_string(),
                        r.got(lang),
                        r.reversed_at
                            .as_ref()
                            .map(|_| lang.pick("已冲正", "reversed").to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["编号", "时间", "商品", "积分", "所得", "状态"],
                Lang::En => ["id", "time", "item", "points", "got", "state"],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
        PointsCmd::Reverse {
            id,
            reason,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let r = svc.reverse_redemption(&s, id, &reason)?;
            if json {
                return output::json(&r);
            }
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "已冲正兑换 {}：退回积分 {}（其中已过期 {}），冲回话费 {}",
                        r.id,
                        r.points_returned,
                        r.points_expired,
                        Fen(r.credit_reversed_fen)
                    ),
                    Lang::En => format!(
                        "reversed redemption {}: {} points back ({} stay expired), {} credit taken back",
                        r.id,
                        r.points_returned,
                        r.points_expired,
                        Fen(r.credit_reversed_fen)
                    ),
                }
            );
            Ok(())
        }
        PointsCmd::Expire { as_of, staff, json } => {
            let s = login(&mut svc, &staff)?;
            let date = match as_of {
                Some(d) => d.trim().parse::<chrono::NaiveDate>().map_err(|_| {
                    Problem::bad_input(
                        format!("日期“{d}”应为 YYYY-MM-DD"),
                        format!("date \"{d}\" must be YYYY-MM-DD"),
                    )
                })?,
                None => clock::local_date(svc.now()),
            };
            let r = svc.expire_points(&s, date)?;
            if json {
                return output::json(&r);
            }
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "截至 {}：{} 位客户的 {} 个批次共 {} 积分到期",
                        r.as_of, r.customers, r.lots, r.points
                    ),
                    Lang::En => format!(
                        "as of {}: {} points expired in {} lots of {} customers",
                        r.as_of, r.points, r.lots, r.customers
                    ),
                }
            );
            Ok(())
        }
    }
}
