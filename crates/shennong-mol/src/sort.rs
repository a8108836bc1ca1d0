//! Stable sorting of the short lists perception, ranking and writing sort
//! per atom or per molecule.

use std::cmp::Ordering;

/// The longest list [`sort_short_by`] sorts by insertion.
pub const INSERTION_SORT_MAX: usize = 48;

/// Sorts a list by `cmp`, stably (equal items keep their order): two to
/// four items (an atom's bonds) by fixed compare-exchange networks; up to
/// [`INSERTION_SORT_MAX`] items (nearly every molecule's lists) by straight
/// insertion, where the general sort's set-up costs more than it saves
/// (measured: -1 to -2 % of canonical SMILES writing); a longer list, for
/// which insertion is quadratic, by the general stable sort.
///
/// ```
/// let mut pairs = [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
/// shennong_mol::sort::sort_short_by(&mut pairs, |x, y| x.0.cmp(&y.0));
/// assert_eq!(pairs, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
/// ```
pub fn sort_short_by<T: Copy>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    // Up to four items (an atom's bonds, nearly always): fixed networks of
    // adjacent compare-exchanges, which swap only items out of order (so
    // they are stable) and do not branch on the data; the insertion loop's
    // exit mispredicted from one list to the next.
    match items {
        [] | [_] => return,
        [a, b] => {
            exchange(a, b, &mut cmp);
            return;
        }
        [a, b, c] => {
            exchange(a, b, &mut cmp);
            exchange(b, c, &mut cmp);
            exchange(a, b, &mut cmp);
            return;
        }
        [a, b, c, d] => {
            exchange(a, b, &mut cmp);
            exchange(b, c, &mut cmp);
            exchange(c, d, &mut cmp);
            exchange(a, b, &mut cmp);
            exchange(b, c, &mut cmp);
            exchange(a, b, &mut cmp);
            return;
        }
        _ => {}
    }
    if items.len() > INSERTION_SORT_MAX {
        items.sort_by(cmp);
        return;
    }
    for i in 1..items.len() {
        let Some(&item) = items.get(i) else {
            continue;
        };
        let mut j = i;
        while let Some(&before) = j.checked_sub(1).and_then(|p| items.get(p)) {
            if cmp(&before, &item) != Ordering::Greater {
                break;
            }
            if let Some(slot) = items.get_mut(j) {
                *slot = before;
            }
            j -= 1;
        }
        if let Some(slot) = items.get_mut(j) {
            *slot = item;
        }
    }
}

/// Puts two neighbouring items in order, swapping them only when the first
/// is greater (equal items stay as they are), by selects rather than a
/// branch.
#[inline(always)]
fn exchange<T: Copy>(x: &mut T, y: &mut T, cmp: &mut impl FnMut(&T, &T) -> Ordering) {
    let (a, b) = (*x, *y);
    let greater = cmp(&a, &b) == Ordering::Greater;
    // (the hint keeps the selects: a branch here mispredicted as often as
    // the items come out of order)
    *x = std::hint::select_unpredictable(greater, b, a);
    *y = std::hint::select_unpredictable(greater, a, b);
}

/// [`sort_short_by`] in the items' own order.
pub fn sort_short<T: Copy + Ord>(items: &mut [T]) {
    sort_short_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lists_sort_as_the_general_sort() {
        // lengths around the insertion limit, values with repeats
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in [
            0,
            1,
            2,
            3,
            4,
            5,
            17,
            INSERTION_SORT_MAX,
            INSERTION_SORT_MAX + 1,
            300,
        ] {
            let items: Vec<u128> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    u128::from(state >> 58)
                })
                .collect();
            let mut ours = items.clone();
            sort_short(&mut ours);
            let mut expected = items.clone();
            expected.sort_unstable();
            assert_eq!(ours, expected, "length {len}");
            let mut descending = items;
            sort_short_by(&mut descending, |x, y| y.cmp(x));
            expected.reverse();
            assert_eq!(descending, expected, "length {len}, descending");
        }
    }

    #[test]
    fn short_lists_sort_stably() {
        // every list of up to six keys from {0, 1, 2}: equal keys keep
        // their order, as in the general stable sort
        for len in 0..=6u32 {
            for code in 0..3u32.pow(len) {
                let items: Vec<(u32, u32)> =
                    (0..len).map(|k| ((code / 3u32.pow(k)) % 3, k)).collect();
                let mut ours = items.clone();
                sort_short_by(&mut ours, |x, y| y.0.cmp(&x.0));
                let mut expected = items;
                expected.sort_by_key(|x| std::cmp::Reverse(x.0));
                assert_eq!(ours, expected);
            }
        }
    }
}
