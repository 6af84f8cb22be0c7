//! File paths that a signal handler may read: a fixed table of slots, each a path as a
//! NUL-terminated C string (leaked while registered) and an address range.
//!
//! A handler may neither allocate nor lock, so what it needs is kept ready in atomics:
//! the temporary files being written, which SIGINT removes ([`crate::output`]), and the
//! model files mapped, which a SIGBUS names ([`crate::model`]). A registration is taken
//! out when its guard drops.

use std::ffi::{c_char, CString};
use std::path::Path;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// How many paths one table holds at once; a path registered when all are taken is
/// not registered (the CLI writes one file at a time and maps one per `--model`).
const SLOTS: usize = 16;

/// One registered path and the address range it stands for (empty when none).
struct Slot {
    path: AtomicPtr<c_char>,
    start: AtomicUsize,
    len: AtomicUsize,
}

/// A table of registered paths, one `static` per use.
pub(crate) struct SignalPaths {
    slots: [Slot; SLOTS],
}

/// A path's place in its table, freed on drop.
pub(crate) struct Registration {
    table: &'static SignalPaths,
    slot: usize,
}

impl SignalPaths {
    pub(crate) const fn new() -> SignalPaths {
        SignalPaths {
            slots: [const {
                Slot {
                    path: AtomicPtr::new(std::ptr::null_mut()),
                    start: AtomicUsize::new(0),
                    len: AtomicUsize::new(0),
                }
            }; SLOTS],
        }
    }

    /// Registers `path` for the `len` bytes from address `start` (0 and 0 for none);
    /// `None` when every slot is taken or the path holds a NUL byte.
    pub(crate) fn register(&'static self, path: &Path, start: usize, len: usize) -> Option<Registration> {
        let name = c_string(path)?.into_raw();
        for (slot, place) in self.slots.iter().enumerate() {
            if place.path.compare_exchange(std::ptr::null_mut(), name, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                place.len.store(len, Ordering::SeqCst);
                place.start.store(start, Ordering::SeqCst);
                return Some(Registration { table: self, slot });
            }
        }
        // SAFETY: `name` came from `CString::into_raw` above and was stored nowhere.
        drop(unsafe { CString::from_raw(name) });
        None
    }

    /// Takes every registered path out of the table and hands it to `use_path`, which
    /// must not free it. For a process that is ending (a signal handler): the strings are
    /// leaked, and a slot taken here could be claimed again and then cleared by the old
    /// guard. Async-signal-safe: atomic swaps only.
    pub(crate) fn take_each(&self, mut use_path: impl FnMut(*const c_char)) {
        for place in &self.slots {
            let name = place.path.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !name.is_null() {
                use_path(name.cast_const());
            }
        }
    }

    /// The path registered for a range that holds `address`. Async-signal-safe: atomic
    /// loads only. A path stays valid while its registration lives.
    pub(crate) fn path_at(&self, address: usize) -> Option<*const c_char> {
        self.slots.iter().find_map(|place| {
            let start = place.start.load(Ordering::SeqCst);
            let within = start != 0 && address >= start && address - start < place.len.load(Ordering::SeqCst);
            let path = place.path.load(Ordering::SeqCst);
            (within && !path.is_null()).then_some(path.cast_const())
        })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(place) = self.table.slots.get(self.slot) {
            place.start.store(0, Ordering::SeqCst);
            place.len.store(0, Ordering::SeqCst);
            let name = place.path.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !name.is_null() {
                // SAFETY: a non-null slot holds a pointer from `CString::into_raw` in
                // `register`, and the swap gave it to this call alone.
                drop(unsafe { CString::from_raw(name) });
            }
        }
    }
}

/// `path` as a C string; `None` if it holds a NUL byte.
fn c_string(path: &Path) -> Option<CString> {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    CString::new(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(path: *const c_char) -> String {
        // SAFETY: the table's paths are NUL-terminated strings from `CString::into_raw`.
        unsafe { std::ffi::CStr::from_ptr(path) }.to_string_lossy().into_owned()
    }

    #[test]
    fn a_registered_range_is_named_until_its_guard_drops() {
        static TABLE: SignalPaths = SignalPaths::new();
        let guard = TABLE.register(Path::new("/tmp/m.json"), 1000, 10).unwrap();
        assert_eq!(TABLE.path_at(1000).map(name).as_deref(), Some("/tmp/m.json"));
        assert_eq!(TABLE.path_at(1009).map(name).as_deref(), Some("/tmp/m.json"));
        assert!(TABLE.path_at(1010).is_none(), "past its end");
        assert!(TABLE.path_at(999).is_none(), "before its start");
        drop(guard);
        assert!(TABLE.path_at(1000).is_none(), "unregistered");
    }

    #[test]
    fn take_each_hands_over_every_path_once_and_guards_then_free_nothing() {
        static TABLE: SignalPaths = SignalPaths::new();
        let guards: Vec<Registration> =
            ["a.tmp", "b.tmp"].iter().map(|p| TABLE.register(Path::new(p), 0, 0).unwrap()).collect();
        let mut taken = Vec::new();
        TABLE.take_each(|path| taken.push(name(path)));
        assert_eq!(taken, ["a.tmp", "b.tmp"]);
        TABLE.take_each(|path| taken.push(name(path)));
        assert_eq!(taken.len(), 2, "taken once");
        // The strings were handed over; the guards' drops find empty slots.
        drop(guards);
    }

    #[test]
    fn a_full_table_and_a_path_with_a_nul_register_nothing() {
        static TABLE: SignalPaths = SignalPaths::new();
        let guards: Vec<Registration> =
            (0..SLOTS).map(|i| TABLE.register(Path::new(&format!("{i}.tmp")), 0, 0).unwrap()).collect();
        assert!(TABLE.register(Path::new("one-more.tmp"), 0, 0).is_none());
        drop(guards);
        assert!(TABLE.register(Path::new("one-more.tmp"), 0, 0).is_some(), "slots free again");
        assert!(TABLE.register(Path::new("nul\0.tmp"), 0, 0).is_none());
    }
}
