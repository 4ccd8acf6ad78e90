//! Keys mapped to named actions, from `assets/keymap.toml`; the help overlay is built from this table.

use crate::assets;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Leave (asks when a form is half filled).
    Quit,
    /// Show every key.
    Help,
    /// Find a customer.
    Search,
    /// Next tab.
    NextTab,
    /// Previous tab.
    PrevTab,
    /// Jump to tab n (1-based).
    Tab(u8),
    /// Back out of the current thing.
    Back,
    /// Verify the customer.
    Verify,
    /// End the customer's visit.
    EndVisit,
    /// Switch between Chinese and English.
    ToggleLang,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Choose.
    Select,
    /// Next catalogue category.
    NextCategory,
    /// Previous catalogue category.
    PrevCategory,
    /// Type a filter.
    Filter,
    /// Switch between the catalogue and the redemption history.
    History,
    /// Reverse the selected redemption (supervisor).
    Reverse,
    /// Bills: the 12-month chart.
    ViewMonthly,
    /// Bills: the month so far.
    ViewCurrent,
    /// Bills: balance history.
    ViewLedger,
    /// Bills: detail records.
    ViewDetails,
    /// Bills: daily data.
    ViewData,
    /// Bills: reminders.
    ViewReminders,
    /// Bills: plan advice.
    ViewAdvice,
    /// Bills: cycle the kind of detail records shown.
    KindFilter,
    /// Raise a value.
    More,
    /// Lower a value.
    Less,
    /// Log the counter interaction (enquiry, transaction, complaint).
    LogRecord,
    /// Next queue view.
    NextView,
    /// Previous queue view.
    PrevView,
    /// Type a filter for the ticket queue.
    TicketFilter,
    /// Open the new-ticket form.
    NewTicket,
    /// Reply to the customer (sends a notice).
    Reply,
    /// Add an internal note.
    Note,
    /// Assign the ticket.
    Assign,
    /// Start, resume or reopen: to in progress.
    Start,
    /// Wait on the customer (the SLA clock pauses).
    Wait,
    /// Resolve (optionally proposing compensation).
    Resolve,
    /// Close with a satisfaction rating.
    CloseTicket,
    /// Approve the proposed compensation (supervisor).
    Approve,
    /// Plans: current plan, services, recommendations and advice.
    ViewOverview,
    /// Plans: the catalogue with the comparison.
    ViewCatalog,
    /// Plans: cancel the pending plan change.
    CancelChange,
    /// Plans: cancel the selected value-added service.
    CancelService,
    /// Reports: the day before.
    PrevDay,
    /// Reports: the day after.
    NextDay,
    /// Reports: back to today.
    Today,
    /// Reports: type the counted cash.
    EnterCounted,
}

impl Action {
    fn from_name(name: &str) -> Option<Action> {
        Some(match name {
            "quit" => Action::Quit,
            "help" => Action::Help,
            "search" => Action::Search,
            "next_tab" => Action::NextTab,
            "prev_tab" => Action::PrevTab,
            "back" => Action::Back,
            "verify" => Action::Verify,
            "end_visit" => Action::EndVisit,
            "toggle_lang" => Action::ToggleLang,
            "up" => Action::Up,
            "down" => Action::Down,
            "page_up" => Action::PageUp,
            "page_down" => Action::PageDown,
            "select" => Action::Select,
            "next_category" => Action::NextCategory,
            "prev_category" => Action::PrevCategory,
            "filter" => Action::Filter,
            "history" => Action::History,
            "reverse" => Action::Reverse,
            "view_monthly" => Action::ViewMonthly,
            "view_current" => Action::ViewCurrent,
            "view_ledger" => Action::ViewLedger,
            "view_details" => Action::ViewDetails,
            "view_data" => Action::ViewData,
            "view_reminders" => Action::ViewReminders,
            "view_advice" => Action::ViewAdvice,
            "kind_filter" => Action::KindFilter,
            "more" => Action::More,
            "less" => Action::Less,
            "log_record" => Action::LogRecord,
            "view_overview" => Action::ViewOverview,
            "view_catalog" => Action::ViewCatalog,
            "cancel_change" => Action::CancelChange,
            "cancel_service" => Action::CancelService,
            "next_view" => Action::NextView,
            "prev_view" => Action::PrevView,
            "ticket_filter" => Action::TicketFilter,
            "new_ticket" => Action::NewTicket,
            "reply" => Action::Reply,
            "note" => Action::Note,
            "assign" => Action::Assign,
            "start" => Action::Start,
            "wait" => Action::Wait,
            "resolve" => Action::Resolve,
            "close_ticket" => Action::CloseTicket,
            "approve" => Action::Approve,
            "prev_day" => Action::PrevDay,
            "next_day" => Action::NextDay,
            "today" => Action::Today,
            "enter_counted" => Action::EnterCounted,
            n => {
                let d = n.strip_prefix("tab_")?.parse::<u8>().ok()?;
                Action::Tab(d)
            }
        })
    }

