//! Q15 kernels: the portable kernel, and SIMD bodies for mono and depthwise layers.

use super::{scalar, Args};
use crate::{Backend, Error, Q15};

/// The backend `forward` uses for `Q15`.
pub(crate) fn best() -> Backend {
    Backend::Scalar
}

/// Whether `backend` runs `Q15` here.
pub(crate) fn supports(backend: Backend) -> bool {
    backend == Backend::Scalar
}

/// One `Q15` forward pass on `backend`.
pub(crate) fn forward(
    backend: Backend,
    a: &mut Args<'_, Q15>,
    acc: &mut [i64],
) -> Result<(), Error> {
    if !supports(backend) {
        return Err(Error::BackendUnavailable { backend });
    }
    scalar::forward(a, acc);
    Ok(())
}
