//! What reading a file allocates, measured by a counting global allocator (this test
//! binary's own): a hostile header's claims never turn into allocations; a file of N
//! bytes costs at most 64 N bytes (plus 64 KiB) at the peak, whatever it says, read and
//! rendered. One test, so that no other thread allocates while it measures.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use common::*;
use conv_transpose_import::{render, try_render_array, LayerSpec, Tensors};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    let live = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as the old and new blocks both live, as a copying realloc has them.
            grow(new_size);
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Bytes allocated at the peak while `file` is opened, each tensor read, and each
/// rendered as an array and (if 3-d) as a layer; the file's own bytes not counted.
fn peak_of(file: &str, bytes: Vec<u8>) -> usize {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    if let Ok(t) = Tensors::from_bytes(file, bytes) {
        for name in t.names() {
            if let Ok(tensor) = t.tensor_f32(&name) {
                let _ = try_render_array("T", &tensor.shape, &tensor.data);
                let spec = LayerSpec::new("W", name, 4, 2).allow_non_finite(true);
                let _ = render(&t, &spec);
            }
        }
    }
    PEAK.load(Relaxed) - base
}

fn npy_raw(major: u8, header: &[u8], len_field: u32, data: &[u8]) -> Vec<u8> {
    let mut out = b"\x93NUMPY".to_vec();
    out.extend([major, 0]);
    if major == 1 {
        out.extend((len_field as u16).to_le_bytes());
    } else {
        out.extend(len_field.to_le_bytes());
    }
    out.extend(header);
    out.extend(data);
    out
}

#[test]
fn a_file_of_n_bytes_allocates_a_small_multiple_of_n() {
    let f4 = b"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    let mut claims = f4.to_vec();
    claims.resize(172, b' ');
    let w: Vec<f32> = (0..2 * 3 * 4).map(|i| i as f32).collect();
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        // The 184-byte file whose header-length field says 3.3 GB.
        ("claims.npy", npy_raw(2, &claims, 3_300_000_000, &[])),
        ("claims1.npy", npy_raw(1, f4, 65535, &[])),
        (
            "big.npy",
            npy_file("<f4", &[1 << 40, 1 << 40, 1 << 40], false, &[]),
        ),
        ("empty.npy", npy_file("<f4", &[1 << 62, 0], false, &[])),
        ("short.npy", npy_file("<f4", &[1 << 28], false, &[0; 8])),
        (
            "fortran.npy",
            npy_file("<f4", &[2, 3, 4], true, &f32_bytes(&w)),
        ),
        (
            "valid.npy",
            npy_file("<f4", &[2, 3, 4], false, &f32_bytes(&w)),
        ),
        (
            "valid.safetensors",
            f32_file(&[("w", &[2, 3, 4], &w), ("b", &[3], &[1.0; 3])]),
        ),
    ];
    let mut header = u64::MAX.to_le_bytes().to_vec();
    header.extend(b"{}");
    files.push(("claims.safetensors", header));
    let json = r#"{"w":{"dtype":"F32","shape":[1073741824],"data_offsets":[0,4294967296]}}"#;
    let mut st = (json.len() as u64).to_le_bytes().to_vec();
    st.extend(json.as_bytes());
    st.extend([0; 16]);
    files.push(("offsets.safetensors", st));
    // A valid file whose one tensor has 100000 dimensions of 1 (the JSON is 2 bytes a
    // dimension, the shape 8), and one of 20000 empty tensors.
    let dims = vec!["1"; 100_000].join(",");
    let json = format!(r#"{{"w":{{"dtype":"F32","shape":[{dims}],"data_offsets":[0,4]}}}}"#);
    let mut st = (json.len() as u64).to_le_bytes().to_vec();
    st.extend(json.as_bytes());
    st.extend([0; 4]);
    files.push(("rank.safetensors", st));
    let entries: Vec<String> = (0..20_000)
        .map(|i| format!(r#""t{i}":{{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#))
        .collect();
    let json = format!("{{{}}}", entries.join(","));
    let mut st = (json.len() as u64).to_le_bytes().to_vec();
    st.extend(json.as_bytes());
    files.push(("many.safetensors", st));
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "npy") {
            files.push(("data.npy", std::fs::read(path).unwrap()));
        }
    }
    for (file, bytes) in files {
        let n = bytes.len();
        let peak = peak_of(file, bytes);
        assert!(
            peak <= 64 * n + (64 << 10),
            "{file}: {n} bytes took {peak} bytes at the peak"
        );
    }
    // The counter counts: a megabyte is seen as one.
    let peak = peak_of("none.npy", vec![]);
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let v = vec![1u8; 1 << 20];
    assert!(PEAK.load(Relaxed) - base >= 1 << 20);
    drop(v);
    assert!(peak < 1 << 20);
}
