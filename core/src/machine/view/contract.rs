//! The contract between the view and the page: every type the page reads, as TypeScript, in
//! `ui/types/view.d.ts`. `scripts/test` type-checks the page against that file (`tsc`), and
//! this test keeps the file the view's: it fails when the two differ, and writes the file
//! anew when run with `PASSERELLE_WRITE_TYPES=1`.

use ts_rs::{Config, TS};

use super::models::*;
use crate::machine::error::ErrorAnswer;
use crate::machine::message::Message;
use crate::settings::{Invalid, Key, Layer};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/types/view.d.ts");

fn declarations() -> String {
    // JSON numbers, not bigints: no value the view sends is past 2^53.
    let cfg = Config::new().with_large_int("number");
    let types = [
        View::decl(&cfg),
        Screen::decl(&cfg),
        Action::decl(&cfg),
        UpdateView::decl(&cfg),
        SetupView::decl(&cfg),
        InUse::decl(&cfg),
        ErrorView::decl(&cfg),
        CodeView::decl(&cfg),
        Status::decl(&cfg),
        ProfileView::decl(&cfg),
        ErrorAnswer::decl(&cfg),
        Message::decl(&cfg),
        Key::decl(&cfg),
        Layer::decl(&cfg),
        Invalid::decl(&cfg),
    ];
    let mut text = String::from(
        "// The view the backend sends the page, and a command's error: generated from the Rust\n\
         // types by core/src/machine/view/contract.rs. Do not edit; see that file.\n",
    );
    for declaration in types {
        text.push_str("\nexport ");
        text.push_str(&declaration);
        text.push('\n');
    }
    text
}

#[test]
fn the_page_reads_the_view_s_own_types() {
    let text = declarations();
    if std::env::var_os("PASSERELLE_WRITE_TYPES").is_some() {
        std::fs::write(FILE, &text).unwrap();
    }
    let written = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(
        written.replace("\r\n", "\n") == text,
        "ui/types/view.d.ts is not the view's: PASSERELLE_WRITE_TYPES=1 cargo test -p passerelle-core --lib contract"
    );
}
