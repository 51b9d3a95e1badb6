//! Keys an import file may give only once, remembered with where each was first given.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::hash::Hash;

use super::Place;
use crate::error::{Error, Result};

/// Keys a file may give only once (a budget line's code, a rate's pair and day, a receipt's
/// reference), each with where it was first given.
pub struct Once<K, P = Place>(HashMap<K, P>);

impl<K, P> Default for Once<K, P> {
    fn default() -> Self {
        Once(HashMap::new())
    }
}

impl<K: Eq + Hash, P: fmt::Display> Once<K, P> {
    /// Note that `key` is given at `place`, or refuse it if the file gave it before: the
    /// error says that `what` is given twice, and where first.
    pub fn first(&mut self, key: K, place: P, what: impl fmt::Display) -> Result<()> {
        match self.0.entry(key) {
            Entry::Occupied(first) => Err(Error::invalid(format!(
                "{what} is given twice in this file (first at {}); give it once",
                first.get()
            ))),
            Entry::Vacant(slot) => {
                slot.insert(place);
                Ok(())
            }
        }
    }
}
