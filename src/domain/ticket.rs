//! Complaints and customer service (投诉与客服): service records, the ticket state machine, the SLA
//! clock that pauses while waiting on the customer, stale billing disputes, and satisfaction.
//!
//! Everything here is pure: due times are computed from a ticket's opening instant and its
//! history of state changes, so tests can walk a ticket through time without a database.

use crate::domain::{Lang, Problem};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    (
        $(#[$meta:meta])* $name:ident, $what_zh:literal, $what_en:literal {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal, [$($alias:literal),*];)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stored code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// Display name.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($zh, $en),)+ }
            }

            /// Parses a code, a Chinese name, or an English name (case-insensitive).
            pub fn parse(s: &str) -> Result<$name, Problem> {
                let t = s.trim();
                let lower = t.to_ascii_lowercase().replace(['-', ' '], "_");
                $(
                    if lower == $code || t == $zh || lower == $en.to_ascii_lowercase().replace(['-', ' '], "_") $(|| lower == $alias || t == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                let codes = [$($code),+].join(", ");
                Err(Problem::bad_input(
                    format!("未知的{}“{t}”：可选 {codes}", $what_zh),
                    format!("unknown {} \"{t}\": use one of {codes}", $what_en),
                ))
            }
        }
    };
}

coded_enum! {
    /// What a complaint (or a service record) is about.
    Category, "投诉类别", "category" {
        /// 账单争议
        BillingDispute = "billing_dispute", "账单争议", "billing dispute", ["billing", "账单"];
        /// 不明增值业务扣费
        UnknownVas = "unknown_vas", "不明增值业务扣费", "unknown VAS charge", ["vas", "增值业务"];
        /// 网络质量
        NetworkQuality = "network_quality", "网络质量", "network quality", ["network", "网络"];
        /// 服务态度
        ServiceAttitude = "service_attitude", "服务态度", "service attitude", ["attitude", "服务"];
        /// 积分
        Points = "points", "积分", "points", [];
        /// 充值
        TopUp = "top_up", "充值", "top-up", ["topup"];
        /// 其他
        Other = "other", "其他", "other", [];
    }
}

impl Category {
    /// A short name for narrow columns.
    pub fn short(self, lang: Lang) -> &'static str {
        match self {
            Category::BillingDispute => lang.pick("账单争议", "billing"),
            Category::UnknownVas => lang.pick("不明扣费", "VAS charge"),
            Category::NetworkQuality => lang.pick("网络质量", "network"),
            Category::ServiceAttitude => lang.pick("服务态度", "attitude"),
            Category::Points => lang.pick("积分", "points"),
            Category::TopUp => lang.pick("充值", "top-up"),
            Category::Other => lang.pick("其他", "other"),
        }
    }
}

coded_enum! {
    /// How urgent a ticket is; decides the first-response target.
    Priority, "优先级", "priority" {
        /// 低
        Low = "low", "低", "low", [];
        /// 普通
        Normal = "normal", "普通", "normal", ["中"];
        /// 高
        High = "high", "高", "high", [];
        /// 紧急
        Urgent = "urgent", "紧急", "urgent", [];
    }
}

coded_enum! {
    /// Where the complaint came in.
    Channel, "受理渠道", "channel" {
        /// 营业厅柜台
        Counter = "counter", "柜台", "counter", ["营业厅"];
        /// 10086 热线
        Hotline = "hotline", "10086热线", "10086 hotline", ["10086", "热线"];
        /// 网上营业厅 / App
        Online = "online", "网上营业厅", "online", ["网上", "app"];
    }
}

coded_enum! {
    /// What kind of counter interaction a service record logs.
    RecordKind, "服务记录类型", "record kind" {
        /// 咨询
        Enquiry = "enquiry", "咨询", "enquiry", ["inquiry"];
        /// 办理
        Transaction = "transaction", "办理", "transaction", [];
        /// 投诉: opens a ticket.
        Complaint = "complaint", "投诉", "complaint", [];
    }
}

