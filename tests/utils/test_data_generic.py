"""torch.utils.data's classes are typing.Generic: user code subclasses ``Dataset[int]``, annotates
``DataLoader[Tensor]``; each class is parameterised as torch's is (differential: the same classes in torch)."""
import typing

import pytest
import torch
import torch.utils.data as tdata

import npgrad
import npgrad.utils.data as ndata

NAMES = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset", "Subset",
         "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
         "BatchSampler", "DistributedSampler", "DataLoader"]


def _shape(cls, mod):
    """What typing sees of a class: generic or not, its type parameters, its parameterised bases (named)."""
    def name(a):
        return str(a).replace(mod, "M").replace("M._tensor.Tensor", "M.Tensor")
    return (issubclass(cls, typing.Generic), [p.__name__ for p in getattr(cls, "__parameters__", ())],
            [name(b) for b in cls.__dict__.get("__orig_bases__", ())], type(cls).__name__)


@pytest.mark.parametrize("name", NAMES)
def test_generic_as_torch(name):
    assert _shape(getattr(ndata, name), "npgrad") == _shape(getattr(tdata, name), "torch")


@pytest.mark.parametrize("name", ["Dataset", "IterableDataset", "ConcatDataset", "Subset", "Sampler",
                                  "DistributedSampler", "DataLoader"])
def test_subscript(name):
    for mod in (tdata, ndata):
        alias = getattr(mod, name)[int]
        assert typing.get_origin(alias) is getattr(mod, name)
        assert typing.get_args(alias) == (int,)


@pytest.mark.parametrize("name", ["TensorDataset", "RandomSampler", "BatchSampler"])
def test_concrete_not_subscriptable(name):
    errors = []
    for mod in (tdata, ndata):
        with pytest.raises(TypeError) as e:
            getattr(mod, name)[int]
        errors.append(type(e.value))
    assert errors[0] is errors[1]


def _user_code(mod, tensor_mod):
    class Squares(mod.Dataset[int]):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return i * i

    class Stream(mod.IterableDataset[int]):
        def __iter__(self):
            return iter(range(3))

    class Every2(mod.Sampler[int]):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(0, self.n, 2))

        def __len__(self):
            return (self.n + 1) // 2

    ds = Squares()
    loader: typing.Any = mod.DataLoader[int](ds, batch_size=2, sampler=Every2(5))
    out = [b.tolist() for b in loader]
    chained = [int(v) for v in (Stream() + Stream())]
    concat = ds + ds
    return (out, chained, len(concat), concat[7], isinstance(ds, mod.Dataset),
            isinstance(Stream(), typing.Iterable), len(mod.Subset[int](ds, [1, 3])))


def test_user_subclasses_work_as_torch():
    assert _user_code(ndata, npgrad) == _user_code(tdata, torch)
