//! Checked element access for index-heavy graph algorithms: reads of a
//! missing slot give the type's default and writes to one are ignored, so
//! that a bad index can never panic (the algorithms only use indices they
//! produced themselves, so the fallbacks are never taken in practice).

/// Read and write slots of a slice without panicking.
pub trait Slots<T: Copy + Default> {
    /// The value at `i`, or the default when `i` is out of range.
    fn at(&self, i: usize) -> T;
    /// Sets the value at `i` (ignored when out of range).
    fn put(&mut self, i: usize, value: T);
}

impl<T: Copy + Default> Slots<T> for [T] {
    #[inline]
    fn at(&self, i: usize) -> T {
        self.get(i).copied().unwrap_or_default()
    }

    #[inline]
    fn put(&mut self, i: usize, value: T) {
        if let Some(slot) = self.get_mut(i) {
            *slot = value;
        }
    }
}

impl<T: Copy + Default> Slots<T> for Vec<T> {
    #[inline]
    fn at(&self, i: usize) -> T {
        self.as_slice().at(i)
    }

    #[inline]
    fn put(&mut self, i: usize, value: T) {
        self.as_mut_slice().put(i, value);
    }
}
