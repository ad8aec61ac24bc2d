//! `conv-transpose-import`: prints the Rust source of one `conv_transpose` layer, or of a
//! whole network described in a TOML file, from a checkpoint's tensors. See `--help`.

use std::io::Write;
use std::process::ExitCode;

use conv_transpose_import::{
    default_name, render, render_network, CropRight, ElementType, LayerSpec, Network, Tensors,
};

const USAGE: &str = "\
conv-transpose-import: Rust source for a conv_transpose layer from PyTorch weights

USAGE:
    conv-transpose-import FILE --weight NAME [--bias NAME] --len L --stride S
        [--padding P] [--padding-right PR | --causal] [--dilation D]
        [--output-padding OP] [--groups G] [--in-channels C] [--out-channels C]
        [--kernel K] [--name IDENT] [--q15] [--allow-non-finite] [--fold-weight-norm]
    conv-transpose-import FILE --network DESCRIPTION.toml [--allow-non-finite]

FILE is a .safetensors file, or a .npy file holding the weight alone. Tensors must be
float32 (`.float()` in PyTorch before saving). The source goes to standard output.
With --network, FILE must be a .safetensors file and DESCRIPTION.toml describes the
layers, their hyper-parameters and activations (see the crate docs of
conv-transpose-import for its keys): the source declares every layer, the whole-signal
chain and the stream chain.

OPTIONS:
    --weight NAME          weight tensor, PyTorch layout (CIN, COUT/groups, K)
                           (not needed for a .npy FILE)
    --bias NAME            bias tensor (COUT); for a .npy FILE, the path of a .npy file
    --len L                input frames (required)
    --stride S             stride (required)
    --padding P            padding (default 0): frames cropped from each end, or from
                           the left end only with --padding-right
    --padding-right PR     frames cropped from the right end (default: P)
    --causal               a causal layer: nothing cropped on the left,
                           D*(K-1) + OP + 1 - S on the right (L frames give L*S)
    --dilation D           dilation (default 1)
    --output-padding OP    output padding (default 0)
    --groups G             groups (default 1)
    --in-channels C        check the weight's input channels
    --out-channels C       check the layer's output channels
    --kernel K             check the weight's kernel size
    --name IDENT           the static's SCREAMING_CASE name (default from the weight's
                           name: `ups.0.weight` gives UPS_0); the type alias is its
                           UpperCamelCase form (Ups0)
    --q15                  Q15 fixed point: weights scaled by 2^-n (NAME_SHIFT) and rounded
    --allow-non-finite     keep NaN and infinite weights and bias values (f32 only; without
                           it they are an error naming the tensor and the element)
    --fold-weight-norm     where the weight tensor is absent, fold it from PREFIX.weight_g
                           and PREFIX.weight_v, or PREFIX.parametrizations.weight.original0
                           and .original1, as PyTorch computes it
    --network FILE         a whole network from a TOML description (always folds weight
                           normalisation); takes no layer options
    -h, --help             print this text

EXIT STATUS: 0 on success, 1 if the file cannot be imported, 2 on a usage error.
";

/// The parsed command line.
#[derive(Default)]
struct Args {
    file: Option<String>,
    weight: Option<String>,
    bias: Option<String>,
    name: Option<String>,
    len: Option<usize>,
    stride: Option<usize>,
    padding: Option<usize>,
    padding_right: Option<usize>,
    network: Option<String>,
    dilation: Option<usize>,
    output_padding: Option<usize>,
    groups: Option<usize>,
    in_channels: Option<usize>,
    out_channels: Option<usize>,
    kernel: Option<usize>,
    q15: bool,
    allow_non_finite: bool,
    causal: bool,
    fold_weight_norm: bool,
    help: bool,
}

/// Stores `value` in `slot`, refusing a second occurrence of `flag`.
fn set<T>(slot: &mut Option<T>, flag: &str, value: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("{flag} given twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn number(flag: &str, value: &str) -> Result<usize, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} takes a non-negative integer, not `{value}`"))
}

