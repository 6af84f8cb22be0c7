//! The CLI's signal handler during a write, in a test process of its own: it removes the
//! temporary file of every write under way in the process, so beside other tests' writes
//! it would remove theirs.

/// What the CLI's signal handler does while a file is being written: the file being
/// written has no name yet (an unnamed file, Linux's `O_TMPFILE`), so there is nothing
/// to remove and nothing stays; the target stays as it was (here: not there), and a
/// write after it finishes as ever. The named temporary file of filesystems without
/// unnamed files is removed by it (`output.rs`'s unit tests).
#[cfg(target_os = "linux")]
#[test]
fn a_signal_during_a_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let result = stancekit::output::write_atomically(&d.join("m.json"), |w| {
        w.write_all(b"part of a model")?;
        w.flush()?;
        let names = || std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name()).collect::<Vec<_>>();
        assert!(names().is_empty(), "no name while it is written: {:?}", names());
        stancekit::output::remove_unfinished();
        assert!(names().is_empty(), "{:?}", names());
        Err(std::io::Error::other("interrupted"))
    });
    assert!(result.is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    stancekit::output::write_atomically(&dir.path().join("m.json"), |w| w.write_all(b"{}")).unwrap();
    stancekit::output::remove_unfinished();
    assert_eq!(std::fs::read(dir.path().join("m.json")).unwrap(), b"{}");
}
