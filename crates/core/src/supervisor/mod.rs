//! Connection supervision, I/O free: backoff, dead-link detection and the
//! state machine deciding when to (re)connect. The engine feeds it what
//! happened on the wire and acts on its answers.

mod backoff;
mod liveness;
mod state;

pub use backoff::Backoff;
pub use liveness::Liveness;
pub use state::{Failure, Supervisor};
