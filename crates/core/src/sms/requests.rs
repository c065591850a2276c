//! What a link is asked between turns: commands (sends, cancels, queries,
//! shutdown) and the answers they wait for.

use std::collections::HashMap;
use std::time::Duration;

use tether_cmpp::pdu::Query;
use tether_cmpp::session::Session;
use tokio::time::Instant;

use super::committer::Pipeline;
use super::engine::{Engine, INCOMPLETE_AFTER};
use super::{GatewayCounters, Reply, SmsCommand};
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::protocol::MessageId;
use crate::store::StoreError;

/// How long a clean shutdown waits for the gateway's TERMINATE_RESP.
pub(super) const TERMINATE_WAIT: Duration = Duration::from_secs(2);
/// How often long incoming SMS missing parts are looked at.
pub(super) const EXPIRE_EVERY: Duration = Duration::from_secs(60);

/// What one link waits for: query and cancel answers, the end.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) next_token: u64,
    pub(super) queries: HashMap<u64, Reply<GatewayCounters>>,
    /// A CANCEL's token to its message's group and part.
    pub(super) cancels: HashMap<u64, (u64, i64)>,
    /// Per cancelled message: the reply, parts still unanswered, all ok.
    pub(super) cancel_groups: HashMap<u64, (Reply<bool>, usize, bool)>,
    pub(super) connected: bool,
    /// Short mode: our TERMINATE is out.
    pub(super) terminating: bool,
    /// A clean shutdown waits until then for TERMINATE_RESP.
    pub(super) stop_by: Option<Instant>,
}

impl Pending {
    pub(super) fn token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    pub(super) fn is_empty(&self) -> bool {
        self.queries.is_empty() && self.cancels.is_empty()
    }

    /// The link is gone: nobody will answer.
    pub(super) fn fail_all(&mut self, why: &str) {
        let error = || ClientError::GatewayUnavailable(format!("{why}; try again"));
        for (_, reply) in self.queries.drain() {
            let _ = reply.send(Err(error()));
        }
        self.cancels.clear();
        for (_, (reply, _, _)) in self.cancel_groups.drain() {
            let _ = reply.send(Err(error()));
        }
    }
}

/// What a cancel did here, before asking the gateway.
pub(super) struct CancelledHere {
    /// The parts the gateway holds (scheduled), by part and Msg_Id.
    pub held: Vec<(i64, u64)>,
    /// A part was written and is unanswered: it may go whatever we do.
    pub on_its_way: bool,
    /// Something queued here was stopped.
    pub stopped: bool,
}

impl Engine {
    pub(super) fn link_command(
        &mut self,
        command: SmsCommand,
        session: &mut Session,
        pending: &mut Pending,
        pipe: &mut Pipeline,
    ) {
        let now = std::time::Instant::now();
        match command {
            SmsCommand::Cancel { id, reply } if pipe.committing.is_some() => {
                // The commit in flight may be reserving this message's
                // parts: cancel once they are known.
                pipe.deferred.push(SmsCommand::Cancel { id, reply });
            }
            SmsCommand::Cancel { id, reply } if pending.connected => {
                // Parts still queued (or reserved and not written) are
                // cancelled here; a part written and not answered may go
                // whatever we do.
                let reserved = pipe.unreserve(id);
                let CancelledHere {
                    held: parts,
                    on_its_way: written,
                    stopped: stopped_here,
                } = match self.cancel_here(id, &reserved) {
                    Ok(found) => found,
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                        return;
                    }
                };
                if parts.is_empty() {
                    // Nothing at the gateway: cancelled if something was
                    // stopped here and nothing is on its way.
                    let _ = reply.send(Ok(stopped_here && !written));
                    return;
                }
                let group = pending.token();
                let mut asked = 0;
                for &(part_id, msg_id) in &parts {
                    let token = pending.token();
                    if session.cancel(token, msg_id, now).is_ok() {
                        pending.cancels.insert(token, (group, part_id));
                        asked += 1;
                    }
                }
                // Every part the gateway holds must agree for a "yes".
                let all_asked = asked == parts.len() && !written;
                pending
                    .cancel_groups
                    .insert(group, (reply, asked, all_asked));
                self.cancelled(pending, 0, true);
            }
            SmsCommand::Query {
                day,
                service,
                reply,
            } if pending.connected => {
                let token = pending.token();
                let query = Query {
                    time: day.into_bytes(),
                    query_type: u8::from(!service.is_empty()),
                    query_code: service.into_bytes(),
                };
                match session.query(token, query, now) {
                    Ok(_) => {
                        pending.queries.insert(token, reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(ClientError::GatewayUnavailable(e.to_string())));
                    }
                }
            }
            SmsCommand::Shutdown { done } => {
                self.stopping = Some(done);
                pending.stop_by = Some(Instant::now() + TERMINATE_WAIT);
                session.terminate(now);
            }
            SmsCommand::Send(first) => {
                // Queued with the link's next commit, on the store's thread.
                let (burst, next) = self.gather_burst(first);
                pipe.burst.append(burst);
                if let Some(next) = next {
                    self.link_command(next, session, pending, pipe);
                }
            }
            other => {
                // Retry and the rest are the same with or without a link
                // (the parts go at the next turn).
                let _ = self.offline_command(other);
            }
        }
    }

    /// Cancels what of a message is still here (queued, or `reserved`
    /// and never written).
    pub(super) fn cancel_here(
        &mut self,
        id: MessageId,
        reserved: &[i64],
    ) -> Result<CancelledHere, StoreError> {
        self.store.sms_unreserve(reserved)?;
        let (updates, on_its_way) = self.store.sms_cancel_unsent(id)?;
        self.tell(&updates);
        Ok(CancelledHere {
            held: self.store.sms_scheduled_ids(id)?,
            on_its_way,
            stopped: !updates.is_empty(),
        })
    }

    /// A CANCEL's answer (`token` 0: none, just settle empty groups).
    pub(super) fn cancelled(&mut self, pending: &mut Pending, token: u64, ok: bool) {
        if let Some((group, part_id)) = pending.cancels.remove(&token) {
            if ok {
                match self.store.sms_part_failed(part_id, "CANCELED") {
                    Ok(updates) => self.tell(&updates),
                    Err(e) => tracing::error!("cannot mark a cancelled SMS: {e}"),
                }
            }
            if let Some((_, waiting, all_ok)) = pending.cancel_groups.get_mut(&group) {
                *waiting = waiting.saturating_sub(1);
                *all_ok &= ok;
            }
        }
        let done: Vec<u64> = pending
            .cancel_groups
            .iter()
            .filter(|(_, (_, waiting, _))| *waiting == 0)
            .map(|(&g, _)| g)
            .collect();
        for group in done {
            if let Some((reply, _, all_ok)) = pending.cancel_groups.remove(&group) {
                let _ = reply.send(Ok(all_ok));
            }
        }
    }

    pub(super) fn expire_incomplete(&mut self) {
        let before = now_ms() - i64::try_from(INCOMPLETE_AFTER.as_millis()).unwrap_or(i64::MAX);
        match self.store.sms_expire_incomplete(before) {
            Ok(messages) => {
                for message in messages {
                    let _ = self.events.send(Event::Message { message });
                }
            }
            Err(e) => tracing::error!("cannot show incomplete SMS: {e}"),
        }
    }
}
