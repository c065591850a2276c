//! What a message's parts add up to: its status and [`SmsDelivery`].

use std::collections::BTreeSet;

use rusqlite::{Connection, params};

use super::outbox::SmsUpdate;
use crate::model::at_time_ms;
use crate::model::{SmsDelivery, Twice};
use crate::store::StoreError;
use crate::store::rows::uuid_from_blob;

/// Part states in `sms_parts.state` (see schema V6; the SQL spells them).
const TAKEN: i64 = 2;
const DELIVERED: i64 = 3;
const FAILED: i64 = -1;

/// The new status and delivery of each touched message, written to its
/// `messages` row when the status changed.
pub(super) fn updates(
    conn: &Connection,
    touched: &BTreeSet<Vec<u8>>,
) -> Result<Vec<SmsUpdate>, StoreError> {
    let mut out = Vec::new();
    for message in touched {
        let Some(delivery) = delivery(conn, message)? else {
            continue;
        };
        let status = delivery.status();
        conn.prepare_cached("UPDATE messages SET status = ?2 WHERE id = ?1 AND status != ?2")?
            .execute(params![message, status.code()])?;
        out.push(SmsUpdate {
            id: uuid_from_blob(message, "sms_parts.message_id")?,
            status,
            delivery,
        });
    }
    Ok(out)
}

pub(super) fn delivery(
    conn: &Connection,
    message: &[u8],
) -> Result<Option<SmsDelivery>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT state, failure, twice, at_time, msg_id IS NOT NULL FROM sms_parts
          WHERE message_id = ?1 ORDER BY part",
    )?;
    let rows = stmt.query_map([message], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, bool>(4)?,
        ))
    })?;
    let mut d = SmsDelivery {
        parts: 0,
        sent: 0,
        delivered: 0,
        failure: None,
        twice: Twice::No,
        scheduled: false,
        scheduled_for_ms: None,
    };
    for row in rows {
        let (state, failure, twice, at_time, taken) = row?;
        d.parts = d.parts.saturating_add(1);
        // A part the gateway took (it has a Msg_Id) and then reported
        // failed was sent, just not delivered.
        if state >= TAKEN || (state == FAILED && taken) {
            d.sent += 1;
        }
        if state == DELIVERED {
            d.delivered += 1;
        }
        if state == FAILED && d.failure.is_none() {
            d.failure = failure;
        }
        d.twice = d.twice.max(match twice {
            0 => Twice::No,
            1 => Twice::Maybe,
            _ => Twice::Yes,
        });
        if !at_time.is_empty() {
            d.scheduled = true;
            d.scheduled_for_ms = d.scheduled_for_ms.or_else(|| at_time_ms(&at_time));
        }
    }
    Ok((d.parts > 0).then_some(d))
}