coded_enum! {
    /// Where a ticket stands.
    TicketStatus, "工单状态", "ticket status" {
        /// 新建
        New = "new", "新建", "new", [];
        /// 处理中
        InProgress = "in_progress", "处理中", "in progress", ["start", "reopen"];
        /// 待客户: the SLA clock pauses.
        WaitingCustomer = "waiting_customer", "待客户", "waiting on customer", ["waiting", "wait"];
        /// 已解决
        Resolved = "resolved", "已解决", "resolved", ["resolve"];
        /// 已关闭
        Closed = "closed", "已关闭", "closed", ["close"];
    }
}

impl TicketStatus {
    /// True while the SLA clocks run: the ball is in the counter's court.
    pub fn clock_runs(self) -> bool {
        matches!(self, TicketStatus::New | TicketStatus::InProgress)
    }

    /// True until the ticket is resolved or closed.
    pub fn is_open(self) -> bool {
        !matches!(self, TicketStatus::Resolved | TicketStatus::Closed)
    }

    /// Checks a change of state against the machine:
    /// new → in_progress → waiting_customer → resolved → closed, with the moves a counter needs
    /// between them (back from waiting_customer to in_progress when the customer answers,
    /// in_progress → resolved when nothing had to be asked) and resolved → in_progress to reopen.
    /// Every other change, including staying put, is refused with the moves that are allowed.
    pub fn transition(self, to: TicketStatus) -> Result<TicketStatus, Problem> {
        if self.allowed_next().contains(&to) {
            return Ok(to);
        }
        let next = self.allowed_next();
        let (zh_next, en_next) = if next.is_empty() {
            (
                "已关闭的工单不能再变更".to_string(),
                "a closed ticket cannot change any more".to_string(),
            )
        } else {
            (
                format!(
                    "当前只能变为：{}",
                    next.iter()
                        .map(|s| s.label(Lang::Zh))
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                format!(
                    "from here it can only become: {}",
                    next.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
                ),
            )
        };
        Err(Problem::refused(
            format!(
                "工单状态不能从“{}”变为“{}”：{zh_next}",
                self.label(Lang::Zh),
                to.label(Lang::Zh)
            ),
            format!(
                "a ticket cannot go from {} to {}: {en_next}",
                self.code(),
                to.code()
            ),
        ))
    }

    /// The states this one may change to.
    pub fn allowed_next(self) -> &'static [TicketStatus] {
        use TicketStatus::*;
        match self {
            New => &[InProgress],
            InProgress => &[WaitingCustomer, Resolved],
            WaitingCustomer => &[InProgress, Resolved],
            Resolved => &[Closed, InProgress],
            Closed => &[],
        }
    }
}

/// A change of state in a ticket's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateChange {
    /// When.
    pub at: DateTime<Utc>,
    /// The state entered.
    pub to: TicketStatus,
}

/// SLA targets, from `assets/complaints.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SlaPolicy {
    /// First response within this many hours, by priority.
    pub first_response_hours: FirstResponseHours,
    /// Resolution within this many days (the regulator's limit for answering a complaint).
    pub resolution_days: i64,
    /// A target is "nearly due" when at most this percent of its time is left.
    pub near_due_percent: i64,
    /// A billing dispute about a bill more than this many months before the opening date is flagged.
    pub stale_dispute_months: i64,
    /// The largest compensation a resolution may propose, in fen.
    pub max_compensation_fen: i64,
}

/// First-response hours per priority.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct FirstResponseHours {
    /// 紧急
    pub urgent: i64,
    /// 高
    pub high: i64,
    /// 普通
    pub normal: i64,
    /// 低
    pub low: i64,
}

impl SlaPolicy {
    /// The first-response budget of a priority (active time).
    pub fn first_response(&self, p: Priority) -> Duration {
        let h = &self.first_response_hours;
        Duration::hours(match p {
            Priority::Urgent => h.urgent,
            Priority::High => h.high,
            Priority::Normal => h.normal,
            Priority::Low => h.low,
        })
    }

