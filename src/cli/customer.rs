//! `touchpoint customer …`

use super::{Env, StaffArg, VerifyArg, login, output, with_customer_visit, with_visit};
use crate::domain::customer::CustomerType;
use crate::domain::visit::OTP_VALID_MINUTES;
use crate::domain::{Fen, Lang};
use crate::error::Result;
use crate::service::Service;
use crate::service::customers::{CustomerView, NewCustomer, parse_tags};
use crate::store::customers::ProfileEdit;
use clap::Subcommand;

/// Customer commands.
#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    /// Show one customer (personal data unmasked only with --verify or --override).
    Show {
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
    /// List customers, optionally by brand and status.
    List {
        /// Only this brand (gotone, mzone, easyown).
        #[arg(long)]
        brand: Option<String>,
        /// Only this status (active, suspended, closed).
        #[arg(long)]
        status: Option<String>,
        /// At most this many.
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Open an account for a new customer.
    Add {
        /// Phone number.
        #[arg(long)]
        phone: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// 18-character resident ID number.
        #[arg(long)]
        id_number: String,
        /// Brand: gotone, mzone or easyown.
        #[arg(long)]
        brand: String,
        /// Plan code of that brand (see the README's plan table).
        #[arg(long)]
        plan: String,
        /// consumer (default), corporate or public_interest.
        #[arg(long = "type")]
        customer_type: Option<String>,
        /// Tags, comma-separated.
        #[arg(long)]
        tags: Option<String>,
        /// Notes.
        #[arg(long)]
        notes: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Edit a verified customer's profile.
    Edit {
        /// Phone number.
        phone: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New ID number.
        #[arg(long)]
        id_number: Option<String>,
        /// New type: consumer, corporate or public_interest.
        #[arg(long = "type")]
        customer_type: Option<String>,
        /// Real-name registration: true or false.
        #[arg(long)]
        real_name: Option<bool>,
        /// New tags, comma-separated (replaces the old ones).
        #[arg(long)]
        tags: Option<String>,
        /// New notes.
        #[arg(long)]
        notes: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send a one-time verification code to the customer's phone (for --verify otp:CODE).
    Otp {
        /// Phone number.
        phone: String,
        #[command(flatten)]
        staff: StaffArg,
    },
    /// Close an account (销户, supervisor).
    Close {
        /// Phone number.
        phone: String,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import customers from CSV (admin): create, or update by phone with --update; all or nothing.
    Import(super::data::ImportArgs),
    /// Export every customer to CSV (admin), UTF-8; --excel adds a BOM. No service passwords.
    Export(super::data::ExportArgs),
}

/// Runs a customer command.
pub fn run(env: &Env, cmd: CustomerCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        CustomerCmd::Import(a) => super::data::customer_import(env, &mut svc, a),
        CustomerCmd::Export(a) => super::data::customer_export(env, &mut svc, a),
        CustomerCmd::Show {
            phone,
            staff,
            verify,
            json,
        } => {
            let v = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, visit, _| {
                svc.customer_show(s, &phone, visit)
            })?;
            if json {
                output::json(&v)
            } else {
                print!("{}", show_text(&v, lang));
                Ok(())
            }
        }
        CustomerCmd::List {
            brand,
            status,
            limit,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let list = svc.customer_list(&s, brand.as_deref(), status.as_deref(), limit)?;
            if json {
                return output::json(&list);
            }
            let rows = list
                .iter()
                .map(|c| {
                    vec![
                        c.phone_masked.clone(),
                        c.name.clone(),
                        c.brand.clone(),
                        c.plan.clone(),
                        c.status.label(lang).to_string(),
                        Fen(c.balance_fen).to_string(),
                        c.points.to_string(),
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["号码", "姓名", "品牌", "套餐", "状态", "余额", "积分"],
                Lang::En => [
                    "phone", "name", "brand", "plan", "status", "balance", "points",
                ],
            };
            println!("{}", output::table(&header, rows));
            println!("{} {}", list.len(), lang.pick("位客户", "customers"));
            Ok(())
        }
        CustomerCmd::Add {
            phone,
            name,
            id_number,
            brand,
            plan,
            customer_type,
            tags,
            notes,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let v = svc.customer_add(
                &s,
                &NewCustomer {
                    phone,
                    name,
                    id_number,
                    brand,
                    plan,
                    customer_type,
                    service_password: None,
                    tags: tags.as_deref().map(parse_tags).unwrap_or_default(),
                    notes: notes.unwrap_or_default(),
                },
            )?;
            if json {
                output::json(&v)
            } else {
                print!("{}", show_text(&v, lang));
                Ok(())
            }
        }
        CustomerCmd::Edit {
            phone,
            name,
            id_number,
            customer_type,
            real_name,
            tags,
            notes,
            staff,
            verify,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let row = svc.find_customer(&phone)?;
            let customer_type = customer_type
                .as_deref()
                .map(CustomerType::parse)
                .transpose()?;
            let edit = ProfileEdit {
                name,
                id_number,
                customer_type,
                real_name_verified: real_name,
                tags,
                notes,
            };
            let v = with_visit(&mut svc, &s, row.id, &verify, |svc, visit| {
                svc.customer_edit(&s, visit, row.id, edit)
            })?;
            if json {
                output::json(&v)
            } else {
                print!("{}", show_text(&v, lang));
                Ok(())
            }
        }
        CustomerCmd::Otp { phone, staff } => {
            let s = login(&mut svc, &staff)?;
            let row = svc.find_customer(&phone)?;
            let visit = svc.open_visit(&s, row.id)?;
            svc.send_otp(&s, visit)?;
            svc.close_visit(&s, visit)?;
            let masked = crate::domain::Msisdn::parse(&row.phone)
                .map(|m| m.masked())
                .unwrap_or_default();
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "验证码已发送到 {masked}，{OTP_VALID_MINUTES} 分钟内有效；用 --verify otp:验证码 核验"
                    ),
                    Lang::En => format!(
                        "a code was sent to {masked}, valid for {OTP_VALID_MINUTES} minutes; use --verify otp:CODE"
                    ),
                }
            );
            Ok(())
        }
        CustomerCmd::Close {
            phone,
            reason,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let row = svc.find_customer(&phone)?;
            let v = svc.customer_close(&s, row.id, &reason)?;
            if json {
                output::json(&v)
            } else {
                print!("{}", show_text(&v, lang));
                Ok(())
            }
        }
    }
}

fn show_text(v: &CustomerView, lang: Lang) -> String {
    let yes_no = |b: bool| {
        lang.pick(if b { "是" } else { "否" }, if b { "yes" } else { "no" })
            .to_string()
    };
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    output::fields(&[
        (l("号码", "phone"), v.phone_display().to_string()),
        (l("姓名", "name"), v.name.clone()),
        (l("证件号", "ID number"), v.id_number.clone()),
        (l("品牌", "brand"), v.brand_name(lang).to_string()),
        (
            l("套餐", "plan"),
            format!("{} ({})", v.plan_name(lang), v.plan),
        ),
        (
            l("待生效套餐", "pending plan"),
            v.pending_plan.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            l("客户类型", "type"),
            v.customer_type.label(lang).to_string(),
        ),
        (l("状态", "status"), v.status.label(lang).to_string()),
        (l("余额", "balance"), Fen(v.balance_fen).to_string()),
        (v.points_currency(lang), v.points.to_string()),
        (l("实名认证", "real-name"), yes_no(v.verified_real_name)),
        (
            l("星级", "stars"),
            crate::domain::customer::StarLevel(v.star_level).label(lang),
        ),
        (l("入网日期", "joined"), v.joined_on.clone()),
        (l("标签", "tags"), v.tags.join(", ")),
        (l("本次已核验", "verified now"), yes_no(v.verified)),
    ])
}
