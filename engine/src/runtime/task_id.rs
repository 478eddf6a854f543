//! Task ids: stable, unique within an instance, shown as 8 hex digits.
//!
//! Internally an id is the record's position in the instance's task arena,
//! so lookups are O(1) and nothing needs storing per record. For display the
//! number goes through a fixed bijection of `u32`, which makes ids look
//! unrelated to each other so that short prefixes (as with git hashes) tell
//! them apart.

use std::fmt;

/// The id of a task record in a workflow instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub(crate) u32);

const MUL: u32 = 0x9E37_79B1; // odd, so invertible mod 2^32
const MUL_INV: u32 = 0x0E8B_2F51; // MUL * MUL_INV == 1 (mod 2^32)

fn mix(x: u32) -> u32 {
    let x = x ^ 0x5bd1_e995;
    let x = x.wrapping_mul(MUL);
    x ^ (x >> 16)
}

fn unmix(y: u32) -> u32 {
    let x = y ^ (y >> 16);
    let x = x.wrapping_mul(MUL_INV);
    x ^ 0x5bd1_e995
}

impl TaskId {
    /// The record index inside the instance.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Parses the 8-hex-digit form.
    pub fn parse_full(s: &str) -> Option<TaskId> {
        if s.len() != 8 {
            return None;
        }
        u32::from_str_radix(s, 16).ok().map(|y| TaskId(unmix(y)))
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", mix(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_round_trips_and_is_unique() {
        assert_eq!(MUL.wrapping_mul(MUL_INV), 1);
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000u32 {
            let s = TaskId(i).to_string();
            assert_eq!(TaskId::parse_full(&s), Some(TaskId(i)));
            assert!(seen.insert(s));
        }
    }
}
