//! The removal of unfinished output files that the CLI's signal handler does, in a test
//! process of its own: it removes the temporary file of every write under way in the
//! process, so beside other tests' writes it would remove theirs.

/// What the CLI's signal handler does while a file is being written: the temporary
/// file goes, the target stays as it was (here: not there), and the write then
/// failing leaves nothing behind either.
#[cfg(target_os = "linux")]
#[test]
fn remove_unfinished_removes_the_temporary_file_of_a_write_under_way() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let result = stancekit::output::write_atomically(&d.join("m.json"), |w| {
        w.write_all(b"part of a model")?;
        w.flush()?;
        let names = || std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name()).collect::<Vec<_>>();
        assert_eq!(names().len(), 1, "the temporary file, being written");
        stancekit::output::remove_unfinished();
        assert!(names().is_empty(), "removed: {:?}", names());
        Err(std::io::Error::other("interrupted"))
    });
    assert!(result.is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // A write after it registers and finishes as ever.
    stancekit::output::write_atomically(&dir.path().join("m.json"), |w| w.write_all(b"{}")).unwrap();
    stancekit::output::remove_unfinished();
    assert_eq!(std::fs::read(dir.path().join("m.json")).unwrap(), b"{}");
}
