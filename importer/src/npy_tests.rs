//! The `.npy` header parser on headers written out here, one rule at a time.

use super::*;

fn file(version: (u8, u8), header: &str) -> Vec<u8> {
    let mut out = NPY_MAGIC.to_vec();
    out.extend([version.0, version.1]);
    if version.0 == 1 {
        out.extend((header.len() as u16).to_le_bytes());
    } else {
        out.extend((header.len() as u32).to_le_bytes());
    }
    out.extend(header.as_bytes());
    out
}

fn parse(header: &str) -> Result<Header, String> {
    read_header(&file((1, 0), header))
}

#[test]
fn what_numpy_writes() {
    let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (64, 32, 16), }    \n";
    let h = parse(text).unwrap();
    assert_eq!(h.descr, Descr::Plain("<f4".into()));
    assert!(!h.fortran_order);
    assert_eq!(h.shape, [64, 32, 16]);
    assert_eq!(h.data_start, 10 + text.len());
    assert_eq!(
        parse("{'descr':'<f4','fortran_order':True,'shape':()}")
            .unwrap()
            .shape,
        [0usize; 0]
    );
    assert_eq!(
        parse("{\"shape\": (3,), \"descr\": \"<f4\", \"fortran_order\": True}")
            .unwrap()
            .shape,
        [3]
    );
    // Python 2's longs in the old formats only.
    assert_eq!(
        parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 4L), }")
            .unwrap()
            .shape,
        [3, 4]
    );
    let v3 = file(
        (3, 0),
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3L,), }",
    );
    assert!(read_header(&v3).unwrap_err().contains("non-negative int"));
}

#[test]
fn item_sizes() {
    let size = |s: &str| Descr::Plain(s.into()).item_size();
    assert_eq!(size("<f4"), Some(4));
    assert_eq!(size(">f8"), Some(8));
    assert_eq!(size("|b1"), Some(1));
    assert_eq!(size("<U3"), Some(12));
    assert_eq!(size("<M8[ns]"), Some(8));
    assert_eq!(size("|O"), None);
    assert_eq!(size("|O8"), None);
    assert_eq!(size("<f"), None);
    assert_eq!(size("<f4x"), None);
    assert_eq!(Descr::Structured("[('a', '<f4')]".into()).item_size(), None);
}

#[test]
fn refused_headers() {
    for (header, words) in [
        ("", "the header dict's `{`"),
        ("{'descr': '<f4', 'fortran_order': False}", "no 'shape' key"),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}",
            "unknown key",
        ),
        (
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}",
            "twice",
        ),
        (
            "{'descr': '<f4, 'fortran_order': False, 'shape': (3,)}",
            "`,` or `}`",
        ),
        (
            "{'descr' '<f4', 'fortran_order': False, 'shape': (3,)}",
            "`:` after a key",
        ),
        ("{'descr': '<f4", "not terminated"),
        (
            "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (3,)}",
            "backslash",
        ),
        (
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}",
            "`True` or `False`",
        ),
        (
            "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (3,)}",
            "`True` or `False`",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3)}",
            "only dimension",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}",
            "negative",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (03,)}",
            "leading zero",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}",
            "non-negative int",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} x",
            "only spaces",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,)",
            "`,` or `}`",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
            "usize::MAX",
        ),
    ] {
        let err = parse(header).unwrap_err();
        assert!(err.contains(words), "{header}: {err}");
    }
}

#[test]
fn limits() {
    let dims = |n: usize| vec!["1"; n].join(", ");
    let h = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}",
        dims(64)
    );
    assert_eq!(parse(&h).unwrap().shape.len(), 64);
    let h = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}",
        dims(65)
    );
    assert!(parse(&h).unwrap_err().contains("more than 64"));
    let nested = |n: usize| format!("{}'a'{}", "[".repeat(n), "]".repeat(n));
    let h = format!(
        "{{'descr': {}, 'fortran_order': False, 'shape': (1,)}}",
        nested(16)
    );
    assert!(matches!(parse(&h).unwrap().descr, Descr::Structured(_)));
    let h = format!(
        "{{'descr': {}, 'fortran_order': False, 'shape': (1,)}}",
        nested(17)
    );
    assert!(parse(&h).unwrap_err().contains("nests more than 16"));
}

#[test]
fn lengths_and_versions() {
    let mut f = file((1, 0), "{}");
    assert!(read_header(&f[..5])
        .unwrap_err()
        .contains("inside the magic"));
    assert!(read_header(&f[..7]).unwrap_err().contains("format version"));
    assert!(read_header(&f[..9]).unwrap_err().contains("header length"));
    f[8] = 3;
    assert!(read_header(&f)
        .unwrap_err()
        .contains("says 3 bytes, but only 2"));
    let mut f = file((2, 0), "{}");
    f[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(read_header(&f).unwrap_err().contains("4294967295"));
    assert!(read_header(&file((1, 1), "{}"))
        .unwrap_err()
        .contains("1.1"));
    assert!(read_header(&file((4, 0), "{}"))
        .unwrap_err()
        .contains("4.0"));
    assert!(read_header(b"PK\x03\x04").unwrap_err().contains("magic"));
}
