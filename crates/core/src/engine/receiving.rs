//! Receiving: validate, store durably, then acknowledge to the broker.
//!
//! The order matters for "nothing is ever lost": a PUBLISH is acked only
//! after the message (and our `delivered` receipt for it) is committed, so
//! a crash before that makes the broker deliver it again, and the store's
//! de-duplication by id makes the second copy harmless.

use std::collections::BTreeMap;

use rumqttc::Publish;
use tokio::time::Instant;

use super::{Engine, drops};
use crate::event::Event;
use crate::model::{ConversationId, MessageStatus, PresenceRecord, StoredMessage};
use crate::protocol::{
    Body, Decoded, Envelope, FileBody, MessageId, PresenceBody, ReceiptBody, ReceiptStatus,
    Rejection, RoomMetaBody, SmsStatusBody, Topic, UserId, classify,
};
use crate::store::{Change, OutboxEntry, Stored};

/// What one incoming publish asks of us, once validated.
enum Incoming {
    /// A message, and the file it announces (extension 12).
    Message(StoredMessage, Option<Box<FileBody>>),
    Receipt(UserId, ReceiptBody),
    Typing(ConversationId, UserId, bool),
    Presence(UserId, PresenceBody, i64),
    Member(crate::protocol::RoomId, UserId, RoomMetaBody, i64),
    /// What became of texts we sent through the SMS gateway user.
    SmsStatus(SmsStatusBody),
    /// An edit, delete or reaction (extension 11).
    Change(Change),
}

impl Engine {
    pub(super) fn receive_batch(&mut self, batch: Vec<Publish>) {
        if batch.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut messages = Vec::new();
        let mut files = Vec::new();
        let mut changes = Vec::new();
        let mut others = Vec::new();
        for publish in &batch {
            match classify(&self.prefix, &self.me, &publish.topic, &publish.payload) {
                // Only the SMS gateway user this account chose speaks for
                // phones (the subscription asks for no other; this holds if
                // a broader one ever does).
                Ok(inbound)
                    if matches!(&inbound.topic, Topic::SmsIn { gateway, .. }
                        if self.sms.gateway.as_ref() != Some(gateway)) =>
                {
                    if let Some(report) = self.drops.record("not_for_me", &publish.topic, now) {
                        drops::log(&report);
                    }
                }
                Ok(inbound) => match interpret(inbound.topic, inbound.decoded) {
                    Some(Incoming::Message(m, file)) => {
                        if let Some(file) = file {
                            files.push((m.id, *file));
                        }
                        messages.push(m);
                    }
                    Some(Incoming::Change(c)) => changes.push((c, publish.topic.clone())),
                    Some(other) => others.push(other),
                    None => {}
                },
                // A cleared retained message: nothing to show, nothing wrong.
                Err(Rejection::Empty) => {}
                Err(rejection) => {
                    if let Some(report) = self.drops.record(rejection.reason(), &publish.topic, now)
                    {
                        drops::log(&report);
                    }
                }
            }
        }
        // Changes first: one whose message is in this batch waits for it
        // and is applied as it is stored, so the message shows (and
        // notifies) as changed, whatever the order in the batch. Nothing
        // is acked unless stored.
        if !self.apply_changes(changes) || !self.store_messages(&messages, &files) {
            // Not acked: the broker will deliver these again on the next link.
            return;
        }
        let mut receipts = Vec::new();
        for other in others {
            match other {
                Incoming::Receipt(from, body) => receipts.push((from, body)),
                other => self.apply(other),
            }
        }
        if receipts.is_empty() {
            self.link.acks.committed(batch);
        } else {
            self.receipts_arrived(receipts, batch);
        }
        self.flush_acks();
    }

    /// Counts (and now and then logs) an incoming publish dropped for `reason`.
    pub(super) fn count_drop(&mut self, reason: &'static str, topic: &str) {
        if let Some(report) = self.drops.record(reason, topic, Instant::now()) {
            drops::log(&report);
        }
    }

    /// Hands waiting PUBACKs to rumqttc, in order, as far as its request
    /// queue has room. It takes no requests at all while our own publishes
    /// fill its inflight window, so the queue can be full; an ack that does
    /// not fit waits for the next link event. Dropping it instead would
    /// stall the link: the broker stops sending once its window of unacked
    /// messages is full, and MQTT 3.1.1 only redelivers on a new connection.
    pub(super) fn flush_acks(&mut self) {
        while let Some(publish) = self.link.acks.front() {
            if self.mqtt.try_ack(publish).is_err() {
                return;
            }
            self.link.acks.sent();
        }
    }

