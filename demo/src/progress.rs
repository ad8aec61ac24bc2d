//! Progress on stderr, so that a long file does not look like a hang.

use std::time::{Duration, Instant};

/// A percentage on stderr every half second, for long inputs.
pub struct Progress {
    label: &'static str,
    total: usize,
    done: usize,
    last: Instant,
    shown: bool,
}

impl Progress {
    pub fn new(label: &'static str, total: usize) -> Progress {
        Progress {
            label,
            total: total.max(1),
            done: 0,
            last: Instant::now(),
            shown: false,
        }
    }

    pub fn advance(&mut self, frames: usize) {
        self.done += frames;
        if self.last.elapsed() >= Duration::from_millis(500) {
            self.last = Instant::now();
            self.shown = true;
            let percent = (100 * self.done / self.total).min(100);
            eprintln!("  {}: {percent} %", self.label);
        }
    }

    /// Closes a report that showed at least once; a quick pass stays silent.
    pub fn done(&mut self) {
        if std::mem::take(&mut self.shown) {
            eprintln!("  {}: 100 %", self.label);
        }
    }
}
