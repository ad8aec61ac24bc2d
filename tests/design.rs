//! The designed interpolators meet the attenuation and ripple their docs promise,
//! measured by evaluating the frequency response of the `f32` taps densely.

use conv_transpose::design::{kaiser_beta, taps_for, transition_width, DesignError, Interpolator};
use std::f64::consts::PI;

/// |H(f)| at `f` cycles per output sample.
fn gain(taps: &[f32], f: f64) -> f64 {
    let (mut re, mut im) = (0.0, 0.0);
    for (k, &t) in taps.iter().enumerate() {
        let w = 2.0 * PI * f * k as f64;
        re += t as f64 * w.cos();
        im -= t as f64 * w.sin();
    }
    re.hypot(im)
}

/// Worst passband deviation from 1 and worst stopband gain (both relative to S), over
/// 20 points per tap of each band.
fn measure(taps: &[f32], stride: usize, pass_edge: f64, stop_edge: f64) -> (f64, f64) {
    let s = stride as f64;
    let points = 20 * taps.len();
    let nyq_in = 0.5 / s; // the input Nyquist in cycles per output sample
    let mut ripple: f64 = 0.0;
    for i in 0..=points {
        let f = pass_edge * nyq_in * i as f64 / points as f64;
        ripple = ripple.max((gain(taps, f) / s - 1.0).abs());
    }
    let mut stop: f64 = 0.0;
    for i in 0..=points * s as usize {
        let f = stop_edge * nyq_in + (0.5 - stop_edge * nyq_in) * i as f64 / (points as f64 * s);
        stop = stop.max(gain(taps, f) / s);
    }
    (ripple, stop)
}

fn check<const K: usize>(stride: usize, attenuation: f64) {
    let design = Interpolator::for_attenuation(stride, K, attenuation).unwrap();
    let taps: [f32; K] = design.taps();
    let width = transition_width(K, stride, attenuation).unwrap();
    let (pass, stop) = (design.cutoff() - width / 2.0, design.cutoff() + width / 2.0);
    assert!(
        (stop - 1.0).abs() < 1e-12,
        "the stopband starts at the input Nyquist"
    );
    let (ripple, leak) = measure(&taps, stride, pass, stop);
    let delta = 10f64.powf(-attenuation / 20.0);
    let leak_db = -20.0 * leak.log10();
    println!("S={stride} K={K} A={attenuation}: stopband {leak_db:.2} dB, passband ripple {ripple:.2e} (bound {delta:.2e})");
    assert!(
        leak <= delta,
        "S={stride} K={K}: stopband only {leak_db:.2} dB down, wanted {attenuation}"
    );
    assert!(
        ripple <= 1.25 * delta,
        "S={stride} K={K}: passband ripple {ripple:e} above 1.25 x {delta:e}"
    );
    let sum: f32 = taps.iter().sum();
    assert!(
        (sum - stride as f32).abs() < 1e-5 * stride as f32,
        "unity passband gain"
    );
    // A design that asks for less than it needs fails the same check: the bound is tight.
    let loose: [f32; K] = Interpolator::new(
        stride,
        design.cutoff(),
        kaiser_beta(attenuation - 10.0).unwrap(),
    )
    .unwrap()
    .taps();
    let (_, leak) = measure(&loose, stride, pass, stop);
    assert!(leak > delta, "the measurement would notice 10 dB less");
}

#[test]
fn attenuation_and_ripple_as_documented() {
    check::<32>(2, 60.0);
    check::<64>(4, 60.0);
    check::<48>(3, 60.0);
    check::<48>(3, 80.0);
    check::<96>(3, 100.0);
    check::<24>(2, 40.0);
    check::<121>(5, 90.0);
    check::<200>(2, 120.0);
    check::<33>(8, 30.0);
}

#[test]
fn taps_for_inverts_transition_width() {
    for (s, a, k) in [(2, 60.0, 32), (3, 80.0, 48), (4, 100.0, 97)] {
        let w = transition_width(k, s, a).unwrap();
        assert_eq!(taps_for(s, w, a), Ok(k));
    }
}

#[test]
fn symmetric_and_centred() {
    let taps: [f32; 49] = Interpolator::new(3, 1.0, kaiser_beta(70.0).unwrap())
        .unwrap()
        .taps();
    for k in 0..49 {
        assert!((taps[k] - taps[48 - k]).abs() <= 1e-7);
    }
    // The centre tap of a full-band x3 interpolator is 1, the taps at multiples of 3 from
    // it are 0: every input sample passes through unchanged at its own phase.
    assert!((taps[24] - 1.0).abs() < 1e-3, "{}", taps[24]);
    for j in [3, 6, 9, 21] {
        assert!(taps[24 + j].abs() < 1e-6, "{}", taps[24 + j]);
    }
}

