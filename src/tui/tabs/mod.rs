//! One file per tab. Only tabs that are built are listed, so none is shown empty.

pub mod bills;
pub mod complaints;
pub mod customer;
pub mod plans;
pub mod points;
pub mod reports;
pub mod topup;

use crate::domain::Lang;
use crate::tui::i18n::t;

/// The tabs of the counter screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// 客户: the customer's profile, verification and recent activity.
    Customer,
    /// 积分商城: balance, catalogue, redemption and history.
    Points,
    /// 快捷充值: top up any number of this operator, pending payments, receipts, refunds.
    TopUp,
    /// 话费服务: bills, charts, explanations, details, reminders, advice.
    Bills,
    /// 业务办理: plan, packs, services, the catalogue with a comparison, recommendations.
    Plans,
    /// 投诉与客服: the ticket queue, ticket detail and actions, service records.
    Complaints,
    /// 报表: the daily counter report, for supervisors and admins only.
    Reports,
}

impl Tab {
    /// The tabs that exist, in order; number keys pick them.
    pub const ALL: &'static [Tab] = &[
        Tab::Customer,
        Tab::Points,
        Tab::TopUp,
        Tab::Bills,
        Tab::Plans,
        Tab::Complaints,
        Tab::Reports,
    ];

    /// The position of a tab in [`Tab::ALL`] (tabs are found by kind, never by number).
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// True when a role may see the tab (Reports needs a supervisor). Role-limited tabs sit at
    /// the end of [`Tab::ALL`], so the number keys of the others never move.
    pub fn visible_to(self, role: crate::domain::staff::Role) -> bool {
        match self {
            Tab::Reports => role.allows(crate::domain::staff::Permission::Supervise),
            _ => true,
        }
    }

    /// The tab's title.
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Tab::Customer => t(lang, "tab.customer"),
            Tab::Points => t(lang, "tab.points"),
            Tab::Bills => t(lang, "tab.bills"),
            Tab::TopUp => t(lang, "tab.topup"),
            Tab::Plans => t(lang, "tab.plans"),
            Tab::Complaints => t(lang, "tab.complaints"),
            Tab::Reports => t(lang, "tab.reports"),
        }
    }
}
