//! Rendering a [`Network`]: every layer's weight table, the whole-signal chain, the
//! stream chain over the same weights, its state and the output activation; and
//! writing it where a build script or a command wants it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use conv_transpose::Geometry;

use crate::check::{check_with, hyper, Checked};
use crate::error::ImportError;
use crate::network::{in_layer, Activation, Bias, Network, Padding};
use crate::render::{layer_type, render_checked};
use crate::spec::{default_name, type_alias_name, CropRight, LayerSpec};
use crate::tensors::{file_name_of, Tensors};

/// What [`render_network`] knows of a layer once it is read and checked.
struct Resolved {
    spec: LayerSpec,
    checked: Checked,
    /// The type alias (`DecoderUps0`).
    alias: String,
    /// Its stream block length.
    block: usize,
    /// The activation after it (`Identity` for the last, whose activation is the
    /// network's output activation).
    activation: Activation,
}

/// The Rust source of a whole network: for each layer its weight table as a `static`
/// layer over its whole-signal length (the lengths follow from `input_len` layer by
/// layer) and its type alias, as [`crate::render`] writes them; then
///
/// - `NameOutputActivation` and `NAME_OUTPUT_ACTIVATION`: the output activation's type
///   and value;
/// - `Name` and `NAME`: the whole-signal chain, `conv_transpose::chain!` types nested left
///   to right over `&'static` layers, built with `Chain::new`;
/// - `NameLayerStream` for each layer: the layer type over its stream block (the first
///   layer's `stream_block`, then each previous block's output, `L*S`);
/// - `NameStream` and `NAME_STREAM`: the stream chain, built with `Chain::for_streaming`
///   over `with_len` views of the same statics (no weight is written twice);
/// - `NameStreamState` and `NAME_STREAM_STATE`: its state, the nested tuple of the
///   layers' `chunk_stream!`s, and a `const` at the start of a stream.
///
/// Weight normalisation is folded ([`Tensors::weight_f32`]); `f32` only.
///
/// # Errors
/// [`ImportError::Format`] for a `.npy` file (a network needs a safetensors file),
/// [`ImportError::Channels`] where a layer does not take the previous one's channels,
/// [`ImportError::Description`] for a description [`Network::from_toml`] would refuse,
/// and [`ImportError::InLayer`] around any error of one layer: a missing tensor, a
/// weight-normalisation pair with a half missing, a shape, a crop that leaves no output
/// frame (over the whole signal or one stream block), a non-finite value, a name clash.
pub fn render_network(tensors: &Tensors, net: &Network) -> Result<String, ImportError> {
    net.validate()?;
    if tensors.is_npy() {
        return Err(ImportError::Format {
            file: tensors.file().to_string(),
            message: "a network's tensors must come from a safetensors file, not a .npy file"
                .to_string(),
        });
    }
    let net_alias = type_alias_name(&net.name);
    let mut names: HashSet<String> = HashSet::new();
    for n in [
        net.name.clone(),
        net_alias.clone(),
        format!("{}_STREAM", net.name),
        format!("{net_alias}Stream"),
        format!("{}_STREAM_STATE", net.name),
        format!("{net_alias}StreamState"),
        format!("{}_OUTPUT_ACTIVATION", net.name),
        format!("{net_alias}OutputActivation"),
    ] {
        names.insert(n);
    }

    let last = net.layers.len() - 1;
    let mut resolved: Vec<Resolved> = Vec::with_capacity(net.layers.len());
    let mut len = net.input_len;
    let mut block = net.stream_block;
    for (i, layer) in net.layers.iter().enumerate() {
        let wrap = |e: ImportError| in_layer(i, &layer.weight, e);
        let own = match &layer.name {
            Some(n) => n.clone(),
            None => default_name(&layer.weight),
        };
        let name = format!("{}_{own}", net.name);
        let base = layer.weight.strip_suffix("weight");
        let bias = match &layer.bias {
            Bias::Off => None,
            Bias::Named(n) => Some(n.clone()),
            Bias::Required => match base {
                Some(b) => Some(format!("{b}bias")),
                None => {
                    return Err(wrap(net.description(format!(
                        "`bias = true` takes `PREFIX.bias` for a weight `PREFIX.weight`, but \
                         `{}` does not end in `weight`: name the bias",
                        crate::error::clip(&layer.weight)
                    ))))
                }
            },
            Bias::Auto => base
                .map(|b| format!("{b}bias"))
                .filter(|b| tensors.contains(b)),
        };
        let (padding, padding_right) = match (layer.causal, layer.padding) {
            (true, _) => (0, CropRight::Causal),
            (false, None) => (0, CropRight::SameAsLeft),
            (false, Some(Padding::Symmetric(p))) => (p, CropRight::SameAsLeft),
            (false, Some(Padding::LeftRight(l, r))) => (l, CropRight::Frames(r)),
        };
        let mut spec = LayerSpec::new(name, layer.weight.clone(), len, layer.stride)
            .dilation(layer.dilation)
            .output_padding(layer.output_padding)
            .groups(layer.groups)
            .allow_non_finite(net.allow_non_finite)
            .fold_weight_norm(true);
        spec.padding = padding;
        spec.padding_right = padding_right;
        spec.bias = bias;
        spec.in_channels = layer.in_channels;
        spec.out_channels = layer.out_channels;
        spec.kernel = layer.kernel;
        // The channels first: a wrong `groups` shows there before it shows in a bias.
        let previous = resolved.last();
        let channels = |g: &Geometry| match previous {
            Some(prev) if prev.checked.geometry.out_channels != g.in_channels => {
                Err(ImportError::Channels {
                    layer: i + 1,
                    weight: layer.weight.clone(),
                    in_channels: g.in_channels,
                    previous_weight: prev.spec.weight.clone(),
                    out_channels: prev.checked.geometry.out_channels,
                    previous_groups: prev.checked.geometry.groups,
                })
            }
            _ => Ok(()),
        };
        let checked = check_with(tensors, &spec, &channels).map_err(|e| match e {
            e @ ImportError::Channels { .. } => e,
            e => wrap(e),
        })?;
        let stream = Geometry {
            len_in: block,
            ..checked.geometry
        };
        if stream.len_out().is_none() {
            return Err(wrap(hyper(
                &spec,
                format!(
                    "a stream block of {block} frame(s) gives no output frame by itself \
                     ((L-1)*S - PL - PR + D*(K-1) + OP + 1 < 1 for L = {block}, PL = {}, PR = \
                     {}): raise `stream_block`",
                    stream.padding, stream.padding_right
                ),
            )));
        }
        let alias = type_alias_name(&spec.name);
        for n in [spec.name.clone(), alias.clone(), format!("{alias}Stream")] {
            if !names.insert(n.clone()) {
                return Err(wrap(hyper(
                    &spec,
                    format!(
                        "the generated name `{n}` clashes with another item of the network; \
                         give the layer another `name`"
                    ),
                )));
            }
        }
        let next_len = checked.len_out;
        let next_block = block.checked_mul(layer.stride).ok_or_else(|| {
            wrap(hyper(
                &spec,
                format!(
                    "the stream block output {block} * {} overflows usize",
                    layer.stride
                ),
            ))
        })?;
        resolved.push(Resolved {
            spec,
            checked,
            alias,
            block,
            activation: if i == last {
                Activation::Identity
            } else {
                layer.activation.unwrap_or_default()
            },
        });
        len = next_len;
        block = next_block;
    }
    Ok(write_network(tensors, net, &net_alias, &resolved))
}