    /// The resolution budget (active time).
    pub fn resolution(&self) -> Duration {
        Duration::days(self.resolution_days)
    }
}

/// Which SLA target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The first customer-facing reply (or the resolution, if that comes first).
    FirstResponse,
    /// Resolution.
    Resolution,
}

/// Where a target stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Done in time.
    Met,
    /// Time is running and plenty is left.
    OnTrack,
    /// The clock is stopped while waiting on the customer.
    Paused,
    /// At most `near_due_percent` of the time is left.
    NearDue,
    /// Done, but late.
    Breached,
    /// Not done and the time is up.
    Overdue,
}

impl SlaState {
    /// Display name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SlaState::Met => lang.pick("达标", "met"),
            SlaState::OnTrack => lang.pick("正常", "on track"),
            SlaState::Paused => lang.pick("暂停", "paused"),
            SlaState::NearDue => lang.pick("将到期", "due soon"),
            SlaState::Breached => lang.pick("超时完成", "late"),
            SlaState::Overdue => lang.pick("已逾期", "overdue"),
        }
    }
}

/// One SLA target of a ticket at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaClock {
    /// Which target.
    pub target: Target,
    /// The budget, in active seconds.
    pub budget_secs: i64,
    /// When the target falls due if nothing pauses the clock again; `None` while paused.
    pub due: Option<DateTime<Utc>>,
    /// Active seconds left (negative when overdue); frozen while paused or once done.
    pub remaining_secs: i64,
    /// When the target was met (first reply, resolution).
    pub done_at: Option<DateTime<Utc>>,
    /// Where it stands.
    pub state: SlaState,
}

/// The segments of a ticket's life: (start, end, clock running?). The last runs to `until`.
fn segments(
    opened: DateTime<Utc>,
    history: &[StateChange],
    until: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>, bool)> {
    let mut out = Vec::new();
    let mut start = opened;
    let mut state = TicketStatus::New;
    for ch in history {
        let at = ch.at.max(start).min(until.max(start));
        out.push((start, at, state.clock_runs()));
        start = at;
        state = ch.to;
    }
    out.push((start, until.max(start), state.clock_runs()));
    out
}

/// Time the clock ran between opening and `until`: time in new or in_progress only
/// (waiting_customer pauses it; resolved and closed stop it).
pub fn active_time(
    opened: DateTime<Utc>,
    history: &[StateChange],
    until: DateTime<Utc>,
) -> Duration {
    segments(opened, history, until)
        .into_iter()
        .filter(|(_, _, runs)| *runs)
        .map(|(a, b, _)| b - a)
        .fold(Duration::zero(), |acc, d| acc + d)
}

/// The instant at which `budget` of running time is used up, seen at `now`. Pauses before it
/// shift it by exactly their length. `None` while the clock is stopped with budget left (the due
/// time is not known until it runs again).
pub fn due_at(
    opened: DateTime<Utc>,
    history: &[StateChange],
    budget: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut left = budget;
    let segs = segments(opened, history, now);
    let last = segs.len() - 1;
    for (i, (a, b, runs)) in segs.into_iter().enumerate() {
        if !runs {
            continue;
        }
        // The current running segment extends into the future.
        if i == last || b - a >= left {
            return Some(a + left);
        }
        left -= b - a;
    }
    None
}

