//! One file per tab. Only tabs that are built are listed, so none is shown empty.

pub mod complaints;
pub mod customer;
pub mod points;

use crate::domain::Lang;
use crate::tui::i18n::t;

/// The tabs of the counter screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// 客户: the customer's profile, verification and recent activity.
    Customer,
    /// 积分商城: balance, catalogue, redemption and history.
    Points,
    /// 投诉与客服: the ticket queue, ticket detail and actions, service records.
    Complaints,
}

impl Tab {
    /// The tabs that exist, in order; number keys pick them.
    pub const ALL: &'static [Tab] = &[Tab::Customer, Tab::Points, Tab::Complaints];

    /// The tab's title.
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Tab::Customer => t(lang, "tab.customer"),
            Tab::Points => t(lang, "tab.points"),
            Tab::Complaints => t(lang, "tab.complaints"),
        }
    }
}
