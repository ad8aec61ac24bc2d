//! The `.npy` header, read by a strict parser of exactly what NumPy writes.
//!
//! NumPy's format (`numpy.lib.format`): the magic `\x93NUMPY`, a major and a minor version
//! byte (1.0, 2.0 or 3.0), the header's length (a little-endian `u16` for 1.0, `u32` for
//! 2.0 and 3.0), then the header: the text of a Python dict literal with exactly the keys
//! `'descr'` (a dtype string such as `'<f4'`, or a list for a structured dtype),
//! `'fortran_order'` (`True` or `False`) and `'shape'` (a tuple of non-negative ints),
//! padded with spaces and ended by a newline; then the data. NumPy evaluates the header
//! with `ast.literal_eval`; here it is parsed by hand, in one pass with no backtracking
//! and nesting limited to [`MAX_DEPTH`], so that its time and memory are linear in its
//! length, which is checked against the file's before anything is read.

use crate::error::clip;

/// The first bytes of every `.npy` file.
pub(crate) const NPY_MAGIC: &[u8] = b"\x93NUMPY";

/// The most dimensions a shape may have: NumPy's own limit (`NPY_MAXDIMS` is 64 since
/// NumPy 2.0, 32 before).
pub(crate) const MAX_DIMS: usize = 64;

/// How deeply a structured dtype's `descr` list may nest before the header is refused
/// (NumPy writes one level per nested structure; real files have two or three).
const MAX_DEPTH: usize = 16;

/// The element type, as the header gives it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Descr {
    /// A dtype string such as `<f4` or `|u1`.
    Plain(String),
    /// A structured dtype (a list), kept as its header text for messages.
    Structured(String),
}

impl Descr {
    /// The dtype as a message shows it.
    pub(crate) fn text(&self) -> &str {
        match self {
            Descr::Plain(s) | Descr::Structured(s) => s,
        }
    }

    /// Whether this is little-endian `float32`, the one type read.
    pub(crate) fn is_f32(&self) -> bool {
        matches!(self, Descr::Plain(s) if s == "<f4")
    }

    /// The bytes of one element, for the plain types whose size the string gives
    /// (`<f8` 8, `<U3` 12, `<M8[ns]` 8); `None` for object arrays (`|O`: pickled, no
    /// fixed size), structured types and anything else.
    pub(crate) fn item_size(&self) -> Option<usize> {
        let Descr::Plain(s) = self else {
            return None;
        };
        let s = s.strip_prefix(['<', '>', '|', '=']).unwrap_or(s);
        let mut chars = s.chars();
        let kind = chars.next()?;
        if !kind.is_ascii_alphabetic() && kind != '?' || kind == 'O' {
            return None;
        }
        let rest = chars.as_str();
        // Datetimes carry a unit: `M8[ns]`.
        let digits = match rest.find('[') {
            Some(i) if rest.ends_with(']') && matches!(kind, 'M' | 'm') => &rest[..i],
            Some(_) => return None,
            None => rest,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: usize = digits.parse().ok()?;
        // Unicode strings count UCS-4 characters.
        if kind == 'U' {
            n.checked_mul(4)
        } else {
            Some(n)
        }
    }
}

/// What a `.npy` header says.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Header {
    pub(crate) descr: Descr,
    pub(crate) fortran_order: bool,
    pub(crate) shape: Vec<usize>,
    /// Where the data starts in the file.
    pub(crate) data_start: usize,
}

/// Reads the magic, version, header length and header of the file `bytes`. The error is
/// the message of an [`crate::ImportError::Format`], without the file's name.
pub(crate) fn read_header(bytes: &[u8]) -> Result<Header, String> {
    let Some(rest) = bytes.strip_prefix(NPY_MAGIC) else {
        return Err(if NPY_MAGIC.starts_with(bytes) {
            format!(
                "the file ends after {} bytes, inside the magic",
                bytes.len()
            )
        } else {
            "it does not start with NumPy's magic bytes `\\x93NUMPY`".to_string()
        });
    };
    let (&major, &minor) = match rest {
        [major, minor, ..] => (major, minor),
        _ => return Err("the file ends before the format version".to_string()),
    };
    let len_bytes = match (major, minor) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        _ => {
            return Err(format!(
                "format version {major}.{minor} is not one of NumPy's (1.0, 2.0, 3.0)"
            ))
        }
    };
    let header_start = NPY_MAGIC.len() + 2 + len_bytes;
    let Some(len_field) = bytes.get(NPY_MAGIC.len() + 2..header_start) else {
        return Err("the file ends inside the header length".to_string());
    };
    let header_len = len_field
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let available = bytes.len() - header_start;
    // Compared before anything is allocated: a length beyond the file is an error, not a
    // read of that many bytes.
    let header_len = usize::try_from(header_len)
        .ok()
        .filter(|&n| n <= available)
        .ok_or_else(|| {
            format!(
                "the header length field says {header_len} bytes, but only {available} bytes \
                 follow it (the file is truncated or the field is corrupt)"
            )
        })?;
    let data_start = header_start + header_len;
    let text = &bytes[header_start..data_start];
    let (descr, fortran_order, shape) = Parser {
        text,
        pos: 0,
        utf8: major == 3,
        python2_longs: major < 3,
    }
    .header()?;
    Ok(Header {
        descr,
        fortran_order,
        shape,
        data_start,
    })
}

