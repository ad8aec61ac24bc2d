//! A guard in front of the `safetensors` crate: the whole structure of a safetensors file
//! checked with checked arithmetic against the file's length before the crate sees it.
//!
//! The format: a little-endian `u64` header length `n`, `n` bytes of JSON
//! (`{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
//! "__metadata__": {"key": "value"}}`), then the data, which the tensors' byte ranges
//! (relative to the data's start) tile exactly, each as long as its shape and element
//! type make it. `safetensors` 0.8 checks the same rules but adds the last range's end
//! to the header length without checking, and its tests of the shape's byte count depend
//! on the offsets being sane; after this guard every number it adds is at most the file's
//! length. JSON parsing is `serde_json`'s: one pass, nesting limited to 128 levels (and
//! skipped without recursion in fields that are not read), and what is kept (names,
//! shapes, offsets) no larger than a few times the header.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use safetensors::Dtype;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::error::{clip, shape_string};

/// The size of the header-length field.
const LEN_BYTES: usize = 8;

/// One tensor's entry as the header gives it (unknown fields are ignored, as the
/// `safetensors` crate ignores them).
#[derive(Deserialize)]
struct Entry {
    dtype: Dtype,
    shape: Vec<usize>,
    data_offsets: (usize, usize),
}

/// The header's tensors in file order of their keys; `__metadata__` must map strings to
/// strings, and is not kept.
struct Header(Vec<(String, Entry)>);

impl<'de> Deserialize<'de> for Header {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeaderVisitor;
        impl<'de> Visitor<'de> for HeaderVisitor {
            type Value = Header;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of tensor entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header, A::Error> {
                let mut entries = Vec::new();
                let mut seen = HashSet::new();
                while let Some(name) = map.next_key::<String>()? {
                    if !seen.insert(name.clone()) {
                        return Err(de::Error::custom(format_args!(
                            "the key `{}` appears twice",
                            clip(&name)
                        )));
                    }
                    if name == "__metadata__" {
                        // Checked as the crate reads it; not kept.
                        map.next_value::<BTreeMap<String, String>>()?;
                    } else {
                        let entry = map.next_value::<Entry>()?;
                        entries.push((name, entry));
                    }
                }
                Ok(Header(entries))
            }
        }
        deserializer.deserialize_map(HeaderVisitor)
    }
}

/// Checks `bytes` as a safetensors file; the error is the message of an
/// [`crate::ImportError::Format`], without the file's name.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let Some((len_field, rest)) = bytes.split_first_chunk::<LEN_BYTES>() else {
        return Err(format!(
            "the file has {} bytes, fewer than the 8 of the header length",
            bytes.len()
        ));
    };
    let header_len = u64::from_le_bytes(*len_field);
    let header_len = usize::try_from(header_len)
        .ok()
        .filter(|&n| n <= rest.len())
        .ok_or_else(|| {
            format!(
                "the header length field says {header_len} bytes, but only {} bytes follow it \
                 (the file is truncated or the field is corrupt)",
                rest.len()
            )
        })?;
    let (json, data) = rest.split_at(header_len);
    let Header(mut entries) =
        serde_json::from_slice(json).map_err(|e| format!("the JSON header is invalid: {e}"))?;

    for (name, entry) in &entries {
        let name = clip(name);
        let (begin, end) = entry.data_offsets;
        if begin > end || end > data.len() {
            return Err(format!(
                "tensor `{name}` lies outside the data (bytes {begin}..{end} of {})",
                data.len()
            ));
        }
        let bits = entry
            .shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .and_then(|n| n.checked_mul(entry.dtype.bitsize()));
        let Some(bits) = bits else {
            return Err(format!(
                "tensor `{name}`: the byte count of shape {} of {} overflows usize",
                shape_text(&entry.shape),
                entry.dtype
            ));
        };
        if bits % 8 != 0 || bits / 8 != end - begin {
            return Err(format!(
                "tensor `{name}`: shape {} of {} needs {} bytes, but its offsets give {}",
                shape_text(&entry.shape),
                entry.dtype,
                if bits % 8 == 0 {
                    (bits / 8).to_string()
                } else {
                    format!("{bits} bits, not whole")
                },
                end - begin
            ));
        }
    }
    // The ranges tile the data: sorted, each starts where the last ended, none is left
    // over.
    entries.sort_by_key(|(_, e)| e.data_offsets);
    let mut at = 0;
    for (name, entry) in &entries {
        let (begin, end) = entry.data_offsets;
        if begin != at {
            return Err(format!(
                "tensor `{}` starts at data byte {begin}, but the previous tensor ends at {at} \
                 (the ranges overlap or leave a gap)",
                clip(name)
            ));
        }
        at = end;
    }
    if at != data.len() {
        return Err(format!(
            "the tensors' data ends at byte {at}, but {} data bytes follow the header",
            data.len()
        ));
    }
    Ok(())
}

/// `(2, 3)`, at most 100 characters (a hostile shape may be long).
fn shape_text(shape: &[usize]) -> String {
    clip(&shape_string(shape))
}
