//! Number arrays of model files as base64 of their little-endian `f32` bytes.
//!
//! A model holds a few hundred thousand weights; parsing them as JSON decimals was
//! most of a model's load time (2.2 MB, ~10 ms). Packed, they decode at memory speed
//! and the file shrinks, while the file stays one JSON document. Reading accepts both
//! forms, so model files of format version 1 (decimal arrays) still load.
//!
//! The base64 is standard (RFC 4648 alphabet, `=` padding, canonical trailing bits),
//! coded by `base64-simd`: the shipped models' 3.7 MB of it decoded in 2.9 ms of CPU
//! with the `base64` crate, an eighth of a one-sentence `predict`, and in about a
//! quarter of that with SIMD (0.78 -> 0.20 ms per model's weights, measured here).

use base64_simd::STANDARD;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};

/// Base64 of the values' little-endian bytes.
fn encode(values: &[f32]) -> String {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    STANDARD.encode_to_string(bytes)
}

/// The values of [`encode`]'s text; `None` if it is not base64 of whole `f32`s. The
/// base64 is decoded straight into the values' memory (no byte buffer between).
fn decode(text: &str) -> Option<Vec<f32>> {
    // Base64 carries 3 bytes in 4 characters; padding takes one byte off per '='.
    let padding = text.bytes().rev().take(2).filter(|&b| b == b'=').count();
    let n_bytes = (text.len() / 4 * 3).checked_sub(padding)?;
    if !text.len().is_multiple_of(4) || !n_bytes.is_multiple_of(4) {
        return None;
    }
    // The decoder panics on a buffer shorter than the text's length, so that is checked first.
    if STANDARD.decoded_length(text.as_bytes()).ok()? != n_bytes {
        return None;
    }
    let mut values = vec![0f32; n_bytes / 4];
    let out = base64_simd::Out::from_slice(bytemuck::cast_slice_mut::<f32, u8>(&mut values));
    let written = STANDARD.decode(text.as_bytes(), out).ok()?.len();
    if written != n_bytes {
        return None;
    }
    // The file holds little-endian bytes, which is the memory order on all but
    // big-endian machines.
    if cfg!(target_endian = "big") {
        values.iter_mut().for_each(|v| *v = f32::from_bits(u32::from_le(v.to_bits())));
    }
    Some(values)
}

/// Whether every value is a finite number: a branch-free pass that the compiler
/// vectorises, for the hundreds of thousands of weights checked at every load.
pub fn all_finite(values: &[f32]) -> bool {
    values.iter().fold(true, |ok, v| ok & v.is_finite())
}

/// The first value that is not a finite number >= 0, with its position.
pub fn first_negative_or_not_finite(values: &[f32]) -> Option<(usize, f32)> {
    let sound = |v: &f32| v.is_finite() & (*v >= 0.0);
    if values.iter().fold(true, |ok, v| ok & sound(v)) {
        return None;
    }
    values.iter().copied().enumerate().find(|(_, v)| !sound(v))
}

/// Either form of one array: a packed string (version 2) or decimal numbers (version 1).
struct PackedVisitor;

impl<'de> Visitor<'de> for PackedVisitor {
    type Value = Vec<f32>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("base64 of little-endian f32 values, or an array of numbers")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<f32>, E> {
        decode(text).ok_or_else(|| E::custom("packed numbers are not base64 of whole 4-byte floats"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f32>, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok(values)
    }
}

/// One packed array (`#[serde(with = "crate::packed")]`).
pub fn serialize<S: Serializer>(values: &[f32], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&encode(values))
}

/// One packed or decimal array.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
    deserializer.deserialize_any(PackedVisitor)
}

/// Rows of packed arrays (`#[serde(with = "crate::packed::rows")]`), e.g. one weight row per class.
pub mod rows {
    use super::*;

    /// A list of packed strings.
    pub fn serialize<S: Serializer>(rows: &[Vec<f32>], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(rows.len()))?;
        for row in rows {
            seq.serialize_element(&encode(row))?;
        }
        seq.end()
    }

    /// A list whose items are packed strings or decimal arrays.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Vec<f32>>, D::Error> {
        struct Row(Vec<f32>);
        impl<'de> serde::Deserialize<'de> for Row {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Row, D::Error> {
                deserializer.deserialize_any(PackedVisitor).map(Row)
            }
        }
        let rows: Vec<Row> = serde::Deserialize::deserialize(deserializer)?;
        Ok(rows.into_iter().map(|Row(values)| values).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Holder {
        #[serde(with = "crate::packed")]
        one: Vec<f32>,
        #[serde(with = "crate::packed::rows")]
        many: Vec<Vec<f32>>,
    }

    #[test]
    fn round_trips_exactly_including_extremes() {
        let holder = Holder {
            one: vec![0.0, -0.0, 1.5, f32::MIN_POSITIVE, f32::MAX, -3.25e-7],
            many: vec![vec![], vec![2.0, -1.0]],
        };
        let text = serde_json::to_string(&holder).unwrap();
        let back: Holder = serde_json::from_str(&text).unwrap();
        assert_eq!(back, holder);
        assert!(back.one[1].is_sign_negative(), "-0.0 keeps its sign bit");
    }

    #[test]
    fn encodes_little_endian_bytes_as_standard_base64() {
        // 1.0f32 is 0x3F800000: bytes 00 00 80 3F -> base64 "AACAPw==" (checked by hand).
        assert_eq!(encode(&[1.0]), "AACAPw==");
        assert_eq!(decode("AACAPw==").unwrap(), vec![1.0]);
    }

    #[test]
    fn finiteness_checks_find_the_first_bad_value() {
        assert!(all_finite(&[0.0, -1.0, f32::MAX]));
        assert!(!all_finite(&[0.0, f32::NAN]));
        assert!(!all_finite(&[f32::NEG_INFINITY]));
        assert_eq!(first_negative_or_not_finite(&[0.0, 1.0]), None);
        assert_eq!(first_negative_or_not_finite(&[1.0, -0.5, f32::INFINITY]), Some((1, -0.5)));
        assert_eq!(first_negative_or_not_finite(&[1.0, f32::INFINITY]), Some((1, f32::INFINITY)));
    }

    #[test]
    fn reads_version_1_decimal_arrays() {
        let back: Holder = serde_json::from_str(r#"{"one":[0.5,-2],"many":[[1],[]]}"#).unwrap();
        assert_eq!(back, Holder { one: vec![0.5, -2.0], many: vec![vec![1.0], vec![]] });
    }

    #[test]
    fn refuses_text_that_is_not_whole_floats() {
        // "AACA" is 3 bytes; "AACAPw=" lacks its last padding; "AAAAAA==" is 4 bytes and a
        // half-sextet too many; "AACAPx==" sets bits past the last byte ('x' is 110001,
        // 'w' 110000: base64 that is not canonical); the rest is not base64 or not a string.
        for bad in [
            r#"{"one":"AACA","many":[]}"#,
            r#"{"one":"AACAPw=","many":[]}"#,
            r#"{"one":"AACAPwA=","many":[]}"#,
            r#"{"one":"AACAPx==","many":[]}"#,
            r#"{"one":"AACA=w==","many":[]}"#,
            r#"{"one":"AACA Pw=","many":[]}"#,
            r#"{"one":"not base64!","many":[]}"#,
            r#"{"one":7,"many":[]}"#,
        ] {
            assert!(serde_json::from_str::<Holder>(bad).is_err(), "{bad}");
        }
    }
}
