"""How much of torch 2.13's public API npgrad has, per namespace, against an explicit list of what it leaves out.

Counted: the public callables of ``torch``, ``torch.linalg``, ``torch.special`` and ``torch.nn.functional``, the
public attributes of ``torch.Tensor``, and the ``nn.Module`` classes of ``torch.nn``. Left out (``EXCLUDED``,
each group commented): sparse and quantized tensors, complex-only functions, device-specific kernels and
switches, and internals that no user program calls. The floors below are the coverage measured when this test
was written; they may only rise. Run with ``-s`` to see the numbers and what is missing.
"""
import inspect
import re

import pytest
import torch
import torch.nn.functional as TF

import npgrad
import npgrad.nn.functional as NF

EXCLUDED = {
    # sparse layouts (COO/CSR/CSC/BSR/BSC) and their ops: npgrad has dense strided tensors only
    "sparse": r"sparse|_coo|_csr|_csc|_bsr|_bsc|^[shd]smm$|^smm$|^saddmm$|^sspaddmm$|^hspmm$|^spmm$|crow_indices|"
              r"ccol_indices|^row_indices|^col_indices|^indices|^values|^to_dense$|coalesce|^dense_dim$|_nnz$|"
              r"^resize_as_sparse_$",
    # quantized tensors, observers and fbgemm's int8 kernels
    "quantized": r"quantiz|^q_|qscheme|int_repr|fbgemm|fake_quant|choose_qparams|per_channel|per_tensor|obs_fake",
    # complex-only: npgrad has real dtypes (complex is planned with torch.fft); real, conj, angle, is_complex
    # work on real tensors and are counted
    "complex-only": r"^complex$|^polar$|view_as_real|view_as_complex|conj_physical|^is_conj$|^imag$|^cfloat$|"
                    r"^cdouble$|^chalf$|"
                    r"^i?stft$",  # complex-only (npgrad has no complex dtype): stft returns, istft takes, a spectrum
    # one device's kernels, flags and memory: npgrad computes on the CPU with NumPy
    "device-specific": r"cudnn|miopen|mkldnn|cuda|mps|xpu|ipu|xla|hpu|mtia|maia|vulkan|nnpack|cupti|is_ort$|"
                       r"^get_device_module$|^is_pinned$|^record_stream$|^is_meta$|^(untyped_)?storage$|^storage_type$",
    # named tensors and nested tensors: prototype features of torch; Tensor.index binds positional dims to
    # functorch.dim's first-class Dim objects (a prototype library npgrad does not have)
    "prototype": r"^names$|^rename_?$|^refine_names$|^align_to$|^align_as$|^has_names$|nested|to_padded_tensor|"
                 r"^index$",
    # float8 only: torch 2.13's CPU scaled_mm / scaled_grouped_mm accept float8 operands (TensorWise/RowWise
    # scales) and refuse float32 ("Invalid scaling configuration"); npgrad has no float8 dtypes
    "float8-only": r"^scaled_mm$|^scaled_grouped_mm$",
    # internals: TorchScript/IR parsing, symbolic shapes and higher-order ops of torch.compile, functionalization's
    # *_copy view ops, ATen kernels behind nn modules (RNN cells, SyncBN statistics, grid sampler), autocast's
    # nesting counters, typing helpers of nn.functional, and functions torch removed (they only raise)
    "internal": r"_copy$|^sym_|^unsafe_|^native_|^batch_norm_(backward|elemt|gather|stats|update)|"
                r"^(rnn_relu|rnn_tanh|lstm|gru)(_cell)?$|^grid_sampler|^affine_grid_generator$|"
                r"^embedding_renorm_$|^norm_except_dim$|^segment_reduce$|^slice_inverse$|^nonzero_static$|"
                r"^autocast_(increment|decrement)_nesting$|^clear_autocast_cache$|^(cond|while_loop)$|"
                r"^(classproperty|compiled_with_cxx11_abi|import_ir_module|import_ir_module_from_buffer|"
                r"merge_type_from_type_comment|parse_ir|parse_schema|parse_type_comment|unify_type_list|"
                r"get_file_path|prepare_multiprocessing_environment|thread_safe_generator|fork|wait|is_storage|"
                r"hash_tensor)$|"
                r"^(symeig|lstsq|eig|solve|matrix_rank)$|"
                r"^(boolean_dispatch|handle_torch_function|has_torch_function|has_torch_function_unary|"
                r"has_torch_function_variadic|assert_int_or_pair|Callable|Optional|Union|List|Tuple|"
                r"DType|BroadcastingList\d)$|"
                r"^(module_load|is_shared|dim_order|output_nr|__torch_function__)$",
}
_EXCLUDED_RE = {k: re.compile(v) for k, v in EXCLUDED.items()}

