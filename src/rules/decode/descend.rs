//! Reaching the item inside each element of an items array (the `node` of
//! each GraphQL edge) in the same pass, without copying keys.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

/// Deserializes with `seed` the value at `path` inside the value met (each
/// element of an items array, for `/edges/*/node`), skipping the rest
/// unparsed; with an empty path, the value itself.
pub(super) struct Descend<'p, S> {
    pub(super) path: &'p [String],
    pub(super) seed: S,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Descend<'_, S> {
    type Value = S::Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        if self.path.is_empty() {
            self.seed.deserialize(deserializer)
        } else {
            deserializer.deserialize_map(self)
        }
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Descend<'_, S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with {:?}", self.path[0])
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        let (here, below) = (&self.path[0], &self.path[1..]);
        let mut seed = Some(self.seed);
        let mut found = None;
        while let Some(is_here) = map.next_key_seed(KeyIs(here))? {
            match seed.take() {
                Some(inner) if is_here => {
                    found = Some(map.next_value_seed(Descend {
                        path: below,
                        seed: inner,
                    })?);
                }
                other => {
                    seed = other;
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        found.ok_or_else(|| de::Error::missing_field("the item below each element"))
    }
}

/// Whether a map key is the given one, compared without copying it.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}