    /// Stores messages and queues their `delivered` receipts, in one
    /// transaction.
    fn store_messages(
        &mut self,
        messages: &[StoredMessage],
        files: &[(MessageId, FileBody)],
    ) -> bool {
        if messages.is_empty() {
            return true;
        }
        // A file's `delivered` waits until the file is here whole (the
        // file session says so, `Command::FileArrived`); a duplicate of
        // one already here gets it at once.
        let waiting: std::collections::HashSet<MessageId> = files
            .iter()
            .filter(|(id, file)| {
                let sender = messages.iter().find(|m| m.id == *id).map(|m| &m.sender);
                !sender.is_some_and(|s| self.store.is_downloaded(s, file.id).unwrap_or(false))
            })
            .map(|(id, _)| *id)
            .collect();
        // Duplicates get a receipt too: the first one may have been lost.
        // Texts to or from phones get none: the SMS gateway user answers
        // with `sms_status` (docs/protocol.md, extension 10).
        let mut receipts: BTreeMap<UserId, Vec<MessageId>> = BTreeMap::new();
        for message in messages
            .iter()
            .filter(|m| m.sender != self.me && !matches!(m.conversation, ConversationId::Phone(_)))
            .filter(|m| !waiting.contains(&m.id))
        {
            receipts
                .entry(message.sender.clone())
                .or_default()
                .push(message.id);
        }
        let receipts: Vec<OutboxEntry> = receipts
            .into_iter()
            .flat_map(|(to, ids)| self.receipt_entries(&to, &ids, ReceiptStatus::Delivered))
            .collect();
        let outcomes = match self
            .store
            .store_incoming_batch_and_enqueue(messages, &receipts, files)
        {
            Ok(outcomes) => {
                self.messages_stored();
                outcomes
            }
            Err(e) => {
                tracing::error!("cannot store incoming messages: {e}");
                return false;
            }
        };
        for (message, outcome) in messages.iter().zip(outcomes) {
            if message.sender == self.me {
                continue;
            }
            if let Stored::New { gap, filled, late } = outcome {
                for why in &late.refused {
                    self.count_drop(why, &message.conversation.key());
                }
                // Changes that came first show at once, and a file with
                // what is known of it: the message as the store now has it.
                let with_file = files.iter().any(|(id, _)| *id == message.id);
                let shown = match late.applied || with_file {
                    true => self.store.message(message.id).ok().flatten(),
                    false => None,
                }
                .unwrap_or_else(|| message.clone());
                // Deleted for us before it came: never shown.
                if shown.changes.deleted != Some(crate::model::Deletion::Me) {
                    self.emit(Event::Message { message: shown });
                }
                if let Some(gap) = gap {
                    self.emit(Event::Gap { gap });
                }
                if !filled.is_empty() {
                    self.emit(Event::GapFilled {
                        conversation: message.conversation.clone(),
                        sender: message.sender.clone(),
                        seqs: filled,
                    });
                }
            }
        }
        // After the messages are shown: the file session's first word on
        // a file must not come before its message.
        for (id, file) in files {
            if let Some(m) = messages.iter().find(|m| m.id == *id) {
                self.tell_files(crate::transfer::session::Notice::Announced {
                    sender: m.sender.clone(),
                    id: file.id,
                });
            }
        }
        true
    }

    fn apply(&mut self, incoming: Incoming) {
        let result = match incoming {
            // Stored by `receive_batch` before anything else.
            Incoming::Message(..) | Incoming::Change(_) => Ok(()),
            // Gathered by `receive_batch` to settle together.
            Incoming::Receipt(..) => Ok(()),
            Incoming::Typing(conversation, user, active) => {
                if user != self.me {
                    self.emit(Event::Typing {
                        conversation,
                        user,
                        active,
                    });
                }
                Ok(())
            }
            Incoming::Presence(user, body, ts) => {
                let ts = body.ts.unwrap_or(ts);
                let record = PresenceRecord {
                    user: user.clone(),
                    state: body.state,
                    ts,
                };
                let stored = self.store.set_presence(&record);
                self.emit(Event::Presence {
                    user,
                    state: body.state,
                    ts,
                });
                stored
            }
            Incoming::SmsStatus(body) => self.sms_status(body),
            Incoming::Member(room, user, body, ts) => self.member_announced(room, user, body, ts),
        };
        if let Err(e) = result {
            tracing::error!("cannot store an update: {e}");
        }
    }

    /// Applies an `sms_status`: each of our texts it names takes the status
    /// its delivery says (it may fall from sent to failed: a report).
    fn sms_status(&mut self, body: SmsStatusBody) -> Result<(), crate::store::StoreError> {
        let status = body.delivery.status();
        let changed = self.store.set_sms_delivery(&body.ids, &body.delivery)?;
        for id in changed {
            self.emit(Event::Status { id, status });
            self.emit(Event::SmsDelivery {
                id,
                delivery: body.delivery.clone(),
            });
        }
        Ok(())
    }

    /// Queues a receipt to `to`'s inbox, in chunks the protocol allows.
    pub(super) fn send_receipt(
        &mut self,
        to: &UserId,
        ids: Vec<MessageId>,
        status: ReceiptStatus,
    ) -> Result<(), crate::store::StoreError> {
        for entry in self.receipt_entries(to, &ids, status) {
            self.store.enqueue(&entry)?;
        }
        Ok(())
    }

