//! Files written whole or not at all: a file without a name in the target's directory
//! (Linux's `O_TMPFILE`; elsewhere a hidden temporary file beside the target), filled,
//! synced to disk, then named and renamed over the target, so a crash or a kill at any
//! moment leaves either the old file or the new one, never half of one.
//!
//! What the rename would replace is looked at first: a symbolic link is followed (the
//! file it points to is replaced and the link stays), a character device or a pipe
//! (`/dev/null`, `/dev/stdout`, a FIFO) is written to directly, as a shell's `>` would,
//! since renaming over it would put a regular file in its place; a directory, a block
//! device or a socket is refused.

use std::fs::{self, File, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::signal_paths::SignalPaths;

/// How many symbolic links a dangling chain may have: Linux's own limit (`ELOOP`
/// after 40 links, path_resolution(7)).
const MAX_LINKS: usize = 40;

/// What writing to a path will do.
enum Target {
    /// Write a temporary file beside this path and rename it over this path.
    Replace(PathBuf),
    /// Open the path and write to it in place: a character device or a pipe.
    Stream,
}

/// Writes `path` atomically with what `fill` writes. The new file gets the usual
/// permissions of a created file (0666 less the umask on Unix), not a temporary file's
/// private 0600, so models and reports stay readable by the people they are for.
/// A symbolic link is followed: the file it points to is replaced, the link kept. A
/// character device or a FIFO is written to directly, without a temporary file (a
/// FIFO waits for a reader, as with a shell's `>`).
///
/// # Errors
/// Any I/O error: the directory is missing or not writable, the path is a directory, a
/// block device or a socket, the disk is full, or `fill` failed. The target is then
/// untouched. Messages name no temporary file: only the target is the user's.
pub fn write_atomically(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    match target(path)? {
        Target::Stream => write_in_place(path, fill),
        Target::Replace(path) => replace(&path, fill).map_err(without_temporary_path),
    }
}

/// Checks, without writing anything, that [`write_atomically`] can put a file at
/// `path`: its directory exists, and the path is not a directory, a block device or a
/// socket; a character device takes a write (see [`check_device`]). Lets a long run
/// (training) fail at its start rather than at its end. A FIFO is not checked: opening
/// it would wait for a reader, and closing it would end that reader's input.
///
/// # Errors
/// The reason `write_atomically` would fail, as an I/O error.
pub fn check_target(path: &Path) -> io::Result<()> {
    let path = match target(path)? {
        Target::Stream => return check_device(path),
        Target::Replace(path) => path,
    };
    let dir = directory_of(&path);
    let metadata = fs::metadata(dir)?;
    if !metadata.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotADirectory, format!("{} is not a directory", dir.display())));
    }
    // A directory that takes no new file (read-only, another user's, a read-only file
    // system) is found now by making the temporary file the write would make, and
    // dropping it; it used to be found at the write, after the training. Without a
    // name where it can be: a signal in the moment the named one lived left it behind.
    #[cfg(target_os = "linux")]
    if unnamed_file_in(dir, 0o600).is_some() {
        return Ok(());
    }
    let probe = tempfile::Builder::new()
        .prefix(".stancekit-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(without_temporary_path)?;
    let _unfinished = UNFINISHED.register(probe.path(), 0, 0);
    drop(probe);
    Ok(())
}

/// A character device is opened to write, without waiting, and given a write of no
/// bytes, which a device that takes nothing refuses (`/dev/full`: "No space left on
/// device"), as does one this user may not write; `train --out /dev/full` said so only
/// after the training. Nothing reaches the device, and a FIFO is left alone.
fn check_device(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if !fs::metadata(path)?.file_type().is_char_device() {
            return Ok(());
        }
        let mut options = fs::OpenOptions::new();
        options.write(true);
        // A serial line's open waits for its carrier; the check must not.
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        // `write`, not `write_all`: only `write` makes the call for an empty buffer, which
        // writes nothing however it ends.
        let _nothing_written = options.open(path)?.write(&[])?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Whether `a` and `b` are the same regular file, whatever the names (symbolic or hard
/// links, `..`). Devices and pipes are not files that writing one would destroy, so
/// they never count (`--data /dev/stdin --out /dev/stdout` on one terminal is fine).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) if x.is_file() && y.is_file() => same_inode(&x, &y, a, b),
        _ => false,
    }
}

