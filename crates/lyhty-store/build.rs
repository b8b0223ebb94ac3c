//! `sqlx::migrate!` embeds the migration folders when the store compiles, and Cargo does not
//! otherwise notice a new file in them: this makes a new or changed migration rebuild the
//! store, so a running binary always carries every migration.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