    /// The locale key describing this action in the help overlay.
    pub fn help_key(self) -> String {
        match self {
            Action::Tab(_) => "action.tab".to_string(),
            other => format!("action.{}", format!("{other:?}").to_lowercase()),
        }
    }
}

/// A key with its modifiers, as written in the keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    /// As written in the keymap, for the help overlay.
    pub label: String,
}

impl Key {
    /// Parses `q`, `Ctrl-c`, `Enter`, `F1`, `BackTab`, `PageUp` …
    pub fn parse(s: &str) -> Option<Key> {
        let (ctrl, rest) = match s.strip_prefix("Ctrl-") {
            Some(r) => (true, r),
            None => (false, s),
        };
        let code = match rest {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "BackTab" => KeyCode::BackTab,
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "Space" => KeyCode::Char(' '),
            f if f.starts_with('F') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl,
            label: s.to_string(),
        })
    }

    /// True when a key event is this key (Shift is ignored: terminals differ in reporting it).
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                a == b || (self.ctrl && a.eq_ignore_ascii_case(&b))
            }
            (a, b) => a == b,
        }
    }
}

/// An action with the keys bound to it.
type Binding = (Action, Vec<Key>);

/// A keymap section as the help overlay lists it: name, then each action with its key labels.
pub type SectionHelp = (String, Vec<(Action, Vec<String>)>);

/// The keymap: per section (`global`, `list`), actions with their keys, in file order.
#[derive(Debug, Clone)]
pub struct Keymap {
    sections: Vec<(String, Vec<Binding>)>,
}

impl Keymap {
    /// The shipped keymap.
    pub fn default_map() -> Keymap {
        Self::parse(assets::KEYMAP).expect("assets/keymap.toml is valid (tested)")
    }

    /// Parses a keymap file.
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let raw: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let order = [
            "global",
            "list",
            "points",
            "bills",
            "plans",
            "complaints",
            "reports",
        ];
        let mut sections = Vec::new();
        for name in order {
            let Some(toml::Value::Table(t)) = raw.get(name) else {
                return Err(format!("keymap section [{name}] is missing"));
            };
            let mut entries = Vec::new();
            // Keep the file's order of actions for the help overlay.
            let mut keys: Vec<(&String, &toml::Value)> = t.iter().collect();
            let pos = |k: &str| text.find(&format!("\n{k} =")).unwrap_or(usize::MAX);
            keys.sort_by_cached_key(|(k, _)| pos(k));
            for (action, value) in keys {
                let a =
                    Action::from_name(action).ok_or_else(|| format!("unknown action {action}"))?;
                let list = value
                    .as_array()
                    .ok_or_else(|| format!("{action}: expected a list of keys"))?;
                let mut ks = Vec::new();
                for k in list {
                    let s = k
                        .as_str()
                        .ok_or_else(|| format!("{action}: keys are strings"))?;
                    ks.push(Key::parse(s).ok_or_else(|| format!("{action}: unknown key {s}"))?);
                }
                entries.push((a, ks));
            }
            sections.push((name.to_string(), entries));
        }
        Ok(Keymap { sections })
    }

    /// The action of a key in a section, if any.
    pub fn action(&self, section: &str, ev: &KeyEvent) -> Option<Action> {
        self.sections
            .iter()
            .filter(|(n, _)| n == section)
            .flat_map(|(_, e)| e.iter())
            .find(|(_, keys)| keys.iter().any(|k| k.matches(ev)))
            .map(|(a, _)| *a)
    }

    /// The first key label of an action, for hints.
    pub fn label(&self, action: Action) -> String {
        self.sections
            .iter()
            .flat_map(|(_, e)| e.iter())
            .find(|(a, _)| *a == action)
            .and_then(|(_, k)| k.first())
            .map(|k| k.label.clone())
            .unwrap_or_default()
    }

    /// Every section with its actions and key labels, for the help overlay.
    pub fn entries(&self) -> Vec<SectionHelp> {
        self.sections
            .iter()
            .map(|(n, e)| {
                (
                    n.clone(),
                    e.iter()
                        .map(|(a, ks)| (*a, ks.iter().map(|k| k.label.clone()).collect()))
                        .collect(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn shipped_keymap_parses_and_maps() {
        let k = Keymap::default_map();
        assert_eq!(
            k.action("global", &key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.action("global", &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.action("global", &key(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            k.action("global", &key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevTab)
        );
        assert_eq!(
            k.action("global", &key(KeyCode::Char('1'), KeyModifiers::NONE)),
            Some(Action::Tab(1))
        );
        assert_eq!(
            k.action("list", &key(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            k.action("global", &key(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(k.label(Action::Search), "/");
    }

    #[test]
    fn bad_keymaps_are_reported() {
        assert!(Keymap::parse("[global]\nquit = [\"NoSuchKey\"]\n[list]\n").is_err());
        assert!(Keymap::parse("[global]\nfly = [\"f\"]\n[list]\n").is_err());
        assert!(Keymap::parse("[list]\n").is_err());
    }
}