# measured when written (torch 2.13 CPU); raise these as names land, never lower them
FLOORS = {"torch": 1.0, "Tensor": 1.0, "nn.functional": 1.0, "nn": 1.0, "linalg": 1.0, "special": 1.0}


def excluded_group(name):
    for group, rx in _EXCLUDED_RE.items():
        if rx.search(name):
            return group
    return None


def _routines(mod):
    out = set()
    for n in dir(mod):
        if n.startswith("_"):
            continue
        try:
            o = getattr(mod, n)
        except Exception:  # noqa: BLE001  (a lazily failing attribute is not a routine)
            continue
        if inspect.isclass(o) or inspect.ismodule(o) or not callable(o):
            continue
        out.add(n)
    return out


def _tensor_attrs():
    return {n for n in dir(torch.Tensor) if not n.startswith("_")}


def _modules():
    return {n for n in dir(torch.nn) if not n.startswith("_") and inspect.isclass(getattr(torch.nn, n))
            and issubclass(getattr(torch.nn, n), torch.nn.Module)}


def _has(obj, name):
    try:
        return hasattr(obj, name)
    except Exception:  # noqa: BLE001
        return False


def namespaces():
    """name -> (torch's comparable names, npgrad object to look them up on)."""
    return {
        "torch": (_routines(torch), npgrad),
        "Tensor": (_tensor_attrs(), npgrad.Tensor),
        "nn.functional": (_routines(TF), NF),
        "nn": (_modules(), npgrad.nn),
        "linalg": (_routines(torch.linalg), npgrad.linalg),
        "special": (_routines(torch.special), getattr(npgrad, "special", None)),
    }


def coverage():
    """name -> (fraction, number compared, sorted missing names)."""
    out = {}
    for name, (names, ours) in namespaces().items():
        comparable = sorted(n for n in names if excluded_group(n) is None)
        missing = [n for n in comparable if ours is None or not _has(ours, n)]
        out[name] = (1 - len(missing) / len(comparable), len(comparable), missing)
    return out


def test_exclusions_name_only_real_torch_names():
    """Every exclusion group matches something in torch (no dead entries), and none swallows a core name."""
    everything = set().union(*(names for names, _ in namespaces().values()))
    for group, rx in _EXCLUDED_RE.items():
        assert any(rx.search(n) for n in everything), group
    for core in ("add", "matmul", "sum", "conv2d", "cross_entropy", "backward", "zeros", "Linear", "svd", "erf",
                 "real", "conj", "index_select", "value_selecting", "to", "is_leaf", "storage_offset"):
        assert excluded_group(core) is None, core


@pytest.mark.parametrize("namespace", list(FLOORS))
def test_api_coverage_floor(namespace):
    frac, n, missing = coverage()[namespace]
    print(f"\n{namespace}: {100 * frac:.1f}% of {n} comparable names; missing {len(missing)}: {' '.join(missing)}")
    assert frac >= FLOORS[namespace], (namespace, frac, missing)


def test_overall_coverage_printed():
    cov = coverage()
    total = sum(n for _, n, _ in cov.values())
    have = sum(n - len(m) for _, n, m in cov.values())
    print("\n" + "  ".join(f"{k} {100 * f:.1f}%" for k, (f, _, _) in cov.items()) +
          f"  overall {100 * have / total:.1f}% ({have}/{total})")
    assert total > 1000
