//! Errors for what only run time can know.

use core::fmt;

use crate::backend::Backend;

/// What a layer call can refuse at run time.
///
/// Shapes are checked at compile time; what remains is only known at run time: the number
/// of items in a batch, and what the CPU can run.
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
    /// A forced backend that this CPU lacks, or that has no kernel for the layer's element
    /// type (only [`Backend::Scalar`] runs `f64`); nothing was written.
    BackendUnavailable {
        /// The backend asked for.
        backend: Backend,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BatchMismatch { inputs, outputs } => write!(
                f,
                "batch has {inputs} inputs but {outputs} outputs; they must be equal"
            ),
            Error::BackendUnavailable { backend } => write!(
                f,
                "backend {backend} is not available on this CPU or for this element type"
            ),
        }
    }
}

impl core::error::Error for Error {}
