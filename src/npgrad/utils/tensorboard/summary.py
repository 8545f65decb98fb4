"""Summary protocol buffers (scalars, histograms, text, hparams) built from NumPy values."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto

if TYPE_CHECKING:
    from typing import Any, Iterable

__all__ = ["to_numpy", "scalar", "histogram", "histogram_raw", "text", "hparams", "default_bins"]


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy array from an npgrad tensor, NumPy array/scalar, or Python number/list (torch's make_np)."""
    from ..._tensor import Tensor
    if isinstance(x, Tensor):
        return np.asarray(x.detach().numpy())
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, (list, tuple)):
        return np.asarray(x)
    raise NotImplementedError(f"Got {type(x)}, but numpy array or npgrad tensor are expected.")


def _one(value: Any) -> Any:
    arr = to_numpy(value)
    if arr.squeeze().ndim != 0:  # torch asserts here
        raise AssertionError(f"Tensor should contain one element (0 dimensions). Was given size: {arr.size} "
                             f"and {arr.squeeze().ndim} dimensions.")
    return arr.reshape(()).item()


def scalar(tag: str, value: Any, new_style: bool = False, double_precision: bool = False) -> Summary:
    v = _one(value)
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=float(v))])
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    if double_precision:
        tensor = TensorProto(dtype="DT_DOUBLE", double_val=[float(v)])
    else:
        tensor = TensorProto(dtype="DT_FLOAT", float_val=[float(v)])
    return Summary(value=[Summary.Value(tag=tag, tensor=tensor, metadata=meta)])


def default_bins() -> list[float]:
    """TensorFlow's histogram bucket edges: +-1e-12 growing by 10% up to 1e20, and 0."""
    pos = []
    v = 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-p for p in reversed(pos)] + [0.0] + pos


def histogram_raw(tag: str, min: float, max: float, num: int, sum: float, sum_squares: float,
                  bucket_limits: Iterable[float], bucket_counts: Iterable[float]) -> Summary:
    hist = HistogramProto(min=float(min), max=float(max), num=int(num), sum=float(sum),
                          sum_squares=float(sum_squares), bucket_limit=[float(b) for b in bucket_limits],
                          bucket=[float(c) for c in bucket_counts])
    return Summary(value=[Summary.Value(tag=tag, histo=hist)])


def histogram(tag: str, values: Any, bins: Any = "tensorflow", max_bins: int | None = None) -> Summary:
    """Bucket counts of ``values``. HistogramProto keeps right bucket limits only, so an empty bucket ending at the
    first non-empty bucket's left edge leads (as torch writes it); ``max_bins`` merges groups of
    ``len(counts) // max_bins`` neighbouring buckets, as torch does."""
    values = to_numpy(values).astype(np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, edges = np.histogram(values, bins=default_bins() if bins == "tensorflow" else bins)
    if max_bins is not None and len(counts) > max_bins:
        group = len(counts) // max_bins
        counts = np.concatenate([counts, np.zeros((-len(counts)) % group, counts.dtype)])
        counts = counts.reshape(-1, group).sum(axis=1)
        edges = np.append(edges[:-1:group], edges[-1])
    nz = np.flatnonzero(counts)
    lo, hi = nz[0], nz[-1]
    return histogram_raw(tag, values.min(), values.max(), values.size, values.sum(), values.dot(values),
                         edges[lo:hi + 2], np.concatenate([[0], counts[lo:hi + 1]]))


def text(tag: str, text_string: str) -> Summary:
    from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
    tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf-8")],
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tensor)])


def hparams(hparam_dict: dict[str, Any], metric_dict: dict[str, Any],
            hparam_domain_discrete: dict[str, list[Any]] | None = None) -> tuple[Summary, Summary, Summary]:
    """The experiment, session-start and session-end summaries the HParams dashboard reads."""
    from google.protobuf import struct_pb2
    from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("hparam_dict and metric_dict should be dictionary.")
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing else.")
    for k, vs in domains.items():
        if k not in hparam_dict or not isinstance(vs, list) or not all(isinstance(d, type(hparam_dict[k])) for d in vs):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")
    from ..._tensor import Tensor
    ssi = plugin_data_pb2.SessionStartInfo()
    infos = []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, Tensor):
            v = to_numpy(v).reshape(-1)[0].item()
        if isinstance(v, (int, float)):  # bools too, as torch (int is checked first)
            ssi.hparams[k].number_value = v
            kind, field = "DATA_TYPE_FLOAT64", "number_value"
        elif isinstance(v, str):
            ssi.hparams[k].string_value = v
            kind, field = "DATA_TYPE_STRING", "string_value"
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        dom = None
        if k in domains:
            dom = struct_pb2.ListValue(values=[struct_pb2.Value(**{field: d}) for d in domains[k]])
        infos.append(api_pb2.HParamInfo(name=k, type=api_pb2.DataType.Value(kind), domain_discrete=dom))
    metrics = [api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict]
    exp = api_pb2.Experiment(hparam_infos=infos, metric_infos=metrics)

    def wrap(tag: str, **content: Any) -> Summary:
        data = plugin_data_pb2.HParamsPluginData(version=metadata.PLUGIN_DATA_VERSION, **content)
        return Summary(value=[Summary.Value(tag=tag, metadata=metadata.create_summary_metadata(data))])

    sei = plugin_data_pb2.SessionEndInfo(status=api_pb2.Status.Value("STATUS_SUCCESS"))
    return (wrap(metadata.EXPERIMENT_TAG, experiment=exp),
            wrap(metadata.SESSION_START_INFO_TAG, session_start_info=ssi),
            wrap(metadata.SESSION_END_INFO_TAG, session_end_info=sei))
