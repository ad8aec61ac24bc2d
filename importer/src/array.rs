//! Rust source for arrays: nested array literals of exact `f32` bits (or Q15 values),
//! wrapped to rustfmt's width, and [`try_render_array`] for whole `static` arrays.

use conv_transpose::Q15;

use crate::error::ImportError;
use crate::spec::is_screaming_case;
use crate::tensors::checked_product;

/// Lines are filled up to this many columns (rustfmt's default).
const WIDTH: usize = 100;

/// The most dimensions [`try_render_array`] writes (nesting the writer recurses through).
const MAX_RANK: usize = 32;

/// How many nested arrays beyond `rank * len` [`try_render_array`] writes: the empty
/// arrays of a shape with a zero dimension.
const MAX_EMPTY_ARRAYS: usize = 1024;

/// `f32::from_bits(0x3c23d70a)`: the exact bits, nothing lost to decimal printing.
pub(crate) fn f32_literal(v: f32) -> String {
    format!("f32::from_bits(0x{:08x})", v.to_bits())
}

/// `::conv_transpose::Q15::from_bits(-1234)`.
pub(crate) fn q15_literal(v: Q15) -> String {
    format!("::conv_transpose::Q15::from_bits({})", v.to_bits())
}

/// Writes `items` (C order) as nested array literals of `shape`: `indent` spaces, then
/// `prefix` and the opening bracket, ..., the closing bracket and `suffix`, and a newline.
/// An array that fits in [`WIDTH`] columns goes on one line; otherwise its elements go
/// on lines of their own, the innermost arrays' scalars filling lines to the width.
/// `items.len()` must be the product of `shape`.
pub(crate) fn write_nested(
    out: &mut String,
    indent: usize,
    prefix: &str,
    shape: &[usize],
    items: &[String],
    suffix: &str,
) {
    let pad = " ".repeat(indent);
    let Some((&first, inner)) = shape.split_first() else {
        // A scalar.
        let item = items.first().map(String::as_str).unwrap_or("");
        out.push_str(&format!("{pad}{prefix}{item}{suffix}\n"));
        return;
    };
    if inner.is_empty() {
        let one_line = format!("{pad}{prefix}[{}]{suffix}", items.join(", "));
        if one_line.len() <= WIDTH {
            out.push_str(&one_line);
            out.push('\n');
            return;
        }
        out.push_str(&format!("{pad}{prefix}[\n"));
        let inner_pad = " ".repeat(indent + 4);
        let mut line = String::new();
        for item in items {
            if !line.is_empty() && inner_pad.len() + line.len() + 1 + item.len() + 1 > WIDTH {
                out.push_str(&format!("{inner_pad}{line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(item);
            line.push(',');
        }
        if !line.is_empty() {
            out.push_str(&format!("{inner_pad}{line}\n"));
        }
        out.push_str(&format!("{pad}]{suffix}\n"));
        return;
    }
    // Try the whole thing on one line first (small arrays).
    let flat_len: usize = items.iter().map(|s| s.len() + 4).sum::<usize>() + indent + 8;
    if flat_len <= WIDTH {
        let mut one = String::new();
        write_flat(&mut one, shape, items);
        let one_line = format!("{pad}{prefix}{one}{suffix}");
        if one_line.len() <= WIDTH {
            out.push_str(&one_line);
            out.push('\n');
            return;
        }
    }
    out.push_str(&format!("{pad}{prefix}[\n"));
    let step = checked_product(inner).unwrap_or(0);
    for i in 0..first {
        let chunk = items.get(i * step..(i + 1) * step).unwrap_or_default();
        write_nested(out, indent + 4, "", inner, chunk, ",");
    }
    out.push_str(&format!("{pad}]{suffix}\n"));
}

/// `[[a, b], [c, d]]` on one line.
fn write_flat(out: &mut String, shape: &[usize], items: &[String]) {
    let Some((&first, inner)) = shape.split_first() else {
        out.push_str(items.first().map(String::as_str).unwrap_or(""));
        return;
    };
    let step = checked_product(inner).unwrap_or(0);
    out.push('[');
    for i in 0..first {
        if i > 0 {
            out.push_str(", ");
        }
        write_flat(
            out,
            inner,
            items.get(i * step..(i + 1) * step).unwrap_or_default(),
        );
    }
    out.push(']');
}

/// `[[f32; 3]; 2]` for shape `(2, 3)`.
fn array_type(element: &str, shape: &[usize]) -> String {
    shape
        .iter()
        .rev()
        .fold(element.to_string(), |t, d| format!("[{t}; {d}]"))
}

/// `pub static NAME: [[f32; d1]; d0] = [[f32::from_bits(0x...), ...], ...];`: an array of
/// any rank (a scalar for an empty shape) with the exact bits of `data` (C order), as
/// [`crate::read_npy_f32`] returns it. For inputs and expected outputs in tests.
///
/// # Errors
/// [`ImportError::Hyperparameters`] if `name` is not a SCREAMING_CASE identifier,
/// [`ImportError::Shape`] if `data.len()` is not the product of `shape`, the shape has
/// more than 32 dimensions, or its literal would be mostly empty arrays (more than 1024
/// nested arrays beyond the rank times the element count, as in shape `(1000000, 0)`):
/// the source stays proportional to the data.
pub fn try_render_array(name: &str, shape: &[usize], data: &[f32]) -> Result<String, ImportError> {
    if !is_screaming_case(name) {
        return Err(ImportError::Hyperparameters {
            name: name.to_string(),
            message: "the name must be a SCREAMING_CASE Rust identifier".to_string(),
        });
    }
    if checked_product(shape) != Some(data.len()) {
        return Err(ImportError::Shape {
            name: name.to_string(),
            expected: format!("{} elements in all", data.len()),
            found: shape.to_vec(),
        });
    }
    if shape.len() > MAX_RANK {
        return Err(ImportError::Shape {
            name: name.to_string(),
            expected: format!("at most {MAX_RANK} dimensions for an array literal"),
            found: shape.to_vec(),
        });
    }
    // Each prefix of the shape is a level of nested arrays; with every dimension at least
    // 1 there are at most `rank * len` of them, but a zero dimension after large ones
    // makes that many empty arrays out of no data.
    let mut arrays = Some(0usize);
    let mut level = 1usize;
    for &d in shape.iter().take(shape.len().saturating_sub(1)) {
        level = level.saturating_mul(d);
        arrays = arrays.and_then(|a| a.checked_add(level));
    }
    let allowed = shape
        .len()
        .saturating_mul(data.len())
        .saturating_add(MAX_EMPTY_ARRAYS);
    if arrays.is_none_or(|a| a > allowed) {
        return Err(ImportError::Shape {
            name: name.to_string(),
            expected: format!(
                "a shape whose literal has at most {MAX_EMPTY_ARRAYS} nested arrays beyond \
                 the rank times the element count ({} elements)",
                data.len()
            ),
            found: shape.to_vec(),
        });
    }
    let items: Vec<String> = data.iter().map(|&v| f32_literal(v)).collect();
    let mut out = String::new();
    write_nested(
        &mut out,
        0,
        &format!("pub static {name}: {} = ", array_type("f32", shape)),
        shape,
        &items,
        ";",
    );
    Ok(out)
}

/// [`try_render_array`] for names and data the program itself controls.
///
/// # Panics
/// Where [`try_render_array`] returns an error: `name` is not SCREAMING_CASE,
/// `data.len()` is not the product of `shape`, or the shape is too deep or mostly empty
/// arrays.
pub fn render_array(name: &str, shape: &[usize], data: &[f32]) -> String {
    match try_render_array(name, shape, data) {
        Ok(s) => s,
        Err(e) => panic!("render_array: {e}"),
    }
}
