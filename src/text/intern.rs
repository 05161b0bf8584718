//! Syllable numbers: every distinct key the analyzer produces gets a number, the same in every
//! thread, so that the hot look-ups of grading (the rubric's phrases, the lexicon's classes)
//! are array indices instead of string hashes.
//!
//! The numbers are an implementation detail: they depend on the order in which threads first
//! met each syllable, so nothing derived from them is ever written out or compared across
//! processes; only tables filled through [`SyllableTable::insert`] are indexed by them, and a
//! look-up there gives the same answer as a look-up by the string.

use std::sync::{PoisonError, RwLock};

use super::symap::SyllableMap;

/// The number of a syllable that has none: the table was full when it was first seen. It is
/// in no [`SyllableTable`] (those number their syllables whatever the fill).
pub const NO_ID: u32 = u32::MAX;

/// Syllables numbered from text before new ones get [`NO_ID`]: a bound on the memory a
/// long-running server gives to odd tokens (numbers, typos, foreign words), at about 40 bytes
/// each. Real Vietnamese uses under 10,000 syllables.
const TEXT_CAP: usize = 1 << 20;

static TABLE: RwLock<Option<SyllableMap<u32>>> = RwLock::new(None);

/// The number of `key`, if it has one.
fn find(key: &str) -> Option<u32> {
    let table = TABLE.read().unwrap_or_else(PoisonError::into_inner);
    table.as_ref().and_then(|t| t.get(key).copied())
}

/// The number of `key`, giving it one if it has none; with `bounded`, only while the table
/// holds fewer than [`TEXT_CAP`] syllables (else [`NO_ID`]).
fn number(key: &str, bounded: bool) -> u32 {
    if let Some(id) = find(key) {
        return id;
    }
    let mut table = TABLE.write().unwrap_or_else(PoisonError::into_inner);
    let table = table.get_or_insert_with(SyllableMap::new);
    if let Some(&id) = table.get(key) {
        return id;
    }
    let len = table.len();
    match u32::try_from(len) {
        Ok(id) if id != NO_ID && !(bounded && len >= TEXT_CAP) => {
            table.insert(key, id);
            id
        }
        _ => NO_ID,
    }
}

/// The number of a key met in text if it already has one, else [`NO_ID`]: for tokens that
/// are not worth numbering (numbers: "275", "2021"), which are then in a [`SyllableTable`]
/// exactly when the table was given them.
pub(crate) fn existing_number(key: &str) -> u32 {
    find(key).unwrap_or(NO_ID)
}

/// The number of a key met in text (bounded, see [`TEXT_CAP`]).
pub(crate) fn number_of_text_key(key: &str) -> u32 {
    number(key, true)
}

/// Values by syllable number: a look-up is an array index. Filled by key; a syllable that
/// was never inserted (or has no number) gives the table's `missing` value.
#[derive(Debug, Clone)]
pub struct SyllableTable<V: Copy> {
    values: Vec<V>,
    missing: V,
}

impl<V: Copy> SyllableTable<V> {
    /// An empty table whose look-ups all give `missing`.
    pub fn new(missing: V) -> Self {
        Self {
            values: Vec::new(),
            missing,
        }
    }

    /// The value of syllable number `id` ([`crate::text::Analyzed::key_id`] or
    /// [`crate::text::Analyzed::fold_id`]).
    #[inline]
    pub fn get(&self, id: u32) -> V {
        self.values
            .get(id as usize)
            .copied()
            .unwrap_or(self.missing)
    }

    /// The value of a key (a canonical or folded key, as [`crate::text::phrase_keys`] gives).
    pub fn get_key(&self, key: &str) -> V {
        find(key).map_or(self.missing, |id| self.get(id))
    }

    /// Sets the value of a key (a canonical or folded key); the key is numbered if it was not.
    pub fn insert(&mut self, key: &str, value: V) {
        let id = number(key, false);
        if id == NO_ID {
            return;
        }
        let i = id as usize;
        if self.values.len() <= i {
            self.values.resize(i + 1, self.missing);
        }
        self.values[i] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_answer_as_by_string() {
        let mut t = SyllableTable::new(0u8);
        t.insert("quyết", 3);
        t.insert("đảng", 5);
        t.insert("đảng", 7);
        assert_eq!(t.get_key("quyết"), 3);
        assert_eq!(t.get_key("đảng"), 7);
        assert_eq!(t.get_key("chưa-thấy-bao-giờ"), 0);
        assert_eq!(t.get(number_of_text_key("quyết")), 3);
        assert_eq!(t.get(number_of_text_key("một-từ-mới")), 0);
        assert_eq!(t.get(NO_ID), 0);
        assert_eq!(number_of_text_key("đảng"), number_of_text_key("đảng"));
        assert_ne!(number_of_text_key("đảng"), number_of_text_key("dang"));
    }
}