/// Whether `a` and `b` are one pipe, a FIFO (named pipe) or standard input (`-`, also as
/// `/dev/stdin`) when it is one, under one name or two. A pipe can be read only once: its
/// second reader found it empty, or, as a FIFO opened again after its writer had gone,
/// waited forever (`eval --data f.fifo --test-data f.fifo` hung), and writing a model to
/// the FIFO its data came from waited forever for a reader.
pub fn same_pipe(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let pipe = |path: &Path| crate::input::input_metadata(path).ok().filter(|m| m.file_type().is_fifo());
        if let (Some(x), Some(y)) = (pipe(a), pipe(b)) {
            return same_inode(&x, &y, a, b);
        }
    }
    let _ = (a, b);
    false
}

/// The regular file standard output writes to, if it is one (`> out.txt`, `>> out.txt`),
/// for [`is_standard_output`].
pub fn standard_output_file() -> Option<Metadata> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let metadata = File::from(io::stdout().as_fd().try_clone_to_owned().ok()?).metadata().ok()?;
        metadata.is_file().then_some(metadata)
    }
    #[cfg(not(unix))]
    None
}

/// Whether the input `path` (`-`: standard input) is `stdout`, the file standard output
/// writes to ([`standard_output_file`]): `predict in.csv >> in.csv` read back the rows it
/// wrote as input rows, without end (744 MB in 10 s from a 1.3 MB file), and `predict
/// dir/ > dir/out.txt` labelled its own output as an article of the directory.
pub fn is_standard_output(stdout: &Metadata, path: &Path) -> bool {
    #[cfg(unix)]
    {
        crate::input::input_metadata(path).is_ok_and(|input| input.is_file() && same_inode(stdout, &input, path, path))
    }
    // No file identity to compare by ([`standard_output_file`] is `None` here).
    #[cfg(not(unix))]
    {
        let _ = (stdout, path);
        false
    }
}

#[cfg(unix)]
fn same_inode(x: &Metadata, y: &Metadata, _: &Path, _: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    (x.dev(), x.ino()) == (y.dev(), y.ino())
}

#[cfg(not(unix))]
fn same_inode(_: &Metadata, _: &Metadata, a: &Path, b: &Path) -> bool {
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// Decides how `path` is written, following symbolic links.
fn target(path: &Path) -> io::Result<Target> {
    // `--out models/` names a directory. When there is none, the temporary file went into
    // the directory above and its rename onto `models/` failed with only "Not a directory
    // (os error 20)", after the training that the early check was there to spare.
    if names_a_directory(path) && fs::metadata(path).is_err_and(|error| error.kind() == io::ErrorKind::NotFound) {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "no such directory (a path ending in '/' names a directory, not the file to write: give the file's \
             own path, in a directory that exists)",
        ));
    }
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => {
            refuse_write_protected(path, &metadata)?;
            let is_link = fs::symlink_metadata(path)?.file_type().is_symlink();
            Ok(Target::Replace(if is_link { fs::canonicalize(path)? } else { path.to_path_buf() }))
        }
        Ok(metadata) if metadata.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "is a directory")),
        Ok(metadata) => match special_kind(&metadata) {
            None => Ok(Target::Stream),
            Some(kind) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("is a {kind} (stancekit writes only files, character devices and pipes)"),
            )),
        },
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let target = dangling_link_target(path);
            // A link to `newdir/`, likewise: the rename onto it failed after the work.
            if names_a_directory(&target) {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "is a symbolic link to {}, a directory that does not exist (link it to the file to write)",
                        target.display()
                    ),
                ));
            }
            Ok(Target::Replace(target))
        }
        Err(error) => Err(error),
    }
}

/// Refuses to replace a file that is write-protected: without a write permission bit
/// (`chmod a-w`, made so to keep it), or that this user may not write (another user's,
/// in a directory this one may write). The rename replaced either, where a shell's `>`
/// fails; and root may write any file, so the bits are what say it is protected.
fn refuse_write_protected(path: &Path, metadata: &Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        let not_ours = || {
            fs::OpenOptions::new().write(true).open(path).is_err_and(|e| e.kind() == io::ErrorKind::PermissionDenied)
        };
        if mode & 0o222 == 0 || not_ours() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "is write-protected (mode {mode:o}{}), so it is not replaced (make it writable, e.g. chmod u+w, \
                     or choose another output path)",
                    if mode & 0o222 == 0 { "" } else { ", not writable by this user" }
                ),
            ));
        }
    }
    #[cfg(not(unix))]
    if metadata.permissions().readonly() {
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, format!("{} is read-only", path.display())));
    }
    Ok(())
}

