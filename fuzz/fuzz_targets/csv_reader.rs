//! Arbitrary bytes as a labelled CSV: errors are fine, panics are not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use stancekit::input::{parse_labelled, Columns};

fuzz_target!(|data: &[u8]| {
    let columns =
        Columns { text: "text".into(), label: "label".into(), group: Some("doc".into()), ..Columns::default() };
    let _ = parse_labelled(data, std::path::Path::new("fuzz.csv"), &columns);
    let plain = Columns { text: "text".into(), label: "label".into(), ..Columns::default() };
    let _ = parse_labelled(data, std::path::Path::new("fuzz.csv"), &plain);
});