/// One target's clock at `now`. `done_at` is when the target was met, if it was.
pub fn sla_clock(
    target: Target,
    budget: Duration,
    near_due_percent: i64,
    opened: DateTime<Utc>,
    history: &[StateChange],
    done_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SlaClock {
    let until = done_at.map(|d| d.min(now)).unwrap_or(now);
    let used = active_time(opened, history, until);
    let remaining = budget - used;
    let current = history
        .iter()
        .rfind(|c| c.at <= now)
        .map(|c| c.to)
        .unwrap_or(TicketStatus::New);
    let due = match done_at {
        Some(_) => due_at(opened, history, budget, until),
        None => due_at(opened, history, budget, now),
    };
    let state = if done_at.is_some() {
        if remaining >= Duration::zero() {
            SlaState::Met
        } else {
            SlaState::Breached
        }
    } else if remaining < Duration::zero() {
        SlaState::Overdue
    } else if !current.clock_runs() {
        SlaState::Paused
    } else if remaining.num_seconds() * 100 <= budget.num_seconds() * near_due_percent {
        SlaState::NearDue
    } else {
        SlaState::OnTrack
    };
    SlaClock {
        target,
        budget_secs: budget.num_seconds(),
        due: if state == SlaState::Paused { None } else { due },
        remaining_secs: remaining.num_seconds(),
        done_at,
        state,
    }
}

/// Both clocks of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sla {
    /// First response.
    pub first_response: SlaClock,
    /// Resolution.
    pub resolution: SlaClock,
}

impl Sla {
    /// The clock that matters now: first response until it is met, then resolution.
    pub fn next(&self) -> &SlaClock {
        if self.first_response.done_at.is_none() && self.resolution.done_at.is_none() {
            // Whichever is worse shows (an overdue resolution beats an on-track response).
            if self.resolution.state > self.first_response.state {
                &self.resolution
            } else {
                &self.first_response
            }
        } else {
            &self.resolution
        }
    }

    /// The worst state of the two, for highlighting.
    pub fn worst(&self) -> SlaState {
        self.first_response.state.max(self.resolution.state)
    }

    /// True when either target is overdue now.
    pub fn overdue(&self) -> bool {
        self.first_response.state == SlaState::Overdue || self.resolution.state == SlaState::Overdue
    }
}

/// Both SLA clocks of a ticket at `now`.
/// `first_reply` is the first customer-facing reply; the resolution counts as a response too.
pub fn sla(
    policy: &SlaPolicy,
    priority: Priority,
    opened: DateTime<Utc>,
    history: &[StateChange],
    first_reply: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Sla {
    let current = history.last().map(|c| c.to).unwrap_or(TicketStatus::New);
    let resolved_at = if current.is_open() {
        None
    } else {
        history
            .iter()
            .rfind(|c| c.to == TicketStatus::Resolved)
            .map(|c| c.at)
    };
    let first_resolved = history
        .iter()
        .find(|c| c.to == TicketStatus::Resolved)
        .map(|c| c.at);
    let responded = match (first_reply, first_resolved) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
    .filter(|t| *t <= now);
    Sla {
        first_response: sla_clock(
            Target::FirstResponse,
            policy.first_response(priority),
            policy.near_due_percent,
            opened,
            history,
            responded,
            now,
        ),
        resolution: sla_clock(
            Target::Resolution,
            policy.resolution(),
            policy.near_due_percent,
            opened,
            history,
            resolved_at.filter(|t| *t <= now),
            now,
        ),
    }
}

/// Reads a billing period `YYYY-MM`.
pub fn parse_month(s: &str) -> Result<(i32, u32), Problem> {
    let t = s.trim();
    let parsed = t
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2)
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m));
    parsed.ok_or_else(|| {
        Problem::bad_input(
            format!("账期“{t}”应为 YYYY-MM，例如 2026-06"),
            format!("billing month \"{t}\" must be YYYY-MM, such as 2026-06"),
        )
    })
}

/// Months from a billing period to the month of `opened_on` (0 for the same month).
/// A disputed month after the opening month is bad input: nobody disputes a future bill.
pub fn months_before(disputed: &str, opened_on: NaiveDate) -> Result<i64, Problem> {
    let (y, m) = parse_month(disputed)?;
    let diff = (opened_on.year() as i64 * 12 + opened_on.month() as i64 - 1)
        - (y as i64 * 12 + m as i64 - 1);
    if diff < 0 {
        return Err(Problem::bad_input(
            format!("争议账期 {disputed} 晚于受理日期 {opened_on}"),
            format!("the disputed month {disputed} is after the opening date {opened_on}"),
        ));
    }
    Ok(diff)
}

