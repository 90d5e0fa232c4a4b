//! Lease expiry (租期) of a leased warehouse: a lease ending within [`WARN_DAYS`] days is shown
//! with a warning, an ended one as expired — on the detail, in the lists, and as a query
//! condition ([`LeaseFilter`]).

use serde::{Deserialize, Serialize};

use crate::ids::Date;

/// A lease ending within this many days (inclusive) is about to expire.
pub const WARN_DAYS: i64 = 90;

/// Where a lease stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseState {
    /// Ends more than [`WARN_DAYS`] days from today.
    Current,
    /// Ends today or within [`WARN_DAYS`] days: 租期将满.
    EndingSoon { end: Date },
    /// Ended before today: 已过期.
    Expired { end: Date },
}

impl LeaseState {
    /// The state of a lease ending on `end`, seen on `today`.
    pub fn of(end: Date, today: Date) -> Self {
        if end < today {
            Self::Expired { end }
        } else if end <= today.add_days(WARN_DAYS) {
            Self::EndingSoon { end }
        } else {
            Self::Current
        }
    }

    /// The state of a warehouse's lease from its form values: `None` unless it is leased
    /// (仓库性质 2) with a valid 租赁截止日期.
    pub fn of_warehouse(ownership: &str, lease_end: &str, today: Date) -> Option<Self> {
        if ownership.trim() != "2" {
            return None;
        }
        Date::parse(lease_end.trim())
            .ok()
            .map(|end| Self::of(end, today))
    }

    /// The warning shown beside the warehouse, e.g. "租期将于 2027-01-15 到期".
    pub fn warning(self) -> Option<String> {
        match self {
            Self::Current => None,
            Self::EndingSoon { end } => Some(format!("租期将于 {end} 到期")),
            Self::Expired { end } => Some(format!("租期已于 {end} 到期（已过期）")),
        }
    }
}

/// The query condition on leases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LeaseFilter {
    /// 租期将满: leased, ending today or within [`WARN_DAYS`] days.
    Expiring,
    /// 已过期: leased, ended before today.
    Expired,
}

impl LeaseFilter {
    pub const ALL: [LeaseFilter; 2] = [Self::Expiring, Self::Expired];

    /// The value in the URL and the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Expiring => "expiring",
            Self::Expired => "expired",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Expiring => "租期将满（90 天内到期）",
            Self::Expired => "租期已过期",
        }
    }

    /// The 租赁截止日期 range `[from, to]` (ISO dates; `None` = open) of the leases it selects
    /// on `today`.
    pub fn end_range(self, today: Date) -> (Option<Date>, Option<Date>) {
        match self {
            Self::Expiring => (Some(today), Some(today.add_days(WARN_DAYS))),
            Self::Expired => (None, Some(today.add_days(-1))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn ninety_days_ahead_warns_and_the_past_is_expired() {
        let today = day("2026-10-17");
        assert_eq!(today.add_days(90), day("2027-01-15"));
        let soon = LeaseState::of(day("2027-01-15"), today);
        assert_eq!(soon.warning().as_deref(), Some("租期将于 2027-01-15 到期"));
        assert_eq!(
            LeaseState::of(day("2026-10-17"), today),
            LeaseState::EndingSoon { end: today }
        );
        assert_eq!(
            LeaseState::of(day("2027-01-16"), today),
            LeaseState::Current
        );
        assert_eq!(
            LeaseState::of(day("2026-10-16"), today)
                .warning()
                .as_deref(),
            Some("租期已于 2026-10-16 到期（已过期）")
        );
        assert_eq!(LeaseState::of_warehouse("1", "2026-10-16", today), None);
        assert_eq!(LeaseState::of_warehouse("2", "", today), None);
    }

    #[test]
    fn filters_select_date_ranges() {
        let today = day("2024-02-28");
        assert_eq!(
            LeaseFilter::Expiring.end_range(today),
            (Some(today), Some(day("2024-05-28")))
        );
        assert_eq!(
            LeaseFilter::Expired.end_range(day("2024-03-01")),
            (None, Some(day("2024-02-29")))
        );
        assert_eq!(
            LeaseFilter::from_code("expired"),
            Some(LeaseFilter::Expired)
        );
        assert_eq!(LeaseFilter::from_code("soon"), None);
    }
}
