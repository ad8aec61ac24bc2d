//! The spectrum plot: `plotters` draws it into an RGB buffer and `png` encodes it. The
//! text is Noto Sans from `ttf-noto-sans`, rasterised by `ab_glyph`, so that the plot
//! looks the same on every machine, with or without system fonts.

use std::error::Error;
use std::path::Path;

use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

pub const INPUT: RGBColor = RGBColor(230, 120, 20); // orange
pub const OUTPUT: RGBColor = RGBColor(30, 90, 200); // blue
const MARKER: RGBColor = RGBColor(200, 30, 30);
const AXES: RGBColor = RGBColor(40, 40, 40);

const WIDTH: u32 = 960;
const HEIGHT: u32 = 540;
/// The font's name: the one plotters' defaults ask for, so that no text goes without it.
const FONT: &str = "sans-serif";

/// One curve: `(frequency in Hz, level in dB)` points, in increasing frequency.
pub struct Curve<'a> {
    pub points: Vec<(f64, f64)>,
    pub colour: RGBColor,
    pub label: &'a str,
}

/// Plots `curves` (the last on top) over `0..=max_hz` and `db_range`, with a dashed
/// vertical line at `marker_hz`, and writes the PNG to `path`.
pub fn spectrum_png(
    path: &Path,
    curves: &[Curve],
    max_hz: f64,
    db_range: (f64, f64),
    marker_hz: f64,
) -> Result<(), String> {
    register_font(FONT, FontStyle::Normal, ttf_noto_sans::REGULAR)
        .map_err(|_| "ttf-noto-sans: the font does not parse".to_string())?;
    let mut rgb = vec![0; 3 * (WIDTH * HEIGHT) as usize];
    draw(&mut rgb, curves, max_hz, db_range, marker_hz).map_err(|e| format!("plot: {e}"))?;
    write_png(path, &rgb).map_err(|e| format!("{}: {e}", path.display()))
}

fn draw(
    rgb: &mut [u8],
    curves: &[Curve],
    max_hz: f64,
    (lo, hi): (f64, f64),
    marker_hz: f64,
) -> Result<(), Box<dyn Error>> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(20)
        .x_label_area_size(56)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..max_hz / 1e3, lo..hi)?;
    chart
        .configure_mesh()
        .x_labels(13) // every 2 kHz
        .y_labels(11) // every 20 dB
        .max_light_lines(1)
        .x_label_formatter(&|khz| format!("{khz:.0}"))
        .y_label_formatter(&|db| format!("{db:.0}"))
        .x_desc("frequency (kHz)")
        .y_desc("level (dB)")
        .label_style((FONT, 17).into_font().color(&AXES))
        .axis_desc_style((FONT, 19).into_font().color(&AXES))
        .axis_style(AXES)
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(240, 240, 240))
        .draw()?;

    let legend = |colour: RGBColor| {
        move |(x, y): (i32, i32)| PathElement::new([(x, y), (x + 30, y)], colour.stroke_width(3))
    };
    for curve in curves {
        // Levels below the plot (down to the spectra's -300 dB floor) run along its bottom.
        let points = curve
            .points
            .iter()
            .map(|&(hz, db)| (hz / 1e3, db.clamp(lo, hi)));
        chart
            .draw_series(LineSeries::new(points, curve.colour))?
            .label(curve.label)
            .legend(legend(curve.colour));
    }
    let marker = [(marker_hz / 1e3, lo), (marker_hz / 1e3, hi)];
    chart
        .draw_series(DashedLineSeries::new(marker, 6, 6, MARKER.into()))?
        .label(format!(
            "{:.0} kHz, the input's Nyquist frequency",
            marker_hz / 1e3
        ))
        .legend(legend(MARKER));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .legend_area_size(44)
        .label_font((FONT, 17).into_font().color(&AXES))
        .background_style(WHITE.mix(0.9))
        .border_style(AXES)
        .draw()?;
    root.present()?;
    Ok(())
}

fn write_png(path: &Path, rgb: &[u8]) -> Result<(), Box<dyn Error>> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    Ok(writer.finish()?)
}