/// Whether `path` ends in a separator (`models/`), which names a directory.
fn names_a_directory(path: &Path) -> bool {
    path.as_os_str().to_string_lossy().chars().last().is_some_and(std::path::is_separator)
}

/// `None` for a character device or a FIFO (written in place), else what the file is.
fn special_kind(metadata: &Metadata) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_char_device() || kind.is_fifo() {
            return None;
        }
        if kind.is_block_device() {
            return Some("block device");
        }
        if kind.is_socket() {
            return Some("socket");
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    Some("special file")
}

/// The path a missing `path` would be created at: itself, or where its chain of
/// (dangling) symbolic links ends, so that the link survives the rename.
fn dangling_link_target(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let Ok(link) = fs::read_link(&path) else { break };
        // A relative link is relative to the directory holding it.
        path = path.parent().map_or_else(|| link.clone(), |dir| dir.join(&link));
    }
    path
}

/// The directory a temporary file for `path` goes in (`.` for a bare file name).
fn directory_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn replace(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    // A file replaced keeps its permissions, as a shell's `>` keeps them: a model made
    // private (0600) came back readable by everyone (0644) when trained again.
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).ok().filter(Metadata::is_file).map_or(0o666, |m| m.permissions().mode() & 0o777)
    };
    #[cfg(not(unix))]
    let mode = 0;
    #[cfg(target_os = "linux")]
    if let Some(file) = unnamed_file_in(directory_of(path), mode) {
        return replace_through_unnamed(file, path, mode, fill);
    }
    replace_through_named(path, mode, &UNFINISHED, fill)
}