/// A cursor over the header text.
struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    /// Format 3.0: strings are UTF-8 (1.0 and 2.0: Latin-1).
    utf8: bool,
    /// Formats 1.0 and 2.0 may come from Python 2, which wrote `3L` for a long int.
    python2_longs: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    /// The next character, shown in a message (`end of header` at the end).
    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the header".to_string(),
            Some(b) if b.is_ascii_graphic() => format!("`{}`", b as char),
            Some(b) => format!("byte 0x{b:02x}"),
        }
    }

    fn error(&self, wanted: &str) -> String {
        format!(
            "header: expected {wanted} at byte {} of the header, found {}",
            self.pos,
            self.found()
        )
    }

    /// Python's whitespace between tokens (a header may be wrapped or padded).
    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n' | b'\x0c')) {
            self.pos += 1;
        }
    }

    /// Skips whitespace, then consumes `c` if it is next.
    fn eat(&mut self, c: u8) -> bool {
        self.skip_space();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, wanted: &str) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(wanted))
        }
    }

    /// The dict, then nothing but whitespace to the header's end.
    fn header(mut self) -> Result<(Descr, bool, Vec<usize>), String> {
        self.expect(b'{', "the header dict's `{`")?;
        let mut descr = None;
        let mut fortran = None;
        let mut shape = None;
        loop {
            if self.eat(b'}') {
                break;
            }
            let key_at = self.pos;
            let key = self.string()?;
            self.expect(b':', "`:` after a key")?;
            let duplicate = match key.as_str() {
                "descr" => descr.replace(self.descr()?).is_some(),
                "fortran_order" => fortran.replace(self.boolean()?).is_some(),
                "shape" => shape.replace(self.shape()?).is_some(),
                _ => {
                    return Err(format!(
                        "header: unknown key {:?} at byte {key_at} (NumPy writes exactly \
                         'descr', 'fortran_order' and 'shape')",
                        clip(&key)
                    ))
                }
            };
            if duplicate {
                return Err(format!("header: key '{key}' appears twice"));
            }
            if !self.eat(b',') {
                self.expect(b'}', "`,` or `}` after a value")?;
                break;
            }
        }
        self.skip_space();
        if self.pos != self.text.len() {
            return Err(self.error("only spaces and a newline after the header dict"));
        }
        let missing: Vec<&str> = [
            ("'descr'", descr.is_none()),
            ("'fortran_order'", fortran.is_none()),
            ("'shape'", shape.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(k, _)| *k)
        .collect();
        match (descr, fortran, shape) {
            (Some(d), Some(f), Some(s)) => Ok((d, f, s)),
            _ => Err(format!("header: no {} key", missing.join(" or "))),
        }
    }

    /// A string literal in single or double quotes, without escapes or prefixes (NumPy's
    /// `repr` of a dtype string needs neither).
    fn string(&mut self) -> Result<String, String> {
        self.skip_space();
        let quote = match self.peek() {
            Some(q @ (b'\'' | b'"')) => q,
            _ => return Err(self.error("a string in quotes")),
        };
        let start = self.pos;
        self.pos += 1;
        let body_start = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    return Err(format!(
                        "header: the string that starts at byte {start} is not terminated"
                    ))
                }
                Some(b'\\') => {
                    return Err(format!(
                        "header: the string that starts at byte {start} has a backslash \
                         escape, which NumPy never writes"
                    ))
                }
                Some(q) if q == quote => break,
                Some(_) => self.pos += 1,
            }
        }
        let body = &self.text[body_start..self.pos];
        self.pos += 1;
        if self.utf8 {
            std::str::from_utf8(body)
                .map(str::to_string)
                .map_err(|_| format!("header: the string at byte {start} is not UTF-8"))
        } else {
            Ok(body.iter().map(|&b| char::from(b)).collect())
        }
    }

    /// A dtype string, or a structured dtype's list (skipped, kept as text).
    fn descr(&mut self) -> Result<Descr, String> {
        self.skip_space();
        if self.peek() == Some(b'[') {
            let start = self.pos;
            self.skip_literal(0)?;
            let text = String::from_utf8_lossy(&self.text[start..self.pos]);
            return Ok(Descr::Structured(clip(&text)));
        }
        self.string().map(Descr::Plain)
    }

    /// Skips one literal of a structured dtype's description: a string, an int, or a list
    /// or tuple of them, nested at most [`MAX_DEPTH`] deep.
    fn skip_literal(&mut self, depth: usize) -> Result<(), String> {
        self.skip_space();
        match self.peek() {
            Some(b'\'' | b'"') => self.string().map(drop),
            Some(b'0'..=b'9') => {
                while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.pos += 1;
                }
                Ok(())
            }
            Some(open @ (b'[' | b'(')) => {
                if depth >= MAX_DEPTH {
                    return Err(format!(
                        "header: the dtype description nests more than {MAX_DEPTH} deep"
                    ));
                }
                let close = if open == b'[' { b']' } else { b')' };
                self.pos += 1;
                loop {
                    if self.eat(close) {
                        return Ok(());
                    }
                    self.skip_literal(depth + 1)?;
                    if !self.eat(b',') {
                        return self.expect(close, "`,` or the closing bracket");
                    }
                }
            }
            _ => Err(self.error("a string, an int, a list or a tuple in the dtype")),
        }
    }

    fn boolean(&mut self) -> Result<bool, String> {
        self.skip_space();
        for (word, value) in [(&b"True"[..], true), (b"False", false)] {
            if self.text[self.pos..].starts_with(word) {
                let after = self.text.get(self.pos + word.len()).copied();
                if !after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    self.pos += word.len();
                    return Ok(value);
                }
            }
        }
        Err(self.error("`True` or `False` for 'fortran_order'"))
    }

    /// A tuple of non-negative ints: `()`, `(3,)`, `(2, 3)`, `(2, 3,)`.
    fn shape(&mut self) -> Result<Vec<usize>, String> {
        self.expect(b'(', "a tuple `(...)` for 'shape'")?;
        let mut dims = Vec::new();
        loop {
            if self.eat(b')') {
                // `(3)` is an int in Python, not a tuple.
                return Ok(dims);
            }
            if dims.len() == MAX_DIMS {
                return Err(format!(
                    "header: the shape has more than {MAX_DIMS} dimensions (NumPy's limit)"
                ));
            }
            dims.push(self.dimension()?);
            if !self.eat(b',') {
                if dims.len() == 1 {
                    return Err(self.error("`,` after the only dimension (`(n,)` is a tuple)"));
                }
                self.expect(b')', "`,` or `)` in the shape")?;
                return Ok(dims);
            }
        }
    }

    /// A decimal int without sign or leading zeros (Python's), `L` allowed after it in
    /// formats 1.0 and 2.0, at most `usize::MAX`.
    fn dimension(&mut self) -> Result<usize, String> {
        self.skip_space();
        let start = self.pos;
        if self.peek() == Some(b'-') {
            return Err(format!(
                "header: the shape has a negative dimension at byte {start}"
            ));
        }
        let mut value = Some(0usize);
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(usize::from(d - b'0')));
            self.pos += 1;
        }
        let digits = self.pos - start;
        if digits == 0 {
            return Err(self.error("a non-negative int in the shape"));
        }
        if digits > 1 && self.text[start] == b'0' {
            return Err(format!(
                "header: the dimension at byte {start} has a leading zero, which Python \
                 does not allow"
            ));
        }
        if self.python2_longs && matches!(self.peek(), Some(b'L' | b'l')) {
            self.pos += 1;
        }
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        {
            return Err(self.error("a non-negative int in the shape"));
        }
        value.ok_or_else(|| {
            format!(
                "header: the dimension at byte {start} ({digits} digits) is larger than \
                 {} (usize::MAX)",
                usize::MAX
            )
        })
    }
}

#[cfg(test)]
#[path = "npy_tests.rs"]
mod tests;
