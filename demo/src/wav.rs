//! WAV input and output, by `hound`.

use std::path::Path;

use crate::{create_parent, display, Failure, RATE_IN, RATE_OUT};

/// Every channel of a 16 kHz WAV file as f32 in `[-1, 1)`, from 8- to 32-bit integer or
/// 32-bit float samples. Any other rate is refused rather than played at the wrong speed.
pub fn read_wav(path: &Path) -> Result<Vec<Vec<[f32; 1]>>, Failure> {
    let input = |e: &dyn std::fmt::Display| Failure::Input(format!("{}: {e}", display(path)));
    let mut reader = hound::WavReader::open(path).map_err(|e| input(&e))?;
    let spec = reader.spec();
    if spec.sample_rate != RATE_IN {
        return Err(input(&format!(
            "the file is at {} Hz; this demo upsamples 16000 Hz to 48000 Hz and does not \
             reinterpret other rates (resample first, e.g. `sox in.wav -r 16000 in16k.wav`)",
            spec.sample_rate
        )));
    }
    let bits = spec.bits_per_sample;
    let samples: Result<Vec<f32>, _> = match (spec.sample_format, bits) {
        (hound::SampleFormat::Float, 32) => reader.samples::<f32>().collect(),
        (hound::SampleFormat::Int, 1..=16) => {
            let scale = 1.0 / (1u32 << (bits - 1)) as f32;
            let s = reader.samples::<i16>();
            s.map(|v| v.map(|v| v as f32 * scale)).collect()
        }
        (hound::SampleFormat::Int, 17..=32) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f64;
            let s = reader.samples::<i32>();
            s.map(|v| v.map(|v| (v as f64 * scale) as f32)).collect()
        }
        (format, bits) => {
            return Err(input(&format!(
                "{bits}-bit {format:?} samples are not supported"
            )))
        }
    };
    let samples = samples.map_err(|e| input(&e))?;
    let c = usize::from(spec.channels);
    if samples.len() < c {
        return Err(input(&"no samples"));
    }
    Ok((0..c)
        .map(|ch| samples.iter().skip(ch).step_by(c).map(|&v| [v]).collect())
        .collect())
}

/// `channels` as a 48 kHz WAV of 32-bit floats: the output is not rounded again.
pub fn write_wav(path: &Path, channels: &[Vec<[f32; 1]>]) -> Result<(), Failure> {
    let err = |e: hound::Error| Failure::Other(format!("{}: {e}", display(path)));
    create_parent(path)?;
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: RATE_OUT,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(err)?;
    for i in 0..channels[0].len() {
        for c in channels {
            writer.write_sample(c[i][0]).map_err(err)?;
        }
    }
    writer.finalize().map_err(err)
}
