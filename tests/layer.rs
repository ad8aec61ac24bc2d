//! The public contract beyond the numbers: constants, errors, NaN, statics.

mod common;

use conv_transpose::{
    output_padding_for, ConvTranspose1d, DepthwiseConvTranspose1d, Error, Geometry,
    GroupedConvTranspose1d,
};

#[test]
fn constants_follow_the_formula() {
    type A = ConvTranspose1d<64, 1, 1, 8, 4>;
    assert_eq!(A::OUT_LEN, 63 * 4 + 7 + 1);
    assert_eq!((A::GROUPS, A::CIN_G, A::FLOPS), (1, 1, 2 * 64 * 8));
    type B = GroupedConvTranspose1d<10, 6, 4, 2, 5, 3, 2, 2, 1, f64>;
    assert_eq!(B::OUT_LEN, 9 * 3 - 4 + 2 * 4 + 1 + 1);
    assert_eq!((B::GROUPS, B::CIN_G, B::FLOPS), (2, 3, 2 * 10 * 6 * 2 * 5));
    let g = B::GEOMETRY;
    assert_eq!(g.len_out(), Some(B::OUT_LEN));
    assert_eq!((g.in_per_group(), g.out_per_group()), (3, 2));
    type C = DepthwiseConvTranspose1d<1024, 2, 32, 2>;
    assert_eq!((C::GROUPS, C::CIN_G, C::FLOPS), (2, 1, 2 * 1024 * 2 * 32));
}

#[test]
fn geometry_rejects_what_the_types_reject() {
    let ok = Geometry {
        len_in: 2,
        in_channels: 1,
        out_channels: 1,
        groups: 1,
        kernel: 3,
        stride: 2,
        padding: 2,
        padding_right: 2,
        dilation: 1,
        output_padding: 0,
    };
    assert_eq!(ok.len_out(), Some(1));
    // Every rule the types enforce, not only the length; overflow refused, never wrapped.
    let invalid = [
        Geometry { padding: 3, ..ok },
        Geometry { len_in: 0, ..ok },
        Geometry { stride: 0, ..ok },
        Geometry { groups: 0, ..ok },
        Geometry {
            in_channels: 3,
            out_channels: 2,
            groups: 2,
            ..ok
        },
        Geometry {
            in_channels: 2,
            out_channels: 3,
            groups: 2,
            ..ok
        },
        Geometry {
            out_channels: 0,
            ..ok
        },
        Geometry {
            output_padding: 2,
            ..ok
        },
        Geometry {
            len_in: usize::MAX,
            ..ok
        },
        Geometry {
            padding: usize::MAX / 2 + 1,
            padding_right: usize::MAX / 2 + 1,
            ..ok
        },
        Geometry {
            padding: 1,
            padding_right: usize::MAX,
            ..ok
        },
        // Crops of 5 from a full result of 5 frames, on one side or split.
        Geometry {
            padding: 0,
            padding_right: 5,
            ..ok
        },
        Geometry {
            padding: 4,
            padding_right: 1,
            ..ok
        },
    ];
    for g in invalid {
        assert_eq!(g.len_out(), None, "{g:?}");
    }
    // (2-1)*2 + 3*(3-1) + 2 + 1: output padding 2 is legal once D = 3 > 2.
    let dilated = Geometry {
        output_padding: 2,
        dilation: 3,
        padding: 0,
        padding_right: 0,
        ..ok
    };
    assert_eq!(dilated.len_out(), Some(11));
    // Crops on one side only: the causal case, the whole crop on the right.
    for (left, right) in [(0, 4), (4, 0), (1, 3), (3, 1)] {
        let g = Geometry {
            padding: left,
            padding_right: right,
            ..ok
        };
        assert_eq!(g.len_out(), Some(1), "{g:?}");
    }
    assert_eq!(Geometry { groups: 0, ..ok }.flops(), 0);
    assert_eq!(
        Geometry {
            len_in: usize::MAX,
            ..ok
        }
        .flops(),
        usize::MAX
    );
    assert_eq!(output_padding_for(2, 3, 2, usize::MAX, 1, 1), None);
}

#[test]
fn output_padding_helper_names_a_layer() {
    const OP: usize = match output_padding_for(10, 4, 2, 1, 1, 21) {
        Some(op) => op,
        None => panic!(),
    };
    assert_eq!(ConvTranspose1d::<10, 1, 1, 4, 2, 1, 1, OP>::OUT_LEN, 21);
    assert_eq!(output_padding_for(10, 4, 2, 1, 1, 0), None);
}

