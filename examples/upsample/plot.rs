//! The spectrum plot: lines drawn by hand into an RGB buffer, a 5x7 bitmap font for the
//! labels, and the `png` crate to encode it. No plotting crate.

use std::path::Path;

type Rgb = [u8; 3];

pub const INPUT: Rgb = [230, 120, 20]; // orange
pub const OUTPUT: Rgb = [30, 90, 200]; // blue
const AXES: Rgb = [40, 40, 40];
const GRID: Rgb = [225, 225, 225];
const MARKER: Rgb = [200, 30, 30];
const BACKGROUND: Rgb = [255, 255, 255];

const WIDTH: usize = 960;
const HEIGHT: usize = 540;
const LEFT: usize = 80;
const RIGHT: usize = 24;
const TOP: usize = 32;
const BOTTOM: usize = 60;
const SCALE: usize = 2; // font pixels per bitmap pixel

/// One curve: `(frequency in Hz, level in dB)` points, in increasing frequency.
pub struct Curve<'a> {
    pub points: Vec<(f64, f64)>,
    pub colour: Rgb,
    pub label: &'a str,
}

/// Plots `curves` (the last on top) over `0..=max_hz` and `db_range`, with a vertical
/// marker at `marker_hz`, and writes the PNG to `path`.
pub fn spectrum_png(
    path: &Path,
    curves: &[Curve],
    max_hz: f64,
    db_range: (f64, f64),
    marker_hz: f64,
) -> Result<(), String> {
    let mut c = Canvas::new();
    let (x0, x1) = (LEFT as f64, (WIDTH - RIGHT) as f64);
    let (y0, y1) = (TOP as f64, (HEIGHT - BOTTOM) as f64);
    let (lo, hi) = db_range;
    let px = |hz: f64| x0 + hz / max_hz * (x1 - x0);
    let py = |db: f64| y0 + (hi - db.clamp(lo, hi)) / (hi - lo) * (y1 - y0);

    // Grid and ticks: every 2 kHz (labelled every 4) and every 20 dB.
    for khz in (0..=(max_hz / 1000.0) as usize).step_by(2) {
        let x = px(khz as f64 * 1000.0);
        c.line(x, y0, x, y1, GRID);
        c.line(x, y1, x, y1 + if khz % 4 == 0 { 8.0 } else { 4.0 }, AXES);
        if khz % 4 == 0 {
            let text = khz.to_string();
            c.text(
                x as usize - text_width(&text) / 2,
                y1 as usize + 14,
                &text,
                AXES,
            );
        }
    }
    let mut db = hi;
    while db >= lo {
        let y = py(db);
        c.line(x0, y, x1, y, GRID);
        c.line(x0 - 8.0, y, x0, y, AXES);
        let text = format!("{db:.0}");
        c.text(LEFT - 14 - text_width(&text), y as usize - 7, &text, AXES);
        db -= 20.0;
    }
    c.text((x0 + x1) as usize / 2 - 15, HEIGHT - 24, "kHz", AXES);
    c.text(LEFT - 14 - text_width("dB"), 4, "dB", AXES);

    // The input's Nyquist frequency: dashed.
    let xm = px(marker_hz);
    let mut y = y0;
    while y < y1 {
        c.line(xm, y, xm, (y + 6.0).min(y1), MARKER);
        y += 12.0;
    }
    let text = format!("{:.0} kHz", marker_hz / 1000.0);
    c.text(xm as usize + 6, y1 as usize - 22, &text, MARKER);

    for curve in curves {
        for pair in curve.points.windows(2) {
            let ((fa, da), (fb, db)) = (pair[0], pair[1]);
            c.line(px(fa), py(da), px(fb), py(db), curve.colour);
        }
    }

    // Legend, top right.
    let mut y = TOP + 12;
    for curve in curves {
        let x = WIDTH - RIGHT - 16 - text_width(curve.label) - 40;
        c.fill(x, y + 6, 30, 3, curve.colour);
        c.text(x + 40, y, curve.label, AXES);
        y += 22;
    }

    // Axes last, over the grid.
    c.line(x0, y0, x0, y1, AXES);
    c.line(x0, y1, x1, y1, AXES);
    c.write(path)
}