#[test]
fn too_few_taps_is_refused() {
    let e = Interpolator::for_attenuation(4, 8, 100.0).unwrap_err();
    assert_eq!(
        e,
        DesignError::TooFewTaps {
            taps: 8,
            stride: 4,
            attenuation_db: 100.0
        }
    );
    assert!(e.to_string().contains("too few taps"), "{e}");
}

/// Invalid arguments are refused with the error that names the rule, in debug and release
/// builds alike; every argument of every design function is swept over extreme values,
/// and where a value is valid the result is finite and not degenerate. (That an
/// `Interpolator` cannot be built or changed field by field, past these checks, is
/// `tests/ui/fail_interpolator_*.rs`.)
mod refusals {
    use conv_transpose::design::{
        kaiser_beta, taps_for, transition_width, DesignError, Interpolator, MAX_ATTENUATION_DB,
        MAX_BETA,
    };

    const SUB64: f64 = f64::MIN_POSITIVE / 2.0;
    const BIG: usize = 1 << 26;
    /// Every extreme `f64`: zero, subnormal, both infinities, NaN, negative, and the two
    /// large integers as floats.
    const F64S: [f64; 8] = [
        0.0,
        SUB64,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -1.0,
        BIG as f64,
        usize::MAX as f64,
    ];

    /// `a` and `b` are the same number, NaN included.
    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits()
    }

    /// `n` taps of `design`: all finite, summing to the stride (so not all zero), and the
    /// same as `f32`.
    fn check_taps(design: &Interpolator, n: usize) {
        let mut taps = vec![f64::NAN; n];
        design.fill(&mut taps);
        let s = design.stride() as f64;
        assert!(
            taps.iter().all(|t| t.is_finite()),
            "{design:?} n={n}: {taps:?}"
        );
        let sum: f64 = taps.iter().sum();
        if n > 0 {
            assert!((sum - s).abs() <= 1e-9 * s, "{design:?} n={n}: sum {sum}");
        }
        let t32: [f32; 5] = design.taps();
        assert!(t32.iter().all(|t| t.is_finite()));
        let sum32: f64 = t32.iter().map(|&t| f64::from(t)).sum();
        assert!((sum32 - s).abs() <= 1e-6 * s, "{design:?}: f32 sum {sum32}");
    }

    // --- The probe's reproducers ---

    #[test]
    fn taps_for_zero_tiny_width_infinite_attenuation_huge_stride() {
        // These overflowed `ceil(k) as usize + 1`: a panic in debug, 0 taps in release.
        assert_eq!(
            taps_for(3, 0.0, 80.0),
            Err(DesignError::TransitionWidth { width: 0.0 })
        );
        assert_eq!(
            taps_for(3, SUB64, 80.0),
            Err(DesignError::TapCountOverflow {
                stride: 3,
                width: SUB64,
                attenuation_db: 80.0
            })
        );
        assert_eq!(
            taps_for(3, 0.1, f64::INFINITY),
            Err(DesignError::Attenuation {
                attenuation_db: f64::INFINITY
            })
        );
        assert_eq!(
            taps_for(usize::MAX, 0.1, 80.0),
            Err(DesignError::TapCountOverflow {
                stride: usize::MAX,
                width: 0.1,
                attenuation_db: 80.0
            })
        );
        // The error's message names the same rule, not an arithmetic overflow.
        for (got, rule) in [
            (
                taps_for(3, 0.0, 80.0),
                "transition width must be positive and finite",
            ),
            (taps_for(3, SUB64, 80.0), "does not fit a usize"),
            (taps_for(3, 0.1, f64::INFINITY), "attenuation must be"),
            (taps_for(usize::MAX, 0.1, 80.0), "does not fit a usize"),
        ] {
            let msg = got.unwrap_err().to_string();
            assert!(msg.contains(rule), "{msg}");
        }
    }

    #[test]
    fn bessel_overflow_is_refused_not_nan() {
        // kaiser_beta(6500) is about 715.7, where I0 is infinite and every tap was NaN.
        assert!(matches!(
            kaiser_beta(6500.0),
            Err(DesignError::Attenuation { attenuation_db }) if attenuation_db == 6500.0
        ));
        let msg = kaiser_beta(6500.0).unwrap_err().to_string();
        assert!(msg.contains("[0, 6300]"), "{msg}");
        for beta in [715.67, 713.99, MAX_BETA.next_up()] {
            // No design with such a beta exists to write taps from: its fields are private,
            // so `new` is the only way to one.
            let got = Interpolator::new(2, 0.9, beta);
            assert_eq!(got, Err(DesignError::Beta { beta }));
            let msg = got.unwrap_err().to_string();
            assert!(msg.contains("beta must be finite and in [0, 700]"), "{msg}");
        }
        // The limits themselves design finite filters, in f64 and in f32.
        let beta = kaiser_beta(MAX_ATTENUATION_DB).unwrap();
        assert!(beta > 690.0 && beta <= MAX_BETA, "{beta}");
        assert!(matches!(
            kaiser_beta(MAX_ATTENUATION_DB.next_up()),
            Err(DesignError::Attenuation { .. })
        ));
        for n in [1, 2, 3, 8, 49] {
            check_taps(&Interpolator::new(2, 0.9, MAX_BETA).unwrap(), n);
        }
        let k = taps_for(3, 1.0, MAX_ATTENUATION_DB).unwrap();
        let d = Interpolator::for_attenuation(3, k, MAX_ATTENUATION_DB).unwrap();
        check_taps(&d, k);
        let mut taps = vec![0.0; k];
        d.fill(&mut taps);
        // A 6300 dB window: the centre tap carries the most, the ends next to nothing.
        assert!(
            taps[k / 2] > 0.1 && taps[0].abs() < 1e-200,
            "{} {}",
            taps[k / 2],
            taps[0]
        );
    }

    // --- Every argument of every function, swept ---

    #[test]
    fn kaiser_beta_attenuation() {
        for a in F64S {
            let got = kaiser_beta(a);
            if a == 0.0 || a == SUB64 {
                assert_eq!(got, Ok(0.0), "{a}");
            } else {
                let Err(e @ DesignError::Attenuation { attenuation_db }) = got else {
                    panic!("{a}: {got:?}")
                };
                assert!(same(attenuation_db, a));
                let msg = e.to_string();
                assert!(msg.starts_with("the attenuation must be"), "{msg}");
            }
        }
        // Kaiser's three pieces, unchanged for valid attenuations.
        assert_eq!(kaiser_beta(10.0), Ok(0.0));
        assert!(
            (kaiser_beta(30.0).unwrap() - (0.5842 * 12f64.powf(0.4) + 0.07886 * 12.0)).abs()
                < 1e-12
        );
        assert!((kaiser_beta(80.0).unwrap() - 0.1102 * (83.0 - 8.7)).abs() < 1e-12);
    }

    #[test]
    fn transition_width_every_argument() {
        // taps
        for (taps, want) in [
            (0, Err(())),
            (1, Err(())),
            (2, Ok(())),
            (BIG, Ok(())),
            (usize::MAX, Ok(())),
        ] {
            let got = transition_width(taps, 3, 60.0);
            match want {
                Err(()) => assert_eq!(
                    got,
                    Err(DesignError::TooFewTaps {
                        taps,
                        stride: 3,
                        attenuation_db: 60.0
                    })
                ),
                Ok(()) => {
                    let w = got.unwrap();
                    assert!(w.is_finite() && w > 0.0, "{taps}: {w}");
                }
            }
        }
        // One tap needs no band for an attenuation that needs none (at most 4.95 dB).
        assert_eq!(transition_width(1, 3, 4.95), Ok(0.0));
        assert!(transition_width(1, 3, 4.96).is_err());
        let msg = transition_width(0, 3, 60.0).unwrap_err().to_string();
        assert!(msg.starts_with("too few taps"), "{msg}");
        // stride
        assert_eq!(transition_width(48, 0, 60.0), Err(DesignError::StrideZero));
        for stride in [BIG, usize::MAX] {
            let w = transition_width(48, stride, 60.0).unwrap();
            assert!(w.is_finite() && w > 2.0, "{stride}: {w}");
        }
        // attenuation
        for a in F64S {
            let got = transition_width(48, 3, a);
            if a == 0.0 || a == SUB64 {
                assert_eq!(got, Ok(0.0), "{a}");
            } else {
                assert!(
                    matches!(got, Err(DesignError::Attenuation { attenuation_db }) if same(attenuation_db, a)),
                    "{a}: {got:?}"
                );
            }
        }
    }

    #[test]
    fn taps_for_every_argument() {
        // stride
        assert_eq!(taps_for(0, 0.5, 60.0), Err(DesignError::StrideZero));
        let k = taps_for(BIG, 0.5, 60.0).unwrap();
        // The inverse of transition_width, rounded up, as for small strides.
        assert!(transition_width(k, BIG, 60.0).unwrap() <= 0.5);
        assert!(transition_width(k - 1, BIG, 60.0).unwrap() > 0.5);
        assert!(k > 1 << 28, "{k}");
        assert!(matches!(
            taps_for(usize::MAX, 0.5, 60.0),
            Err(DesignError::TapCountOverflow { .. })
        ));
        // width
        for w in F64S {
            let got = taps_for(3, w, 60.0);
            if w == SUB64 {
                assert!(
                    matches!(got, Err(DesignError::TapCountOverflow { .. })),
                    "{got:?}"
                );
            } else if w == BIG as f64 || w == usize::MAX as f64 {
                // So wide a band needs the fewest taps the formula gives.
                assert_eq!(got, Ok(2), "{w}");
            } else {
                assert!(
                    matches!(got, Err(DesignError::TransitionWidth { width }) if same(width, w)),
                    "{w}: {got:?}"
                );
                let msg = got.unwrap_err().to_string();
                assert!(msg.contains("transition width must be positive and finite"));
            }
        }
        // attenuation
        for a in F64S {
            let got = taps_for(3, 0.5, a);
            if a == 0.0 || a == SUB64 {
                assert_eq!(got, Ok(1), "{a}");
                assert_eq!(transition_width(1, 3, a), Ok(0.0));
            } else {
                assert!(
                    matches!(got, Err(DesignError::Attenuation { attenuation_db }) if same(attenuation_db, a)),
                    "{a}: {got:?}"
                );
            }
        }
    }

    #[test]
    fn new_every_argument() {
        // stride: any from 1 designs finite taps, however huge.
        assert_eq!(Interpolator::new(0, 0.5, 8.0), Err(DesignError::StrideZero));
        let msg = Interpolator::new(0, 0.5, 8.0).unwrap_err().to_string();
        assert!(msg.contains("stride must be at least 1"), "{msg}");
        for stride in [1, BIG, usize::MAX] {
            let d = Interpolator::new(stride, 0.5, 8.0).unwrap();
            for n in [1, 2, 3, 48, 49] {
                check_taps(&d, n);
            }
        }
        // cutoff: (0, 1], subnormal included.
        for c in F64S {
            let got = Interpolator::new(3, c, 8.0);
            if c == SUB64 {
                for n in [1, 2, 48, 49] {
                    check_taps(&got.unwrap(), n);
                }
            } else {
                assert!(
                    matches!(got, Err(DesignError::Cutoff { cutoff }) if same(cutoff, c)),
                    "{c}: {got:?}"
                );
            }
        }
        assert!(Interpolator::new(3, 1.0, 8.0).is_ok());
        assert_eq!(
            Interpolator::new(3, 1f64.next_up(), 8.0),
            Err(DesignError::Cutoff {
                cutoff: 1f64.next_up()
            })
        );
        // beta: [0, MAX_BETA].
        for b in F64S {
            let got = Interpolator::new(3, 0.9, b);
            if b == 0.0 || b == SUB64 {
                check_taps(&got.unwrap(), 48);
            } else {
                assert!(
                    matches!(got, Err(DesignError::Beta { beta }) if same(beta, b)),
                    "{b}: {got:?}"
                );
            }
        }
    }

    #[test]
    fn for_attenuation_every_argument() {
        // stride
        assert_eq!(
            Interpolator::for_attenuation(0, 48, 60.0),
            Err(DesignError::StrideZero)
        );
        for stride in [BIG, usize::MAX] {
            assert_eq!(
                Interpolator::for_attenuation(stride, 48, 60.0),
                Err(DesignError::TooFewTaps {
                    taps: 48,
                    stride,
                    attenuation_db: 60.0
                })
            );
            // An attenuation that needs no transition band fits any stride.
            let d = Interpolator::for_attenuation(stride, 48, 0.0).unwrap();
            assert_eq!((d.cutoff(), d.beta()), (1.0, 0.0));
            check_taps(&d, 48);
        }
        // taps
        for taps in [0, 1, 8] {
            assert_eq!(
                Interpolator::for_attenuation(3, taps, 60.0),
                Err(DesignError::TooFewTaps {
                    taps,
                    stride: 3,
                    attenuation_db: 60.0
                })
            );
        }
        for taps in [BIG, usize::MAX] {
            let d = Interpolator::for_attenuation(3, taps, 60.0).unwrap();
            // 1 - width / 2: for usize::MAX taps the half width (about 5e-20) rounds away.
            assert!(
                d.cutoff() <= 1.0 && d.cutoff() > 0.999_999,
                "{}",
                d.cutoff()
            );
            assert_eq!(d.cutoff() < 1.0, taps == BIG);
            assert_eq!(Ok(d.beta()), kaiser_beta(60.0));
            check_taps(&d, 49);
        }
        // attenuation
        for a in F64S {
            let got = Interpolator::for_attenuation(3, 48, a);
            if a == 0.0 || a == SUB64 {
                let d = got.unwrap();
                assert_eq!((d.cutoff(), d.beta()), (1.0, 0.0));
                check_taps(&d, 48);
            } else {
                assert!(
                    matches!(got, Err(DesignError::Attenuation { attenuation_db }) if same(attenuation_db, a)),
                    "{a}: {got:?}"
                );
                let msg = got.unwrap_err().to_string();
                assert!(msg.contains("the attenuation must be"), "{msg}");
            }
        }
    }

    #[test]
    fn bad_fields_never_make_a_design() {
        let bad = [
            (0, 0.5, 8.0, DesignError::StrideZero),
            (3, 0.0, 8.0, DesignError::Cutoff { cutoff: 0.0 }),
            (3, 2.0, 8.0, DesignError::Cutoff { cutoff: 2.0 }),
            (3, 0.5, -1.0, DesignError::Beta { beta: -1.0 }),
            (
                3,
                0.5,
                f64::INFINITY,
                DesignError::Beta {
                    beta: f64::INFINITY,
                },
            ),
        ];
        // `new` is the only way to a design (the fields are private:
        // tests/ui/fail_interpolator_*.rs prove a struct literal and a field write do not
        // build), so no design with these fields reaches `fill` or `taps`.
        for (stride, cutoff, beta, want) in bad {
            assert_eq!(Interpolator::new(stride, cutoff, beta), Err(want));
        }
        // NaN fields, which no comparison equals.
        for (cutoff, beta) in [(f64::NAN, 8.0), (0.5, f64::NAN)] {
            assert!(matches!(
                Interpolator::new(3, cutoff, beta),
                Err(DesignError::Cutoff { .. } | DesignError::Beta { .. })
            ));
        }
        // No taps to write is not an error.
        let d = Interpolator::new(3, 0.5, 8.0).unwrap();
        d.fill(&mut []);
        assert_eq!(d.taps::<0>(), []);
    }

    #[test]
    fn every_valid_design_is_finite_and_sums_to_the_stride() {
        // The taps' sum is positive for every length, stride, cutoff and beta (the proof
        // is in Interpolator::fill); this is the grid that would show it is not.
        for stride in [1, 2, 3, 7, BIG, usize::MAX] {
            for cutoff in [SUB64, 1e-3, 0.3, 0.77, 1.0] {
                for beta in [0.0, 0.5, 5.0, 50.0, MAX_BETA] {
                    let d = Interpolator::new(stride, cutoff, beta).unwrap();
                    for n in 1..=40 {
                        let mut taps = vec![f64::NAN; n];
                        d.fill(&mut taps);
                        let sum: f64 = taps.iter().sum();
                        let s = stride as f64;
                        assert!(
                            taps.iter().all(|t| t.is_finite()) && (sum - s).abs() <= 1e-9 * s,
                            "{d:?} n={n}: sum {sum}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn errors_name_their_rule() {
        let cases = [
            (
                DesignError::StrideZero,
                "the stride must be at least 1, not 0",
            ),
            (
                DesignError::Attenuation {
                    attenuation_db: -80.0,
                },
                "the attenuation must be a finite number of dB in [0, 6300] \
                 (80.0 for images 80 dB down), not -80.0",
            ),
            (
                DesignError::TransitionWidth { width: 0.0 },
                "the transition width must be positive and finite, not 0.0",
            ),
            (
                DesignError::Cutoff { cutoff: 1.5 },
                "the cutoff is a fraction of the input Nyquist frequency in (0, 1], not 1.5",
            ),
            (
                DesignError::Beta { beta: f64::NAN },
                "beta must be finite and in [0, 700] (the window's Bessel function \
                 overflows f64 beyond), not NaN",
            ),
            (
                DesignError::TooFewTaps {
                    taps: 8,
                    stride: 4,
                    attenuation_db: 100.0,
                },
                "too few taps: 8 taps at stride 4 cannot fit the transition band of 100.0 dB \
                 below the input Nyquist frequency (see taps_for)",
            ),
            (
                DesignError::TapCountOverflow {
                    stride: 3,
                    width: 1e-300,
                    attenuation_db: 80.0,
                },
                "the tap count for 80.0 dB over a transition width of 1e-300 at stride 3 does not \
                 fit a usize",
            ),
        ];
        for (e, want) in cases {
            let got = e.to_string();
            assert!(got.starts_with(want), "{got}");
            let _: &dyn std::error::Error = &e;
        }
    }
}