/// True when a billing dispute is about a bill more than `months` months before the opening date
/// (SPEC: disputes older than 5 months are flagged for the supervisor).
pub fn is_stale_dispute(
    disputed: &str,
    opened_on: NaiveDate,
    months: i64,
) -> Result<bool, Problem> {
    Ok(months_before(disputed, opened_on)? > months)
}

/// Checks a satisfaction rating: 1 to 5.
pub fn validate_rating(rating: i64) -> Result<i64, Problem> {
    if (1..=5).contains(&rating) {
        Ok(rating)
    } else {
        Err(Problem::bad_input(
            format!("满意度评分 {rating} 无效：请输入 1 到 5"),
            format!("satisfaction rating {rating} is not valid: use 1 to 5"),
        ))
    }
}

/// Checks free text that must not be empty (descriptions, replies, notes). Kept intact otherwise:
/// any Unicode, control characters and long lines are stored as typed.
pub fn require_text(text: &str, what_zh: &str, what_en: &str) -> Result<(), Problem> {
    if text.trim().is_empty() {
        Err(Problem::bad_input(
            format!("{what_zh}不能为空"),
            format!("the {what_en} must not be empty"),
        ))
    } else {
        Ok(())
    }
}

/// The average rating per category, of the ratings given: (category, average, count), in category order.
pub fn averages(ratings: &[(Category, i64)]) -> Vec<(Category, f64, usize)> {
    Category::ALL
        .iter()
        .filter_map(|c| {
            let rs: Vec<i64> = ratings
                .iter()
                .filter(|(k, _)| k == c)
                .map(|(_, r)| *r)
                .collect();
            (!rs.is_empty()).then(|| {
                (
                    *c,
                    rs.iter().sum::<i64>() as f64 / rs.len() as f64,
                    rs.len(),
                )
            })
        })
        .collect()
}