    /// The publishes of a receipt to `to`'s inbox, in chunks the protocol allows.
    fn receipt_entries(
        &self,
        to: &UserId,
        ids: &[MessageId],
        status: ReceiptStatus,
    ) -> Vec<OutboxEntry> {
        let topic = Topic::Inbox {
            to: to.clone(),
            from: self.me.clone(),
        }
        .render(&self.prefix);
        ids.chunks(1000)
            .map(|chunk| {
                let body = Body::Receipt(ReceiptBody {
                    ids: chunk.to_vec(),
                    status,
                });
                OutboxEntry {
                    topic: topic.clone(),
                    payload: Envelope::new(body, &self.me, crate::clock::now_ms()).encode(),
                    qos: 1,
                    retain: false,
                }
            })
            .collect()
    }
}

/// Maps a validated publish to what it means for us. The sender is always
/// the topic's, never the payload's.
fn interpret(topic: Topic, decoded: Decoded) -> Option<Incoming> {
    let (conversation, sender) = match &topic {
        Topic::Inbox { from, .. } => (Some(ConversationId::Direct(from.clone())), from.clone()),
        Topic::Room { room, from } => (Some(ConversationId::Room(room.clone())), from.clone()),
        Topic::Presence { user } => (None, user.clone()),
        Topic::RoomMeta { from, .. } => (None, from.clone()),
        // The conversation is the phone's, named in the body.
        Topic::SmsOut { from, .. } => (None, from.clone()),
        Topic::SmsIn { gateway, .. } => (None, gateway.clone()),
    };
    match decoded {
        Decoded::Envelope(envelope) => {
            let Envelope {
                id,
                ts,
                seq,
                reply_to,
                body,
                ..
            } = envelope;
            match (body, conversation, topic) {
                (Body::Msg(m), Some(conversation), _) => Some(Incoming::Message(
                    StoredMessage {
                        id,
                        conversation,
                        sender,
                        ts,
                        seq,
                        text: m.text,
                        reply_to,
                        outgoing: false,
                        status: MessageStatus::Received,
                        unsupported: false,
                        changes: Default::default(),
                        file: None,
                    },
                    m.file,
                )),
                (Body::Receipt(r), Some(ConversationId::Direct(_)), _) => {
                    Some(Incoming::Receipt(sender, r))
                }
                (Body::Typing(t), Some(conversation), _) => {
                    Some(Incoming::Typing(conversation, sender, t.active))
                }
                (Body::Presence(p), None, _) => Some(Incoming::Presence(sender, p, ts)),
                (Body::RoomMeta(m), None, Topic::RoomMeta { room, .. }) => {
                    Some(Incoming::Member(room, sender, m, ts))
                }
                (Body::Sms(m), None, topic @ (Topic::SmsOut { .. } | Topic::SmsIn { .. })) => {
                    // To the gateway: a user asks to text the phone. From
                    // it: the phone wrote, so the phone is the sender.
                    let sender = match topic {
                        Topic::SmsIn { .. } => {
                            UserId::new(m.phone.as_str().trim_start_matches('+')).ok()?
                        }
                        _ => sender,
                    };
                    Some(Incoming::Message(
                        StoredMessage {
                            id,
                            conversation: ConversationId::Phone(m.phone),
                            sender,
                            ts,
                            seq: None,
                            text: m.text,
                            reply_to,
                            outgoing: false,
                            status: MessageStatus::Received,
                            unsupported: false,
                            changes: Default::default(),
                            file: None,
                        },
                        None,
                    ))
                }
                (Body::SmsStatus(b), None, Topic::SmsIn { .. }) => Some(Incoming::SmsStatus(b)),
                (body @ (Body::Edit(_) | Body::Delete(_) | Body::Reaction(_)), Some(c), _) => {
                    super::changing::incoming_change(id, ts, c, sender, body).map(Incoming::Change)
                }
                _ => None,
            }
        }
        Decoded::Unsupported {
            id: Some(id), raw, ..
        } => conversation.map(|conversation| {
            Incoming::Message(
                StoredMessage {
                    id,
                    conversation,
                    sender,
                    ts: crate::clock::now_ms(),
                    seq: None,
                    text: raw,
                    reply_to: None,
                    outgoing: false,
                    status: MessageStatus::Received,
                    unsupported: true,
                    changes: Default::default(),
                    file: None,
                },
                None,
            )
        }),
        Decoded::Unsupported { id: None, .. } => None,
        // The member cleared their retained meta: they left the room.
        Decoded::MetaCleared => match topic {
            Topic::RoomMeta { room, .. } => Some(Incoming::Member(
                room,
                sender,
                RoomMetaBody {
                    joined: false,
                    name: None,
                    topic: None,
                },
                crate::clock::now_ms(),
            )),
            _ => None,
        },
        Decoded::UnknownKind { kind, .. } => {
            tracing::debug!(kind, "ignoring an envelope of an unknown kind");
            None
        }
    }
}
