//! Invalid shapes do not compile, and the error names the rule (tests/ui/*.stderr); nor
//! does a filter design built or changed field by field, past `Interpolator::new`'s checks.
//!
//! trybuild only type-checks unless a `pass` case is present; with one it builds every
//! case, so the checks that fire at monomorphisation (a `forward` output of the wrong
//! length, a mis-shaped MLX or MAX weight) are proven too.

#[test]
fn shape_rules() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_*.rs");
    t.compile_fail("tests/ui/fail_*.rs");
}
