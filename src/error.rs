//! Errors for what only run time can know.

use core::fmt;

/// What a layer call can refuse at run time.
///
/// Shapes are checked at compile time; what remains are lengths only known at run time,
/// such as the number of items in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// A batch call got a different number of inputs and outputs; nothing was written.
    BatchMismatch {
        /// Items in the input batch.
        inputs: usize,
        /// Items in the output batch.
        outputs: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BatchMismatch { inputs, outputs } => write!(
                f,
                "batch has {inputs} inputs but {outputs} outputs; they must be equal"
            ),
        }
    }
}

impl core::error::Error for Error {}