/// A duration as the queue shows it: `2d3h`, `5h20m`, `45m` (sign dropped).
pub fn short_duration(secs: i64, lang: Lang) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let (ud, uh, um) = match lang {
        Lang::Zh => ("天", "时", "分"),
        Lang::En => ("d", "h", "m"),
    };
    if d > 0 {
        format!("{d}{ud}{h}{uh}")
    } else if h > 0 {
        format!("{h}{uh}{m}{um}")
    } else {
        format!("{m}{um}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::demo_epoch;
    use TicketStatus::*;

    fn policy() -> SlaPolicy {
        SlaPolicy {
            first_response_hours: FirstResponseHours {
                urgent: 4,
                high: 24,
                normal: 48,
                low: 72,
            },
            resolution_days: 15,
            near_due_percent: 25,
            stale_dispute_months: 5,
            max_compensation_fen: 50_000,
        }
    }

    fn h(n: i64) -> Duration {
        Duration::hours(n)
    }

    fn ch(at: DateTime<Utc>, to: TicketStatus) -> StateChange {
        StateChange { at, to }
    }

    #[test]
    fn the_machine_allows_exactly_its_moves() {
        let allowed = [
            (New, InProgress),
            (InProgress, WaitingCustomer),
            (InProgress, Resolved),
            (WaitingCustomer, InProgress),
            (WaitingCustomer, Resolved),
            (Resolved, Closed),
            (Resolved, InProgress),
        ];
        for from in TicketStatus::ALL {
            for to in TicketStatus::ALL {
                let ok = allowed.contains(&(*from, *to));
                let r = from.transition(*to);
                assert_eq!(r.is_ok(), ok, "{from:?} → {to:?}");
                if let Err(p) = r {
                    assert_eq!(p.kind, crate::domain::ProblemKind::Refused);
                    assert!(
                        p.en.contains(from.code()) && p.en.contains(to.code()),
                        "{}",
                        p.en
                    );
                    assert!(p.zh.contains(from.label(Lang::Zh)), "{}", p.zh);
                }
            }
        }
        assert!(
            Closed
                .transition(InProgress)
                .unwrap_err()
                .en
                .contains("closed ticket")
        );
    }

    #[test]
    fn codes_and_names_parse() {
        assert_eq!(
            Category::parse("billing_dispute").unwrap(),
            Category::BillingDispute
        );
        assert_eq!(
            Category::parse("账单争议").unwrap(),
            Category::BillingDispute
        );
        assert_eq!(
            Category::parse("Unknown VAS charge").unwrap(),
            Category::UnknownVas
        );
        assert_eq!(Category::parse("top-up").unwrap(), Category::TopUp);
        assert_eq!(Priority::parse("URGENT").unwrap(), Priority::Urgent);
        assert_eq!(Channel::parse("10086").unwrap(), Channel::Hotline);
        assert_eq!(
            TicketStatus::parse("waiting-customer").unwrap(),
            WaitingCustomer
        );
        assert_eq!(RecordKind::parse("咨询").unwrap(), RecordKind::Enquiry);
        let e = Priority::parse("asap").unwrap_err();
        assert!(e.en.contains("low, normal, high, urgent"), "{}", e.en);
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()).unwrap(), *c);
            assert_eq!(Category::parse(c.label(Lang::Zh)).unwrap(), *c);
            assert_eq!(Category::parse(c.label(Lang::En)).unwrap(), *c);
        }
    }

    #[test]
    fn first_response_due_by_priority() {
        let t0 = demo_epoch();
        for (p, hours) in [
            (Priority::Urgent, 4),
            (Priority::High, 24),
            (Priority::Normal, 48),
            (Priority::Low, 72),
        ] {
            let s = sla(&policy(), p, t0, &[], None, t0);
            assert_eq!(s.first_response.due, Some(t0 + h(hours)), "{p:?}");
            assert_eq!(s.resolution.due, Some(t0 + Duration::days(15)));
            assert_eq!(s.first_response.state, SlaState::OnTrack);
        }
    }

    #[test]
    fn overdue_exactly_after_the_boundary() {
        let t0 = demo_epoch();
        let due = t0 + h(4);
        let at = |now| sla(&policy(), Priority::Urgent, t0, &[], None, now).first_response;
        assert_eq!(at(due - Duration::seconds(1)).state, SlaState::NearDue);
        assert_eq!(at(due).state, SlaState::NearDue, "due now is not yet late");
        assert_eq!(at(due).remaining_secs, 0);
        assert_eq!(at(due + Duration::seconds(1)).state, SlaState::Overdue);
        assert_eq!(at(due + Duration::seconds(1)).remaining_secs, -1);
        // Near due starts when 25% (1 h of 4 h) is left.
        assert_eq!(
            at(t0 + h(3) - Duration::seconds(1)).state,
            SlaState::OnTrack
        );
        assert_eq!(at(t0 + h(3)).state, SlaState::NearDue);
    }

    #[test]
    fn waiting_on_the_customer_shifts_the_due_time_by_exactly_the_pause() {
        let t0 = demo_epoch();
        let history = [
            ch(t0 + h(1), InProgress),
            ch(t0 + h(2), WaitingCustomer),
            ch(
                t0 + h(2) + Duration::minutes(37) + Duration::seconds(5),
                InProgress,
            ),
        ];
        let pause = Duration::minutes(37) + Duration::seconds(5);
        // While paused: no due time, the remaining time is frozen.
        let during = sla(
            &policy(),
            Priority::Urgent,
            t0,
            &history[..2],
            None,
            t0 + h(2) + Duration::minutes(10),
        );
        assert_eq!(during.first_response.state, SlaState::Paused);
        assert_eq!(during.first_response.due, None);
        assert_eq!(during.first_response.remaining_secs, h(2).num_seconds());
        let later = sla(
            &policy(),
            Priority::Urgent,
            t0,
            &history[..2],
            None,
            t0 + Duration::days(30),
        );
        assert_eq!(
            later.first_response.state,
            SlaState::Paused,
            "a pause never runs out"
        );
        // After resuming: due moves by exactly the pause.
        let after = sla(&policy(), Priority::Urgent, t0, &history, None, t0 + h(3));
        assert_eq!(after.first_response.due, Some(t0 + h(4) + pause));
        assert_eq!(after.resolution.due, Some(t0 + Duration::days(15) + pause));
        // And it is overdue one second after the shifted due time, not before.
        let edge = t0 + h(4) + pause;
        assert_ne!(
            sla(&policy(), Priority::Urgent, t0, &history, None, edge)
                .first_response
                .state,
            SlaState::Overdue
        );
        assert_eq!(
            sla(
                &policy(),
                Priority::Urgent,
                t0,
                &history,
                None,
                edge + Duration::seconds(1)
            )
            .first_response
            .state,
            SlaState::Overdue
        );
    }

    #[test]
    fn two_pauses_add_up_and_a_pause_after_the_due_time_does_not_move_it() {
        let t0 = demo_epoch();
        let history = [
            ch(t0 + h(1), InProgress),
            ch(t0 + h(2), WaitingCustomer),
            ch(t0 + h(5), InProgress),
            ch(t0 + h(6), WaitingCustomer),
            ch(t0 + h(6) + Duration::minutes(30), InProgress),
        ];
        let s = sla(&policy(), Priority::Urgent, t0, &history, None, t0 + h(7));
        assert_eq!(
            s.first_response.due,
            Some(t0 + h(7) + Duration::minutes(30))
        );
        // A pause that starts after the target was due leaves the due time where it was.
        let late = [
            ch(t0 + h(1), InProgress),
            ch(t0 + h(5), WaitingCustomer),
            ch(t0 + h(9), InProgress),
        ];
        let s = sla(&policy(), Priority::Urgent, t0, &late, None, t0 + h(10));
        assert_eq!(s.first_response.due, Some(t0 + h(4)));
        assert_eq!(s.first_response.state, SlaState::Overdue);
        // Overdue while paused stays overdue.
        let s = sla(&policy(), Priority::Urgent, t0, &late[..2], None, t0 + h(6));
        assert_eq!(s.first_response.state, SlaState::Overdue);
    }

    #[test]
    fn a_reply_meets_the_first_response_and_resolution_stops_the_clock() {
        let t0 = demo_epoch();
        let history = [ch(t0 + h(1), InProgress), ch(t0 + h(30), Resolved)];
        let s = sla(
            &policy(),
            Priority::High,
            t0,
            &history,
            Some(t0 + h(2)),
            t0 + Duration::days(40),
        );
        assert_eq!(s.first_response.state, SlaState::Met);
        assert_eq!(s.first_response.done_at, Some(t0 + h(2)));
        assert_eq!(s.resolution.state, SlaState::Met);
        assert_eq!(
            s.resolution.remaining_secs,
            (Duration::days(15) - h(30)).num_seconds()
        );
        // A late reply is a breach, not an overdue.
        let s = sla(
            &policy(),
            Priority::Urgent,
            t0,
            &[],
            Some(t0 + h(5)),
            t0 + h(6),
        );
        assert_eq!(s.first_response.state, SlaState::Breached);
        // A resolution without a reply counts as the response.
        let s = sla(&policy(), Priority::Low, t0, &history, None, t0 + h(31));
        assert_eq!(s.first_response.done_at, Some(t0 + h(30)));
        assert_eq!(s.first_response.state, SlaState::Met);
    }

    #[test]
    fn reopening_runs_the_resolution_clock_again_without_the_resolved_time() {
        let t0 = demo_epoch();
        let history = [
            ch(t0 + h(1), InProgress),
            ch(t0 + Duration::days(2), Resolved),
            ch(t0 + Duration::days(5), InProgress),
        ];
        let s = sla(
            &policy(),
            Priority::Normal,
            t0,
            &history,
            None,
            t0 + Duration::days(6),
        );
        assert_eq!(s.resolution.done_at, None);
        assert_eq!(s.resolution.due, Some(t0 + Duration::days(18)));
        assert_eq!(s.resolution.state, SlaState::OnTrack);
        assert_eq!(
            s.resolution.remaining_secs,
            Duration::days(12).num_seconds()
        );
    }

    #[test]
    fn resolution_is_due_after_fifteen_days_to_the_second() {
        let t0 = demo_epoch();
        let history = [ch(t0 + Duration::minutes(5), InProgress)];
        let due = t0 + Duration::days(15);
        let at = |now| sla(&policy(), Priority::Low, t0, &history, Some(t0 + h(1)), now).resolution;
        assert_eq!(at(due).state, SlaState::NearDue);
        assert_eq!(at(due + Duration::seconds(1)).state, SlaState::Overdue);
        assert_eq!(at(due - Duration::days(4)).state, SlaState::OnTrack);
        assert_eq!(
            at(due - Duration::hours(90)).state,
            SlaState::NearDue,
            "3.75 days left is 25%"
        );
    }

    #[test]
    fn disputes_older_than_five_months_are_flagged() {
        let opened: NaiveDate = "2026-12-04".parse().unwrap();
        assert!(
            is_stale_dispute("2026-06", opened, 5).unwrap(),
            "six months"
        );
        assert!(
            !is_stale_dispute("2026-07", opened, 5).unwrap(),
            "five months"
        );
        assert!(!is_stale_dispute("2026-12", opened, 5).unwrap());
        assert!(is_stale_dispute("2025-12", opened, 5).unwrap());
        assert!(
            is_stale_dispute("2027-01", opened, 5).is_err(),
            "a future bill"
        );
        for bad in ["2026-13", "2026-6", "26-06", "", "2026/06", "abcd-ef"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ratings_and_averages() {
        assert!(validate_rating(0).is_err());
        assert!(validate_rating(6).is_err());
        assert_eq!(validate_rating(5).unwrap(), 5);
        let a = averages(&[
            (Category::Points, 5),
            (Category::BillingDispute, 2),
            (Category::Points, 4),
        ]);
        assert_eq!(
            a,
            vec![
                (Category::BillingDispute, 2.0, 1),
                (Category::Points, 4.5, 2)
            ]
        );
    }

    #[test]
    fn text_must_not_be_blank_but_is_otherwise_kept() {
        assert!(require_text(" \n\t", "描述", "description").is_err());
        assert!(require_text("\u{7}x", "描述", "description").is_ok());
    }

    #[test]
    fn durations_read_short() {
        assert_eq!(short_duration(3 * 86_400 + 7200, Lang::En), "3d2h");
        assert_eq!(short_duration(-(5 * 3600 + 20 * 60), Lang::En), "5h20m");
        assert_eq!(short_duration(45 * 60, Lang::Zh), "45分");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// However a ticket is paused, the due time is the opening plus the budget plus the
            /// pauses that began before it, and running time never exceeds wall time.
            #[test]
            fn due_equals_budget_plus_earlier_pauses(
                steps in proptest::collection::vec((1i64..600, any::<bool>()), 0..10),
                budget_min in 1i64..3000,
            ) {
                let t0 = demo_epoch();
                let mut history = vec![ch(t0, InProgress)];
                let mut t = t0;
                for (mins, wait) in &steps {
                    t += Duration::minutes(*mins);
                    let to = if *wait { WaitingCustomer } else { InProgress };
                    if history.last().unwrap().to != to {
                        history.push(ch(t, to));
                    }
                }
                if history.last().unwrap().to == WaitingCustomer {
                    t += Duration::minutes(1);
                    history.push(ch(t, InProgress));
                }
                let budget = Duration::minutes(budget_min);
                let now = t + Duration::minutes(1);
                let due = due_at(t0, &history, budget, now).unwrap();
                prop_assert_eq!(active_time(t0, &history, due), budget);
                prop_assert!(active_time(t0, &history, now) <= now - t0);
                // Just before the due time there is budget left.
                prop_assert!(active_time(t0, &history, due - Duration::seconds(1)) < budget || due == t0);
            }
        }
    }
}