/// `items` nested left to right as `head(head(a, act, b), act, c)`, one argument a line
/// (`head(a, b)` pairs, without activations, where `activations` is empty), indented
/// four spaces a level: `items[0]` innermost.
fn nested(
    head: &str,
    items: &[String],
    activations: &[Activation],
    act: impl Fn(Activation) -> String,
) -> String {
    fn level(
        head: &str,
        items: &[String],
        activations: &[Activation],
        act: &dyn Fn(Activation) -> String,
        n: usize,
        indent: usize,
    ) -> String {
        if n == 0 {
            return items[0].clone();
        }
        let pad = " ".repeat(indent + 4);
        let inner = level(head, items, activations, act, n - 1, indent + 4);
        let mid = activations
            .get(n - 1)
            .map(|&a| format!("{pad}{},\n", act(a)))
            .unwrap_or_default();
        format!(
            "{head}(\n{pad}{inner},\n{mid}{pad}{},\n{})",
            items[n],
            " ".repeat(indent)
        )
    }
    level(head, items, activations, &act, items.len() - 1, 0)
}

/// The source, from layers that passed every check.
fn write_network(tensors: &Tensors, net: &Network, net_alias: &str, layers: &[Resolved]) -> String {
    let name = &net.name;
    let first = &layers[0].checked.geometry;
    let last = &layers[layers.len() - 1].checked;
    let mut out = format!(
        "// @generated by conv-transpose-import {} from `{}` and the network description `{}`. \
         Do not edit: regenerate it.\n",
        env!("CARGO_PKG_VERSION"),
        tensors.file(),
        file_name_of(&net.file),
    );
    out.push_str(&format!(
        "//\n// Network `{name}`: {} frames of {} channels -> {} frames of {} channels, f32.\n",
        first.len_in, first.in_channels, last.len_out, last.geometry.out_channels
    ));
    for (i, l) in layers.iter().enumerate() {
        let g = &l.checked.geometry;
        let after = if i + 1 == layers.len() {
            format!("then the output activation {}", net.output_activation)
        } else {
            format!("then {}", l.activation)
        };
        out.push_str(&format!(
            "//   {} `{}`: {} -> {} channels, {} -> {} frames (stream block {} -> {}), {after}\n",
            l.spec.name,
            l.spec.weight,
            g.in_channels,
            g.out_channels,
            g.len_in,
            l.checked.len_out,
            l.block,
            l.block * g.stride,
        ));
    }

    for l in layers {
        out.push('\n');
        out.push_str(&render_checked(tensors.file(), &l.spec, &l.checked));
    }

    let act = net.output_activation;
    out.push_str(&format!(
        "\n/// The activation after the last layer (`output_activation = \"{act}\"`): pass \
         `{name}_OUTPUT_ACTIVATION` to `forward_act` / `push_act` / `finish_act`.\n\
         pub type {net_alias}OutputActivation = {};\n\
         /// The activation after the last layer.\n\
         pub const {name}_OUTPUT_ACTIVATION: {net_alias}OutputActivation = {};\n",
        act.type_path(),
        act.value()
    ));

    // The whole-signal chain.
    let activations: Vec<Activation> = layers.iter().map(|l| l.activation).collect();
    let types: Vec<String> = layers
        .iter()
        .map(|l| format!("&'static {}", l.alias))
        .collect();
    let values: Vec<String> = layers.iter().map(|l| format!("&{}", l.spec.name)).collect();
    let ty = nested("::conv_transpose::chain!", &types, &activations, |a| {
        a.type_path().to_string()
    });
    let value = nested("::conv_transpose::Chain::new", &values, &activations, |a| {
        a.value()
    });
    out.push_str(&format!(
        "\n/// The whole-signal network: {} frames in, {} out; \
         `{name}.forward_act(&x, &mut scratch, &mut y, {name}_OUTPUT_ACTIVATION)` with \
         `let mut scratch = {net_alias}::SCRATCH;` (`forward_ncl_act` channels first).\n\
         pub type {net_alias} = {ty};\n\
         /// The whole-signal network, every layer a `static` above.\n\
         pub static {name}: {net_alias} = {value};\n",
        first.len_in, last.len_out
    ));

    // The stream layers: the same weights over their block lengths.
    out.push('\n');
    for l in layers {
        out.push_str(&format!(
            "/// `{}` over stream blocks of {} frame(s) (`{}.with_len::<{}>()`).\n\
             pub type {}Stream = {};\n",
            l.alias,
            l.block,
            l.spec.name,
            l.block,
            l.alias,
            layer_type(&l.checked.geometry, l.block, "f32")
        ));
    }
    let types: Vec<String> = layers
        .iter()
        .map(|l| format!("&'static {}Stream", l.alias))
        .collect();
    let values: Vec<String> = layers
        .iter()
        .map(|l| format!("{}.with_len::<{}>()", l.spec.name, l.block))
        .collect();
    let ty = nested("::conv_transpose::chain!", &types, &activations, |a| {
        a.type_path().to_string()
    });
    let value = nested(
        "::conv_transpose::Chain::for_streaming",
        &values,
        &activations,
        Activation::value,
    );
    let states: Vec<String> = layers
        .iter()
        .map(|l| format!("::conv_transpose::chunk_stream!({}Stream)", l.alias))
        .collect();
    let state_ty = nested("", &states, &[], |_| String::new());
    let starts: Vec<String> = states.iter().map(|s| format!("<{s}>::new()")).collect();
    let state = nested("", &starts, &[], |_| String::new());
    out.push_str(&format!(
        "/// The network streamed: input pieces of any length, blocks of {} frame(s) into the \
         first layer; `{name}_STREAM.push_act(&mut state, &x, {name}_OUTPUT_ACTIVATION, |y| ..)` \
         and `finish_act` emit exactly what `{name}` computes over the whole signal.\n\
         pub type {net_alias}Stream = {ty};\n\
         /// The stream network: views of the same `static` layers, no second copy of a \
         weight.\n\
         pub static {name}_STREAM: {net_alias}Stream = {value};\n\
         /// The stream's state: each layer's `ChunkStream`, nested as the chain is.\n\
         pub type {net_alias}StreamState = {state_ty};\n\
         /// A state at the start of a stream (`let mut state = {name}_STREAM_STATE;`, or \
         a `static` of its own).\n\
         pub const {name}_STREAM_STATE: {net_alias}StreamState = {state};\n",
        layers[0].block
    ));
    out
}

