//! Per-thread working buffers, reused from one molecule to the next.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `f` with this thread's buffers in `key`, borrowed in place (taking
/// them out of a `Cell` and putting them back copied the whole structure
/// twice per call), or with fresh ones when they are borrowed already (a
/// call re-entered on the same thread).
///
/// ```
/// use std::cell::RefCell;
/// thread_local! {
///     static WORK: RefCell<Vec<u32>> = RefCell::new(Vec::new());
/// }
/// let total = shennong_mol::scratch::with_reused(&WORK, |work| {
///     work.clear();
///     work.extend([1, 2, 3]);
///     work.iter().sum::<u32>()
/// });
/// assert_eq!(total, 6);
/// ```
pub fn with_reused<T: Default + 'static, R>(
    key: &'static LocalKey<RefCell<T>>,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffers) => f(&mut buffers),
        Err(_) => f(&mut T::default()),
    })
}