fn parse(argv: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    let mut argv = argv.into_iter();
    let mut only_files = false;
    while let Some(arg) = argv.next() {
        if only_files || !arg.starts_with('-') || arg == "-" {
            set(&mut args.file, "FILE", arg).map_err(|_| "more than one FILE given".to_string())?;
            continue;
        }
        if arg == "--" {
            only_files = true;
            continue;
        }
        // `--flag=value` or `--flag value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => {
                args.help = true;
                continue;
            }
            "--q15" | "--allow-non-finite" | "--causal" | "--fold-weight-norm" => {
                if inline.is_some() {
                    return Err(format!("{flag} takes no value"));
                }
                let slot = match flag.as_str() {
                    "--q15" => &mut args.q15,
                    "--causal" => &mut args.causal,
                    "--fold-weight-norm" => &mut args.fold_weight_norm,
                    _ => &mut args.allow_non_finite,
                };
                if *slot {
                    return Err(format!("{flag} given twice"));
                }
                *slot = true;
                continue;
            }
            _ => {}
        }
        let known = [
            "--weight",
            "--bias",
            "--name",
            "--len",
            "--stride",
            "--padding",
            "--padding-right",
            "--network",
            "--dilation",
            "--output-padding",
            "--groups",
            "--in-channels",
            "--out-channels",
            "--kernel",
        ];
        if !known.contains(&flag.as_str()) {
            return Err(format!("unknown option `{flag}`"));
        }
        let value = match inline {
            Some(v) => v,
            None => argv.next().ok_or_else(|| format!("{flag} needs a value"))?,
        };
        let f = flag.as_str();
        match f {
            "--weight" => set(&mut args.weight, f, value)?,
            "--bias" => set(&mut args.bias, f, value)?,
            "--name" => set(&mut args.name, f, value)?,
            "--len" => set(&mut args.len, f, number(f, &value)?)?,
            "--stride" => set(&mut args.stride, f, number(f, &value)?)?,
            "--padding" => set(&mut args.padding, f, number(f, &value)?)?,
            "--padding-right" => set(&mut args.padding_right, f, number(f, &value)?)?,
            "--network" => set(&mut args.network, f, value)?,
            "--dilation" => set(&mut args.dilation, f, number(f, &value)?)?,
            "--output-padding" => set(&mut args.output_padding, f, number(f, &value)?)?,
            "--groups" => set(&mut args.groups, f, number(f, &value)?)?,
            "--in-channels" => set(&mut args.in_channels, f, number(f, &value)?)?,
            "--out-channels" => set(&mut args.out_channels, f, number(f, &value)?)?,
            _ => set(&mut args.kernel, f, number(f, &value)?)?,
        }
    }
    Ok(args)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\nRun `conv-transpose-import --help` for the usage.");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut argv = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(a) => argv.push(a),
            Err(a) => return usage_error(&format!("argument {a:?} is not valid UTF-8")),
        }
    }
    let args = match parse(argv) {
        Ok(args) => args,
        Err(message) => return usage_error(&message),
    };
    if args.help {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Some(file) = args.file.clone() else {
        return usage_error("no FILE given");
    };
    if let Some(description) = &args.network {
        return network(&file, description, &args);
    }
    if args.causal && (args.padding.is_some() || args.padding_right.is_some()) {
        return usage_error(
            "--causal sets both crops itself: it takes no --padding or --padding-right",
        );
    }
    let Some(len) = args.len else {
        return usage_error("--len is required");
    };
    let Some(stride) = args.stride else {
        return usage_error("--stride is required");
    };
    let tensors = match Tensors::open(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let weight = match (&args.weight, tensors.is_npy()) {
        (Some(w), _) => w.clone(),
        (None, true) => String::new(),
        (None, false) => return usage_error("--weight is required for a safetensors FILE"),
    };
    let name = args.name.clone().unwrap_or_else(|| {
        if tensors.is_npy() {
            default_name(&tensors.names().concat())
        } else {
            default_name(&weight)
        }
    });
    let mut spec = LayerSpec::new(name, weight, len, stride);
    spec.bias = args.bias.clone();
    spec.padding = args.padding.unwrap_or(spec.padding);
    if let Some(right) = args.padding_right {
        spec.padding_right = CropRight::Frames(right);
    }
    if args.causal {
        spec = spec.causal();
    }
    spec.fold_weight_norm = args.fold_weight_norm;
    spec.dilation = args.dilation.unwrap_or(spec.dilation);
    spec.output_padding = args.output_padding.unwrap_or(spec.output_padding);
    spec.groups = args.groups.unwrap_or(spec.groups);
    spec.in_channels = args.in_channels;
    spec.out_channels = args.out_channels;
    spec.kernel = args.kernel;
    if args.q15 {
        spec.element = ElementType::Q15;
    }
    spec.allow_non_finite = args.allow_non_finite;
    print_source(render(&tensors, &spec))
}

/// `FILE --network DESCRIPTION`: the whole network's source.
fn network(file: &str, description: &str, args: &Args) -> ExitCode {
    let layer_options = [
        ("--weight", args.weight.is_some()),
        ("--bias", args.bias.is_some()),
        ("--name", args.name.is_some()),
        ("--len", args.len.is_some()),
        ("--stride", args.stride.is_some()),
        ("--padding", args.padding.is_some()),
        ("--padding-right", args.padding_right.is_some()),
        ("--dilation", args.dilation.is_some()),
        ("--output-padding", args.output_padding.is_some()),
        ("--groups", args.groups.is_some()),
        ("--in-channels", args.in_channels.is_some()),
        ("--out-channels", args.out_channels.is_some()),
        ("--kernel", args.kernel.is_some()),
        ("--q15", args.q15),
        ("--causal", args.causal),
        ("--fold-weight-norm", args.fold_weight_norm),
    ];
    if let Some((flag, _)) = layer_options.iter().find(|(_, given)| *given) {
        return usage_error(&format!(
            "{flag} is a layer option: with --network, the description gives each layer's"
        ));
    }
    let mut net = match Network::open(description) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    net.allow_non_finite |= args.allow_non_finite;
    let tensors = match Tensors::open(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    print_source(render_network(&tensors, &net))
}

/// Prints the source, or the error; the exit code says which.
fn print_source(source: Result<String, conv_transpose_import::ImportError>) -> ExitCode {
    match source {
        Ok(source) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(source.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: writing the source: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