impl Network {
    /// Renders the network from the file at `tensors_path` into `$OUT_DIR/file_name`,
    /// for a build script with the description in memory; see [`write_network_out_dir`].
    ///
    /// # Errors
    /// As [`write_network_out_dir`].
    pub fn write_out_dir(
        &self,
        file_name: &str,
        tensors_path: impl AsRef<Path>,
    ) -> Result<PathBuf, ImportError> {
        let out_dir = out_dir()?;
        println!("cargo:rerun-if-changed={}", tensors_path.as_ref().display());
        self.write_to_dir(out_dir, file_name, tensors_path)
    }

    /// Renders the network from the file at `tensors_path` into `out_dir/file_name` and
    /// returns that path.
    ///
    /// # Errors
    /// [`ImportError::Io`] if the file cannot be read or the output written, and the
    /// errors of [`render_network`].
    pub fn write_to_dir(
        &self,
        out_dir: impl AsRef<Path>,
        file_name: &str,
        tensors_path: impl AsRef<Path>,
    ) -> Result<PathBuf, ImportError> {
        let tensors = Tensors::open(tensors_path)?;
        let text = render_network(&tensors, self)?;
        let path = out_dir.as_ref().join(file_name);
        std::fs::write(&path, text).map_err(|source| ImportError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

fn out_dir() -> Result<std::ffi::OsString, ImportError> {
    std::env::var_os("OUT_DIR").ok_or_else(|| ImportError::Io {
        path: PathBuf::from("$OUT_DIR"),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the variable is not set: write_network_out_dir is for build scripts (use \
             Network::write_to_dir elsewhere)",
        ),
    })
}

/// For a build script: reads the description at `description_path` and renders the
/// network from the checkpoint at `tensors_path` ([`render_network`]) into
/// `$OUT_DIR/file_name`, prints `cargo:rerun-if-changed=` for both files, and returns
/// the written path, for `include!(concat!(env!("OUT_DIR"), "/decoder.rs"));`.
/// [`Network::write_out_dir`] does the same with a description in memory.
///
/// # Errors
/// [`ImportError::Io`] if `OUT_DIR` is not set (outside a build script) or a file
/// cannot be read or written, and the errors of [`Network::open`] and
/// [`render_network`].
pub fn write_network_out_dir(
    file_name: &str,
    tensors_path: impl AsRef<Path>,
    description_path: impl AsRef<Path>,
) -> Result<PathBuf, ImportError> {
    let description_path = description_path.as_ref();
    // Checked first, so that a build script outside cargo fails before reading anything.
    out_dir()?;
    println!("cargo:rerun-if-changed={}", description_path.display());
    let net = Network::open(description_path)?;
    net.write_out_dir(file_name, tensors_path)
}
