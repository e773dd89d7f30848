//! Converting between tower-sessions' times (`time`) and the database's (`chrono`, UTC).

use tower_sessions::cookie::time::{OffsetDateTime, PrimitiveDateTime};

use crate::db::DateTime;

/// An expiry date as the database stores it: UTC, to the microsecond.
pub(crate) fn to_database(at: OffsetDateTime) -> DateTime {
    use chrono::SubsecRound;
    let nanos = at.unix_timestamp_nanos();
    let seconds = nanos.div_euclid(1_000_000_000);
    let subsec = nanos.rem_euclid(1_000_000_000);
    i64::try_from(seconds)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, u32::try_from(subsec).unwrap_or(0)))
        .map(|utc| utc.naive_utc().trunc_subsecs(6))
        // Beyond chrono's range (year ±262,000): the furthest date it has.
        .unwrap_or(if seconds < 0 {
            DateTime::MIN
        } else {
            DateTime::MAX
        })
}

/// A database expiry date as tower-sessions' time.
pub(crate) fn from_database(at: DateTime) -> OffsetDateTime {
    let utc = at.and_utc();
    let nanos =
        i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos());
    // Beyond time's range (years outside ±9999): the furthest date it has.
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(if nanos < 0 {
        PrimitiveDateTime::MIN.assume_utc()
    } else {
        PrimitiveDateTime::MAX.assume_utc()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_dates_survive_the_round_trip_to_the_microsecond() {
        let now = OffsetDateTime::now_utc();
        let back = from_database(to_database(now));
        assert!((now - back).whole_microseconds().abs() < 1, "{now} {back}");
        assert_eq!(
            to_database(OffsetDateTime::UNIX_EPOCH),
            chrono::DateTime::UNIX_EPOCH.naive_utc()
        );
    }
}
