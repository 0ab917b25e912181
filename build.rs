//! Rebuilds when a migration is added or changed: `embed_migrations!` reads the
//! migrations directory at compile time and cargo would not notice otherwise.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
