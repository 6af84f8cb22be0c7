//! What the process sets up before it runs a command, and how results reach standard
//! output: transparent huge pages off, the signal handlers that remove an unfinished
//! output file (and name a model file cut short while mapped), and a stdout that says
//! so when it was closed or read-only at start.

use std::io::{self, Write};

/// Turns transparent huge pages off for this process, as mimalloc's own `allow_thp=0`
/// option does. mimalloc asks for them for its arenas, and each first touch of one then
/// zeroes 2 MB: in our short processes that was a quarter of emergent's train-and-test
/// run and more than doubled peak RSS (one-sentence predict 46 -> 19 MB, emergent's
/// train-and-test 42 -> 18 MB), with no speed gain measured on the long runs.
///
/// It runs from `.init_array`, before Rust's runtime (as [`record_stdout`] does): called
/// first thing in `main`, it came after the runtime's first allocation, whose arena
/// mimalloc had already advised for huge pages, so every run still zeroed one 2 MB page
/// (2.3% of the CPU samples of a loop of one-sentence predicts, `perf record`).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static NO_TRANSPARENT_HUGE_PAGES: extern "C" fn() = no_transparent_huge_pages;

#[cfg(target_os = "linux")]
extern "C" fn no_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours;
    // on failure the process merely keeps huge pages.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Signals that end a run part way through a write: the handler removes the temporary
/// file of the file being written ([`stancekit::output::remove_unfinished`]), then ends
/// the process by the signal as before (status 128 + its number). Ctrl-C or a `kill`
/// while `train --out` wrote its model used to leave a hidden `.stancekit-*.tmp` of part
/// of it beside the target, for good.
#[cfg(target_os = "linux")]
const ENDING_SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// Installs [`on_ending_signal`] for [`ENDING_SIGNALS`] that are not ignored (`nohup`
/// ignores SIGHUP, a shell's background job SIGINT: they stay ignored), and ignores
/// SIGXFSZ: a file outgrowing the size limit (`ulimit -f`) then fails its write with
/// "File too large", said as any write error, where the signal killed the process
/// without a word and left the temporary file (or part of standard output's file).
pub fn handle_signals() {
    #[cfg(target_os = "linux")]
    // SAFETY: sigaction and signal are given valid pointers to zeroed or filled
    // `sigaction` structs and a handler that is async-signal-safe (`on_ending_signal`).
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        for signal in ENDING_SIGNALS {
            let mut current: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut current) != 0 || current.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_ending_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction =
            on_bus_error as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) as libc::sighandler_t;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0 {
            stancekit::model::map_model_files();
        }
    }
}

/// A read of a mapped model file that another program cut short while it loaded (`cp
/// new.json m.json` truncates it first): one line naming the file and exit 2, where the
/// process died of SIGBUS ("Bus error", status 135) without a word. Any other SIGBUS
/// ends the process as before. Only `write`, `_exit`, `signal` and `raise`, which are
/// async-signal-safe.
#[cfg(target_os = "linux")]
extern "C" fn on_bus_error(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler; the path is a
    // NUL-terminated string kept until the read of its map returns, which this handler
    // interrupts; write and _exit take plain buffers and integers.
    unsafe {
        let address = if info.is_null() { 0 } else { (*info).si_addr() as usize };
        if let Some(path) = stancekit::model::file_mapped_at(address) {
            let write = |bytes: &[u8]| libc::write(libc::STDERR_FILENO, bytes.as_ptr().cast(), bytes.len());
            write(b"stancekit: error: ");
            write(std::ffi::CStr::from_ptr(path).to_bytes());
            write(
                b": not a valid stancekit model: the file was cut short while it was read (another program rewrote it \
                  in place, as cp does, while stancekit loaded it: run again once it is written, and put a new model \
                  in place with mv or train --out, which replace the file whole)\n",
            );
            libc::_exit(2);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Removes the unfinished output file, then lets the signal end the process: its default
/// action is restored and the signal raised again, delivered when this handler returns.
#[cfg(target_os = "linux")]
extern "C" fn on_ending_signal(signal: libc::c_int) {
    stancekit::output::remove_unfinished();
    // SAFETY: signal and raise are async-signal-safe and take plain integers.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Whether stdout could not be written when the process started: closed (`>&-`) or
/// open read-only. Rust's runtime reopens a closed stdout on /dev/null before `main`,
/// and its stdout ignores EBADF, so results would vanish with exit status 0; this is
/// recorded before that, by [`record_stdout`] in `.init_array`.
static STDOUT_UNWRITABLE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs before Rust's runtime (the C library calls `.init_array` entries before
/// `main`, as glibc and musl both do).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static RECORD_STDOUT: extern "C" fn() = record_stdout;

#[cfg(target_os = "linux")]
extern "C" fn record_stdout() {
    // SAFETY: F_GETFL reads the descriptor's flags and touches no memory of ours.
    let flags = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFL) };
    let unwritable = flags == -1 || flags & libc::O_ACCMODE == libc::O_RDONLY;
    STDOUT_UNWRITABLE.store(unwritable, std::sync::atomic::Ordering::Relaxed);
    // SAFETY: as above, for standard input. Closed (`<&-`), it would be reopened on
    // /dev/null and read as empty: no row, exit 0.
    let closed = unsafe { libc::fcntl(libc::STDIN_FILENO, libc::F_GETFL) } == -1;
    stancekit::input::STDIN_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
}

/// Standard output for results. A failed write names stdout and keeps its error's
/// kind, so a closed pipe (`| head`) still ends quietly.
pub struct ResultsOut<W>(pub W);

impl<W: Write> Write for ResultsOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.is_empty() {
            stdout_writable()?;
        }
        self.0.write(buf).map_err(stdout_error)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(stdout_error)
    }
}

/// `EBADF`, "Bad file descriptor": what writing to a closed stdout gives in C.
#[cfg(target_os = "linux")]
const EBADF: i32 = libc::EBADF;
#[cfg(not(target_os = "linux"))]
const EBADF: i32 = 9;

/// Fails with EBADF, naming stdout, when stdout was closed or read-only at start.
pub fn stdout_writable() -> io::Result<()> {
    if STDOUT_UNWRITABLE.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(stdout_error(io::Error::from_raw_os_error(EBADF)));
    }
    Ok(())
}

pub fn stdout_error(error: io::Error) -> io::Error {
    let hint = if error.kind() == io::ErrorKind::FileTooLarge { stancekit::error::FILE_TOO_LARGE_HINT } else { "" };
    io::Error::new(error.kind(), format!("writing to standard output: {error}{hint}"))
}
