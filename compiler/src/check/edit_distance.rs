//! The edit distance the "did you mean" suggestions rank candidates by: optimal string
//! alignment (insertions, deletions, substitutions and transpositions of two neighbours, each
//! costing one; `strsim::osa_distance`), computed only as far as a bound.
//!
//! A suggestion accepts a candidate a few edits away at most, and a file of a thousand unknown
//! names compares each with a thousand candidates: `strsim`'s distance, which allocates and
//! fills a table of the two lengths' product, took most of a second for that file, on every
//! keystroke in the editor. Names are ASCII identifiers shorter than a machine word, so the
//! misspelt name's positions are made into words once ([`Misspelt`]) and each candidate is
//! compared bit-parallel, a few word operations per byte.

/// Names (in bytes) this long or longer go to `strsim`: shorter ones fit a machine word.
const WORD: usize = 64;

/// A misspelt name, ready to be compared with many candidates: for each ASCII byte, the
/// positions of the name where it occurs, as the bits of a word (Myers' bit-parallel edit
/// distance, with Hyyrö's extension for transpositions). Each comparison is then a few word
/// operations per byte of the candidate, not a table of the two lengths' product.
pub struct Misspelt<'a> {
    name: &'a str,
    /// `None` when the name is too long for a word or is not ASCII: `strsim` compares it.
    positions: Option<Box<[u64; 128]>>,
}

impl<'a> Misspelt<'a> {
    pub fn new(name: &'a str) -> Misspelt<'a> {
        let positions = (name.is_ascii() && name.len() < WORD).then(|| {
            let mut positions = Box::new([0u64; 128]);
            for (i, byte) in name.bytes().enumerate() {
                positions[usize::from(byte)] |= 1 << i;
            }
            positions
        });
        Misspelt { name, positions }
    }

    /// The optimal string alignment distance between the name and `candidate` when it is at
    /// most `bound`, else `None`: the same as `strsim::osa_distance` within the bound.
    pub fn within(&self, candidate: &str, bound: usize) -> Option<usize> {
        let ascii = self.positions.is_some() && candidate.is_ascii();
        if ascii && self.name.len().abs_diff(candidate.len()) > bound {
            // Each edit changes the length by one at most.
            return None;
        }
        let d = match (&self.positions, ascii) {
            (Some(positions), true) if !self.name.is_empty() => {
                osa_bit_parallel(positions, self.name.len(), candidate.as_bytes())
            }
            _ => strsim::osa_distance(self.name, candidate),
        };
        (d <= bound).then_some(d)
    }
}

/// The OSA distance between a pattern of `m` (1 to 63) bytes, given by the positions of each
/// byte in it, and `text`: Myers' algorithm (the vertical differences of the table's column
/// as two words, one column per byte of `text`) with Hyyrö's term for a transposition.
fn osa_bit_parallel(positions: &[u64; 128], m: usize, text: &[u8]) -> usize {
    let top = 1u64 << (m - 1);
    let mut plus = (1u64 << m) - 1;
    let mut minus = 0u64;
    let mut score = m;
    let (mut last_diagonal, mut last_matches) = (0u64, 0u64);
    for &byte in text {
        let matches = positions.get(usize::from(byte)).copied().unwrap_or(0);
        let transposed = ((!last_diagonal & matches) << 1) & last_matches;
        let diagonal =
            (((matches & plus).wrapping_add(plus)) ^ plus) | matches | minus | transposed;
        let mut h_plus = minus | !(diagonal | plus);
        let mut h_minus = plus & diagonal;
        if h_plus & top != 0 {
            score += 1;
        } else if h_minus & top != 0 {
            score -= 1;
        }
        h_plus = (h_plus << 1) | 1;
        h_minus <<= 1;
        plus = h_minus | !(diagonal | h_plus);
        minus = h_plus & diagonal;
        (last_diagonal, last_matches) = (diagonal, matches);
    }
    score
}

#[cfg(test)]
mod tests {
    use super::Misspelt;
    use proptest::prelude::*;

    fn within(a: &str, b: &str, bound: usize) -> Option<usize> {
        Misspelt::new(a).within(b, bound)
    }

    #[test]
    fn counts_each_kind_of_edit_as_one() {
        assert_eq!(within("should", "shuold", 3), Some(1));
        assert_eq!(within("must", "mst", 3), Some(1));
        assert_eq!(within("must", "musts", 3), Some(1));
        assert_eq!(within("must", "mist", 3), Some(1));
        assert_eq!(within("abc", "ca", 3), Some(3));
        assert_eq!(within("", "abc", 3), Some(3));
        assert_eq!(within("kitten", "sitting", 2), None);
        assert_eq!(within("kitten", "sitting", 3), Some(3));
        assert_eq!(within("ab", "ba", 3), Some(1));
        assert_eq!(within("abc", "", 3), Some(3));
    }

    proptest! {
        /// Within the bound, the distance is `strsim`'s; past it, `None`: over ASCII names
        /// (a word's worth and longer) and text that is not ASCII.
        #[test]
        fn agrees_with_strsim_within_the_bound(
            a in "[a-e_-]{0,12}|[a-c]{55,70}|[a-z0-9-]{55,70}|[aé]{0,6}",
            b in "[a-e_-]{0,12}|[a-c]{55,70}|[a-z0-9-]{55,70}|[aé]{0,6}",
            bound in prop_oneof![0usize..8, 60usize..200],
        ) {
            let full = strsim::osa_distance(&a, &b);
            prop_assert_eq!(within(&a, &b, bound), (full <= bound).then_some(full));
        }
    }
}
