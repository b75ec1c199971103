//! Standard tables: what they are ([`spec`]) and the identities that hold in
//! them ([`identity`]).

pub mod identity;
pub mod spec;
