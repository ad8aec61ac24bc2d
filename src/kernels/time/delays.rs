//! The time kernel's plan: the input delays of a layer and the phases each reaches,
//! computed from the layer's stride, taps and dilation alone, so that a layer type holds
//! it as a constant ([`Delays::new`] is a `const fn`) and no call recomputes it.

use crate::geometry::Geometry;
use crate::kernels::plan::PhaseTaps;

/// Phases one block can hold in registers (`S <= 8`).
pub(super) const MAX_PHASES: usize = 8;
/// Distinct input delays the plan can hold (one byte each).
const MAX_DELAYS: usize = 128;

/// The delays of a layer with `S <= 8` whose taps reach back fewer than 128 input frames,
/// and which phases each reaches (`fits` is false for any other layer).
pub(crate) struct Delays {
    /// The delays, those that reach every phase first.
    pub(super) delay: [u8; MAX_DELAYS],
    /// Bit `r` set: phase `r` has a tap at this delay.
    pub(super) phases: [u8; MAX_DELAYS],
    /// How many delays there are.
    pub(super) count: usize,
    /// The first `full` delays reach every phase.
    pub(super) full: usize,
    /// The largest delay (the smallest is 0: tap 0 is in phase 0 with delay 0).
    pub(super) hi: usize,
    /// The layer is one the plan holds.
    pub(super) fits: bool,
}

impl Delays {
    /// The plan of layer `g` (its length and padding play no part).
    pub(crate) const fn new(g: &Geometry) -> Self {
        let none = PhaseTaps::new(g, usize::MAX); // no phase: a placeholder
        let mut p = Delays {
            delay: [0; MAX_DELAYS],
            phases: [0; MAX_DELAYS],
            count: 0,
            full: 0,
            hi: 0,
            fits: false,
        };
        let mut taps = [none; MAX_PHASES];
        let s = g.stride;
        if s == 0 || s > MAX_PHASES {
            return p;
        }
        let mut r = 0;
        while r < s {
            let tp = PhaseTaps::new(g, r);
            if tp.count > 0 {
                let last = tp.first_offset + (tp.count - 1) * tp.offset_step.get();
                if last > p.hi {
                    p.hi = last;
                }
            }
            taps[r] = tp;
            r += 1;
        }
        if p.hi >= MAX_DELAYS {
            return p;
        }
        let mut at = [0u8; MAX_DELAYS];
        r = 0;
        while r < s {
            let tp = taps[r];
            let mut j = 0;
            while j < tp.count {
                at[tp.first_offset + j * tp.offset_step.get()] |= 1 << r;
                j += 1;
            }
            r += 1;
        }
        // Delays that reach every phase first: their loop needs no test per phase.
        let all = ((1u16 << s) - 1) as u8;
        let mut pass = 0;
        while pass < 2 {
            let full = pass == 0;
            let mut o = 0;
            while o <= p.hi {
                let phases = at[o];
                if phases != 0 && (phases == all) == full {
                    p.delay[p.count] = o as u8; // below MAX_DELAYS = 128
                    p.phases[p.count] = phases;
                    p.count += 1;
                }
                o += 1;
            }
            if full {
                p.full = p.count;
            }
            pass += 1;
        }
        p.fits = true;
        p
    }
}