struct Canvas {
    rgb: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            rgb: BACKGROUND.repeat(WIDTH * HEIGHT),
        }
    }

    fn set(&mut self, x: i64, y: i64, colour: Rgb) {
        if (0..WIDTH as i64).contains(&x) && (0..HEIGHT as i64).contains(&y) {
            let i = 3 * (y as usize * WIDTH + x as usize);
            self.rgb[i..i + 3].copy_from_slice(&colour);
        }
    }

    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, colour: Rgb) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.set(xx as i64, yy as i64, colour);
            }
        }
    }

    /// Bresenham between the rounded end points.
    fn line(&mut self, xa: f64, ya: f64, xb: f64, yb: f64, colour: Rgb) {
        let (mut x, mut y) = (xa.round() as i64, ya.round() as i64);
        let (x1, y1) = (xb.round() as i64, yb.round() as i64);
        let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
        let (sx, sy) = ((x1 - x).signum(), (y1 - y).signum());
        let mut err = dx + dy;
        loop {
            self.set(x, y, colour);
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn text(&mut self, x: usize, y: usize, text: &str, colour: Rgb) {
        for (i, ch) in text.chars().enumerate() {
            let rows = glyph(ch);
            for (r, bits) in rows.iter().enumerate() {
                for col in 0..5 {
                    if bits >> (4 - col) & 1 == 1 {
                        let (gx, gy) = (x + (i * 6 + col) * SCALE, y + r * SCALE);
                        self.fill(gx, gy, SCALE, SCALE, colour);
                    }
                }
            }
        }
    }

    fn write(&self, path: &Path) -> Result<(), String> {
        let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
        let file = std::fs::File::create(path).map_err(|e| err(&e))?;
        let mut encoder =
            png::Encoder::new(std::io::BufWriter::new(file), WIDTH as u32, HEIGHT as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| err(&e))?;
        writer.write_image_data(&self.rgb).map_err(|e| err(&e))?;
        writer.finish().map_err(|e| err(&e))
    }
}

fn text_width(text: &str) -> usize {
    text.chars().count() * 6 * SCALE - SCALE
}

/// 5x7 bitmaps and a descender row, one row a byte (bit 4 the leftmost column), for the
/// characters the plot uses; anything else is blank.
fn glyph(ch: char) -> [u8; 8] {
    match ch {
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E, 0x00],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E, 0x00],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F, 0x00],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E, 0x00],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02, 0x00],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E, 0x00],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E, 0x00],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08, 0x00],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E, 0x00],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C, 0x00],
        '-' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C, 0x00],
        '(' => [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02, 0x00],
        ')' => [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08, 0x00],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E, 0x00],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11, 0x00],
        'a' => [0x00, 0x00, 0x0E, 0x01, 0x0F, 0x11, 0x0F, 0x00],
        'c' => [0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E, 0x00],
        'd' => [0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F, 0x00],
        'e' => [0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E, 0x00],
        'i' => [0x04, 0x00, 0x0C, 0x04, 0x04, 0x04, 0x0E, 0x00],
        'k' => [0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12, 0x00],
        'l' => [0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E, 0x00],
        'n' => [0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00],
        'o' => [0x00, 0x00, 0x0E, 0x11, 0x11, 0x11, 0x0E, 0x00],
        'p' => [0x00, 0x00, 0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10],
        'r' => [0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10, 0x00],
        's' => [0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E, 0x00],
        't' => [0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06, 0x00],
        'u' => [0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0D, 0x00],
        'z' => [0x00, 0x00, 0x1F, 0x02, 0x04, 0x08, 0x1F, 0x00],
        _ => [0; 8],
    }
}
