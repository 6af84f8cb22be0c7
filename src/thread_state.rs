//! State one thread reuses from call to call (the stem cache, the analysis buffers):
//! borrowed when free, a fresh one when a caller further up the stack holds it, so that
//! a nested call never panics on a second borrow.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `f` with this thread's value in `key`, or with a fresh default one if the
/// thread's is in use further up the stack.
pub(crate) fn with_local<T: Default + 'static, R>(
    key: &'static LocalKey<RefCell<T>>,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut value) => f(&mut value),
        Err(_) => f(&mut T::default()),
    })
}