#[test]
fn batch_length_mismatch_is_an_error_and_writes_nothing() {
    type Up = ConvTranspose1d<2, 1, 1, 2, 2>;
    let up = Up::from_torch(&[[[1.0, 1.0]]], None);
    let x = [[[1.0f32]; 2]; 3];
    let mut y = [[[7.0f32]; Up::OUT_LEN]; 2];
    assert_eq!(
        up.forward_batch(&x, &mut y),
        Err(Error::BatchMismatch {
            inputs: 3,
            outputs: 2
        })
    );
    assert!(y.as_flattened().iter().all(|v| *v == [7.0]));
    let x = [[[1.0f32; 2]; 1]; 1];
    let mut y = [[[7.0f32; Up::OUT_LEN]; 1]; 0];
    assert_eq!(
        up.forward_batch_ncl(&x, &mut y),
        Err(Error::BatchMismatch {
            inputs: 1,
            outputs: 0
        })
    );
    assert_eq!(
        Error::BatchMismatch {
            inputs: 3,
            outputs: 2
        }
        .to_string(),
        "batch has 3 inputs but 2 outputs; they must be equal"
    );
    assert_eq!(up.forward_batch::<{ Up::OUT_LEN }>(&[], &mut []), Ok(()));
}

/// A NaN or infinity in one input frame reaches exactly the outputs that frame feeds,
/// and only those (same group, taps at i*S + k*D - P).
#[test]
fn non_finite_inputs_reach_only_their_outputs() {
    type L = GroupedConvTranspose1d<6, 4, 4, 2, 3, 2, 1, 2, 1>;
    let w = [[[0.5f32; 3]; 2]; 4];
    let layer = L::from_torch(&w, Some(&[0.1; 4]));
    for bad in [f32::NAN, f32::INFINITY] {
        let mut x = [[1.0f32; 4]; 6];
        x[2][1] = bad; // frame 2, channel 1: group 0, outputs 0 and 1
        let mut y = [[0.0f32; 4]; L::OUT_LEN];
        layer.forward(&x, &mut y);
        for (n, frame) in y.iter().enumerate() {
            for (co, v) in frame.iter().enumerate() {
                let reached = co < 2 && (0..3).any(|k| 2 * 2 + k * 2 == n + 1);
                if reached {
                    assert!(
                        !v.is_finite(),
                        "output {n}/{co} should be non-finite, is {v}"
                    );
                    if bad.is_nan() {
                        assert!(v.is_nan());
                    }
                } else {
                    assert!(v.is_finite(), "output {n}/{co} should be finite, is {v}");
                }
            }
        }
    }
}

const W: [[[f32; 4]; 1]; 1] = [[[0.25, 0.75, 0.75, 0.25]]];
static UP2: ConvTranspose1d<4, 1, 1, 4, 2, 1> = ConvTranspose1d::from_torch(&W, Some(&[1.0]));

/// A `static` layer is immutable data (no interior mutability: it can live in flash),
/// can be shared between threads, and computes what the oracle says.
#[test]
fn static_layer_is_shared_read_only_data() {
    fn shareable<T: Sync + Send + Copy + 'static>(_: &T) {}
    shareable(&UP2);
    let x = [[1.0f32], [-2.0], [3.0], [0.5]];
    let xs: Vec<f64> = x.iter().map(|v| v[0] as f64).collect();
    let w: Vec<f64> = W[0][0].iter().map(|&v| v as f64).collect();
    assert_eq!(UP2.bias(), Some(&[1.0]));
    let reference = common::oracle(
        &ConvTranspose1d::<4, 1, 1, 4, 2, 1>::GEOMETRY,
        &xs,
        &w,
        Some(&[1.0]),
    );
    let y: Vec<[f32; 1]> = std::thread::scope(|s| {
        s.spawn(|| {
            let mut y = [[f32::NAN; 1]; 8];
            UP2.forward(&x, &mut y);
            y.to_vec()
        })
        .join()
        .unwrap()
    });
    common::assert_close("static", y.as_flattened(), &reference);
}

/// The `static` layer lies in a mapping the process cannot write: the compiler put the
/// repacked weights in read-only data (flash, on a microcontroller), and nothing copies
/// or patches them at start-up.
#[cfg(target_os = "linux")]
#[cfg_attr(miri, ignore = "Miri isolates the process from /proc")]
#[test]
fn static_layer_is_in_read_only_memory() {
    let addr = &UP2 as *const _ as usize;
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let perms = maps
        .lines()
        .find_map(|line| {
            let (range, rest) = line.split_once(' ')?;
            let (lo, hi) = range.split_once('-')?;
            let (lo, hi) = (
                usize::from_str_radix(lo, 16).ok()?,
                usize::from_str_radix(hi, 16).ok()?,
            );
            (lo..hi)
                .contains(&addr)
                .then(|| rest.split(' ').next().unwrap().to_owned())
        })
        .expect("static layer not in any mapping");
    assert!(
        perms.starts_with("r-"),
        "static layer mapped {perms}, expected read-only"
    );
}