/// Fills a hidden temporary file beside `path`, syncs it and renames it over `path`.
/// Where files cannot be made without a name; a kill that no handler catches (SIGKILL)
/// leaves the hidden file behind.
fn replace_through_named(
    path: &Path,
    mode: u32,
    unfinished: &'static SignalPaths,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".stancekit-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let file = builder.tempfile_in(directory_of(path))?;
    // Taken out of the table when dropped: written and renamed, or removed by `tempfile` on an error.
    let _unfinished = unfinished.register(file.path(), 0, 0);
    let mut writer = BufWriter::new(file);
    fill(&mut writer)?;
    let file = writer.into_inner().map_err(io::IntoInnerError::into_error)?;
    File::sync_all(file.as_file())?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A file without a name in `dir` (Linux's `O_TMPFILE`), or `None` where the filesystem,
/// the kernel or a missing `/proc` (which names it for the link) does not allow one; the
/// named temporary file then serves, and says any error. A file without a name vanishes
/// with the process however it ends: a SIGKILL during a write (the out-of-memory killer
/// ending a large `train --out`), which no handler can catch, left a hidden
/// `.stancekit-*.tmp` of part of the file for good.
#[cfg(target_os = "linux")]
fn unnamed_file_in(dir: &Path, mode: u32) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    if !Path::new("/proc/self/fd").is_dir() {
        return None;
    }
    fs::OpenOptions::new().read(true).write(true).mode(mode).custom_flags(libc::O_TMPFILE).open(dir).ok()
}

/// Fills an unnamed `file`, syncs it, links it into its directory under a fresh hidden
/// name and renames that over `path`: only a whole file ever has a name. Where the link
/// is refused (a security module's rule), the bytes are copied to a named file instead.
#[cfg(target_os = "linux")]
fn replace_through_unnamed(
    file: File,
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::AsRawFd;
    let mut writer = BufWriter::new(file);
    fill(&mut writer)?;
    let file = writer.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()?;
    let fd = std::ffi::CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).map_err(io::Error::other)?;
    let linked = tempfile::Builder::new().prefix(".stancekit-").suffix(".tmp").make_in(directory_of(path), |name| {
        let name = std::ffi::CString::new(name.as_os_str().as_bytes()).map_err(io::Error::other)?;
        // SAFETY: both are NUL-terminated strings that outlive the call.
        let linked = unsafe {
            libc::linkat(libc::AT_FDCWD, fd.as_ptr(), libc::AT_FDCWD, name.as_ptr(), libc::AT_SYMLINK_FOLLOW)
        };
        if linked == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    });
    match linked {
        Ok(linked) => {
            // Named, and whole, until the rename: a signal now removes the name.
            let _unfinished = UNFINISHED.register(linked.path(), 0, 0);
            linked.persist(path).map_err(|e| e.error)?;
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(error),
        Err(_) => copy_to_named(file, path, mode),
    }
}

/// Writes what an unnamed `file` holds to `path` through a named temporary file: for
/// where linking the unnamed file is refused.
#[cfg(target_os = "linux")]
fn copy_to_named(mut file: File, path: &Path, mode: u32) -> io::Result<()> {
    use std::io::Seek;
    file.rewind()?;
    replace_through_named(path, mode, &UNFINISHED, |out| io::copy(&mut file, out).map(drop))
}

/// The temporary files being written: what a signal handler may remove
/// ([`remove_unfinished`]). A kill while a model was being written (Ctrl-C during
/// `train --out`) left a hidden `.stancekit-Ab12Cd.tmp` of part of the model beside it,
/// which nothing ever removed. A file written while the table is full goes unregistered.
static UNFINISHED: SignalPaths = SignalPaths::new();

/// Removes the temporary files of the writes under way, leaving each target as it was
/// (the old file, or none). For a signal handler (the CLI's, on SIGINT, SIGTERM and
/// SIGHUP), so it calls only `unlink`, which is async-signal-safe, and frees nothing:
/// the process is ending.
pub fn remove_unfinished() {
    remove_registered(&UNFINISHED);
}

/// Unlinks every path of `table` (see [`remove_unfinished`]).
fn remove_registered(table: &SignalPaths) {
    #[cfg(target_os = "linux")]
    table.take_each(|path| {
        // SAFETY: `path` is a NUL-terminated string that stays allocated (taken out of
        // the table, it is never freed).
        unsafe { libc::unlink(path) };
    });
    #[cfg(not(target_os = "linux"))]
    let _ = table;
}

/// Writes a character device or a pipe in place (no sync: they take none).
fn write_in_place(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut writer = BufWriter::new(fs::OpenOptions::new().write(true).open(path)?);
    fill(&mut writer)?;
    writer.flush()
}

/// tempfile ends its messages with ` at path "dir/.stancekit-Ab12Cd.tmp"`: a name the
/// user never chose and that no longer exists; the caller names the target instead.
fn without_temporary_path(error: io::Error) -> io::Error {
    let message = error.to_string();
    match message.split_once(" at path \"") {
        Some((reason, _)) => io::Error::new(error.kind(), reason.to_string()),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_keeps_old_file_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomically(&path, |w| w.write_all(b"first")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let failed = write_atomically(&path, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"first", "a failed write must leave the old file");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left behind");
    }

    /// While a file is written its directory shows no new name, so a SIGKILL mid-write
    /// (which no handler catches) leaves nothing; the old named temporary file was there
    /// from the first byte. Both targets: a new file and one replaced.
    #[cfg(target_os = "linux")]
    #[test]
    fn nothing_is_named_in_the_directory_until_the_file_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let names = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into())
                .collect();
            names.sort();
            names
        };
        let path = dir.path().join("model.json");
        for (before, contents) in [(vec![], "first"), (vec!["model.json".to_string()], "second")] {
            write_atomically(&path, |w| {
                w.write_all(contents.as_bytes())?;
                assert_eq!(names(), before, "mid-write");
                Ok(())
            })
            .unwrap();
            assert_eq!(names(), ["model.json"]);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), contents);
        }
    }

    /// Where no unnamed file can be made, the named temporary file does the same work:
    /// whole or not at all, the mode kept, nothing left behind.
    #[cfg(unix)]
    #[test]
    fn the_named_temporary_file_replaces_whole_and_leaves_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        static TABLE: SignalPaths = SignalPaths::new();
        replace_through_named(&path, 0o640, &TABLE, |w| w.write_all(b"first")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640 & !umask());
        let failed = replace_through_named(&path, 0o640, &TABLE, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left behind");
    }

    /// What the CLI's signal handler does while a named temporary file is written
    /// ([`remove_unfinished`] on the table it registered in): the file goes, the target
    /// stays as it was, and the write then failing leaves nothing behind either.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_signal_handlers_removal_takes_the_named_temporary_file() {
        static TABLE: SignalPaths = SignalPaths::new();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        std::fs::write(d.join("m.json"), b"old").unwrap();
        let names = || std::fs::read_dir(&d).unwrap().count();
        let result = replace_through_named(&d.join("m.json"), 0o644, &TABLE, |w| {
            w.write_all(b"part of a model")?;
            w.flush()?;
            assert_eq!(names(), 2, "the target and the temporary file, being written");
            remove_registered(&TABLE);
            assert_eq!(names(), 1, "the temporary file removed");
            Err(io::Error::other("interrupted"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read(d.join("m.json")).unwrap(), b"old");
        assert_eq!(names(), 1);
    }

    /// Where linking an unnamed file is refused, its bytes reach the target through a
    /// named temporary file, which then is gone.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unnamed_file_that_cannot_be_linked_is_copied_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = unnamed_file_in(dir.path(), 0o644).expect("this filesystem makes unnamed files");
        file.write_all(b"the whole model").unwrap();
        copy_to_named(file, &dir.path().join("m.json"), 0o644).unwrap();
        assert_eq!(std::fs::read(dir.path().join("m.json")).unwrap(), b"the whole model");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// The process's file-creation mask, as the mode bits a new file loses.
    #[cfg(unix)]
    fn umask() -> u32 {
        let file = tempfile::tempdir().unwrap();
        let probe = file.path().join("probe");
        std::fs::File::create(&probe).unwrap();
        use std::os::unix::fs::PermissionsExt;
        0o666 & !(std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777)
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others_as_umask_allows() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.json");
        write_atomically(&path, |w| w.write_all(b"{}")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // Not a temporary file's 0600: the group/other read bits survive a usual umask.
        assert_ne!(mode, 0o600, "mode {mode:o}");
        assert_eq!(mode & 0o600, 0o600, "mode {mode:o}");
    }

    #[cfg(unix)]
    #[test]
    fn follows_symbolic_links_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("models")).unwrap();
        std::fs::write(d.join("models/v1.json"), b"old").unwrap();
        std::os::unix::fs::symlink("models/v1.json", d.join("current.json")).unwrap();
        write_atomically(&d.join("current.json"), |w| w.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(d.join("current.json")).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(d.join("models/v1.json")).unwrap(), b"new");
        // A dangling link (to a link) creates the file at the end of the chain.
        std::os::unix::fs::symlink("v2.json", d.join("models/next.json")).unwrap();
        std::os::unix::fs::symlink("models/next.json", d.join("next.json")).unwrap();
        write_atomically(&d.join("next.json"), |w| w.write_all(b"v2")).unwrap();
        assert!(std::fs::symlink_metadata(d.join("next.json")).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(d.join("models/v2.json")).unwrap(), b"v2");
    }

    #[cfg(unix)]
    #[test]
    fn writes_a_fifo_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        // Opened read-write, the FIFO opens without a reader and keeps the reader waiting
        // only until this handle is dropped, even if nothing is written through it.
        let keep_open = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
        let mut pipe = File::open(&fifo).unwrap();
        let reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            io::Read::read_to_end(&mut pipe, &mut bytes).unwrap();
            bytes
        });
        write_atomically(&fifo, |w| w.write_all(b"through the pipe")).unwrap();
        drop(keep_open);
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");
    }

    #[test]
    fn refuses_a_directory_and_names_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_atomically(dir.path(), |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(error.to_string(), "is a directory");
        assert_eq!(check_target(dir.path()).unwrap_err().to_string(), "is a directory");
        let missing = dir.path().join("no/such/dir/out.json");
        let error = write_atomically(&missing, |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(!error.to_string().contains(".tmp"), "{error}");
        assert_eq!(check_target(&missing).unwrap_err().kind(), io::ErrorKind::NotFound);
        assert!(check_target(&dir.path().join("new.json")).is_ok());
    }

    #[test]
    fn same_file_sees_through_names() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("data.csv"), b"text,label\n").unwrap();
        std::fs::create_dir(d.join("sub")).unwrap();
        assert!(same_file(&d.join("data.csv"), &d.join("sub/../data.csv")));
        std::fs::hard_link(d.join("data.csv"), d.join("hard.csv")).unwrap();
        assert!(same_file(&d.join("data.csv"), &d.join("hard.csv")));
        std::fs::write(d.join("other.csv"), b"text,label\n").unwrap();
        assert!(!same_file(&d.join("data.csv"), &d.join("other.csv")), "same bytes, another file");
        assert!(!same_file(&d.join("data.csv"), &d.join("missing.csv")));
        assert!(!same_file(d, d), "a directory is not a file");
    }
}
