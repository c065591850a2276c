//! Texts sent through the SMS gateway user (docs/protocol.md, extension
//! 10): their parts live in the gateway's store; here only the delivery it
//! reported, so the status and the gateway's words survive a restart.

use rusqlite::{OptionalExtension, params};

use crate::model::{SmsDelivery, Twice};
use crate::protocol::MessageId;
use crate::store::{Store, StoreError};

impl Store {
    /// Records what the gateway reported for our texts `ids`; returns the
    /// ones that are ours (outgoing) and changed.
    pub fn set_sms_delivery(
        &mut self,
        ids: &[MessageId],
        delivery: &SmsDelivery,
    ) -> Result<Vec<MessageId>, StoreError> {
        let status = delivery.status();
        let json = serde_json::to_string(delivery)
            .map_err(|e| StoreError::corrupt(format!("an SMS delivery: {e}")))?;
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        {
            let mut set = tx.prepare_cached(
                "UPDATE messages SET status = ?2
                  WHERE id = ?1 AND outgoing = 1 AND status != ?2",
            )?;
            let mut keep = tx.prepare_cached(
                "INSERT INTO sms_remote(message_id, delivery)
                 SELECT ?1, ?2 WHERE EXISTS
                   (SELECT 1 FROM messages WHERE id = ?1 AND outgoing = 1)
                 ON CONFLICT(message_id) DO UPDATE SET delivery = excluded.delivery
                  WHERE delivery != excluded.delivery",
            )?;
            for id in ids {
                let key = id.as_bytes().as_slice();
                let status_changed = set.execute(params![key, status.code()])? > 0;
                let detail_changed = keep.execute(params![key, json])? > 0;
                if status_changed || detail_changed {
                    changed.push(*id);
                }
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// The delivery the gateway user last reported for one of our texts.
    pub(crate) fn remote_sms_delivery(
        &self,
        id: MessageId,
    ) -> Result<Option<SmsDelivery>, StoreError> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT delivery FROM sms_remote WHERE message_id = ?1")?
            .query_row([id.as_bytes().as_slice()], |r| r.get(0))
            .optional()?;
        json.map(|j| parse(&j)).transpose()
    }
}

/// The JSON `set_sms_delivery` wrote (serde's form of [`SmsDelivery`]).
fn parse(json: &str) -> Result<SmsDelivery, StoreError> {
    let bad = || StoreError::corrupt(format!("an SMS delivery: {json}"));
    let v: serde_json::Value = serde_json::from_str(json).map_err(|_| bad())?;
    let count = |k: &str| {
        v[k].as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(bad)
    };
    Ok(SmsDelivery {
        parts: count("parts")?,
        sent: count("sent")?,
        delivered: count("delivered")?,
        failure: v["failure"].as_str().map(str::to_owned),
        twice: match v["twice"].as_str() {
            Some("maybe") => Twice::Maybe,
            Some("yes") => Twice::Yes,
            _ => Twice::No,
        },
        scheduled: v["scheduled"].as_bool().unwrap_or(false),
        scheduled_for_ms: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{ConversationId, MessageStatus, StoredMessage};

    #[test]
    fn a_gateways_report_sets_the_status_and_is_kept() {
        let mut store = Store::open_in_memory().unwrap();
        let msg = StoredMessage {
            id: uuid::Uuid::now_v7(),
            conversation: ConversationId::Phone("13800138000".parse().unwrap()),
            sender: "alice".parse().unwrap(),
            ts: 1,
            seq: None,
            text: "hi".into(),
            reply_to: None,
            outgoing: true,
            status: MessageStatus::Sent,
            unsupported: false,
            changes: Default::default(),
            file: None,
        };
        store.store_incoming(&msg).unwrap();
        let failed = SmsDelivery {
            parts: 1,
            sent: 1,
            delivered: 0,
            failure: Some("UNDELIV".into()),
            twice: Twice::Maybe,
            scheduled: false,
            scheduled_for_ms: None,
        };
        let stranger = uuid::Uuid::now_v7();
        let changed = store
            .set_sms_delivery(&[msg.id, stranger], &failed)
            .unwrap();
        assert_eq!(changed, vec![msg.id], "only our own texts");
        assert_eq!(
            store.message(msg.id).unwrap().unwrap().status,
            MessageStatus::Failed
        );
        assert_eq!(
            store.remote_sms_delivery(msg.id).unwrap(),
            Some(failed.clone())
        );
        assert!(
            store
                .set_sms_delivery(&[msg.id], &failed)
                .unwrap()
                .is_empty(),
            "no change"
        );
        assert_eq!(store.remote_sms_delivery(stranger).unwrap(), None);
    }
}
