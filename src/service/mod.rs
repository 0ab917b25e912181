//! The use cases: each asks `access` whether the caller may act, runs the
//! read-modify-write in one transaction, calls `domain` for the rules and `store` for
//! the rows. The only layer that opens transactions; handlers call one function here.

pub mod plans;
