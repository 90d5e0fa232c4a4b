//! Customs: the messages owf sends and receives (XML, signed), the transport envelope, and the
//! customs sandbox that answers them.

pub mod envelope;
#[cfg(test)]
mod fuzz;
pub mod keys;
pub mod message;
pub mod order;
#[cfg(test)]
mod samples;
pub mod sandbox;
pub mod sign;
pub mod xml;
