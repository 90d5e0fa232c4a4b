//! Customs: the messages owf sends (and the customs sandbox that answers them).

pub mod message;
