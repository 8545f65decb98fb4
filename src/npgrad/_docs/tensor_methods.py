"""Docstrings for Tensor's methods made by factories (the in-place ``x.exp_()`` family, in-place views and
comparisons, random fills), applied once by ``npgrad/__init__`` after the methods are bound. Each example's
output is what torch 2.13 prints for the same code (checked when written; tests/docs/test_doctests.py runs them
against npgrad)."""

DOCS = {
    "abs_": """\
In-place version of :meth:`Tensor.abs`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.abs_()
    tensor([1.5000, 0.2500, 2.5000])
    >>> x
    tensor([1.5000, 0.2500, 2.5000])""",
    "absolute_": """\
In-place version of :meth:`Tensor.absolute`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.absolute_()
    tensor([1.5000, 0.2500, 2.5000])
    >>> x
    tensor([1.5000, 0.2500, 2.5000])""",
    "acos_": """\
In-place version of :meth:`Tensor.acos`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.acos_()
    tensor([1.3181, 1.0472])
    >>> x
    tensor([1.3181, 1.0472])""",
    "acosh_": """\
In-place version of :meth:`Tensor.acosh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.5, 2.0])
    >>> x.acosh_()
    tensor([0.9624, 1.3170])
    >>> x
    tensor([0.9624, 1.3170])""",
    "add_": """\
In-place version of :meth:`Tensor.add`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0])
    >>> x.add_(10)
    tensor([11., 12.])
    >>> x.add_(torch.tensor([1.0, 1.0]), alpha=0.5)
    tensor([11.5000, 12.5000])
    >>> x
    tensor([11.5000, 12.5000])""",
    "addbmm_": """\
In-place version of :meth:`Tensor.addbmm`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(2, 2)
    >>> x.addbmm_(torch.ones(3, 2, 1), torch.ones(3, 1, 2))
    tensor([[3., 3.],
            [3., 3.]])""",
    "addcdiv_": """\
In-place version of :meth:`Tensor.addcdiv`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(2)
    >>> x.addcdiv_(torch.tensor([1.0, 2.0]), torch.tensor([4.0, 4.0]), value=2)
    tensor([1.5000, 2.0000])""",
    "addcmul_": """\
In-place version of :meth:`Tensor.addcmul`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(2)
    >>> x.addcmul_(torch.tensor([1.0, 2.0]), torch.tensor([4.0, 4.0]), value=0.5)
    tensor([3., 5.])""",
    "addmm_": """\
In-place version of :meth:`Tensor.addmm`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(2, 2)
    >>> x.addmm_(torch.eye(2), torch.tensor([[1.0, 2.0], [3.0, 4.0]]), beta=0)
    tensor([[1., 2.],
            [3., 4.]])""",
    "addmv_": """\
In-place version of :meth:`Tensor.addmv`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(2)
    >>> x.addmv_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 1.0]))
    tensor([4., 8.])""",
    "addr_": """\
In-place version of :meth:`Tensor.addr`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(2, 2)
    >>> x.addr_(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 10.0]))
    tensor([[ 1., 10.],
            [ 2., 20.]])""",
    "arccos_": """\
In-place version of :meth:`Tensor.arccos`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.arccos_()
    tensor([1.3181, 1.0472])
    >>> x
    tensor([1.3181, 1.0472])""",
    "arccosh_": """\
In-place version of :meth:`Tensor.arccosh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.5, 2.0])
    >>> x.arccosh_()
    tensor([0.9624, 1.3170])
    >>> x
    tensor([0.9624, 1.3170])""",
    "arcsin_": """\
In-place version of :meth:`Tensor.arcsin`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.arcsin_()
    tensor([0.2527, 0.5236])
    >>> x
    tensor([0.2527, 0.5236])""",
    "arcsinh_": """\
In-place version of :meth:`Tensor.arcsinh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.arcsinh_()
    tensor([-1.1948,  0.2475,  1.6472])
    >>> x
    tensor([-1.1948,  0.2475,  1.6472])""",
    "arctan2_": """\
In-place version of :meth:`Tensor.arctan2`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.arctan2_(torch.tensor([1.0, 1.0, -1.0]))
    tensor([-0.9828,  0.2450,  1.9513])
    >>> x
    tensor([-0.9828,  0.2450,  1.9513])""",
    "arctan_": """\
In-place version of :meth:`Tensor.arctan`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.arctan_()
    tensor([0.2450, 0.4636])
    >>> x
    tensor([0.2450, 0.4636])""",
    "arctanh_": """\
In-place version of :meth:`Tensor.arctanh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.arctanh_()
    tensor([0.2554, 0.5493])
    >>> x
    tensor([0.2554, 0.5493])""",
    "as_strided_": """\
In-place version of :meth:`Tensor.as_strided`: ``self`` itself takes the view's shape and strides (and its autograd
history); returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.arange(6.)
    >>> x.as_strided_((2, 2), (1, 2))
    tensor([[0., 2.],
            [1., 3.]])""",
    "asin_": """\
In-place version of :meth:`Tensor.asin`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.asin_()
    tensor([0.2527, 0.5236])
    >>> x
    tensor([0.2527, 0.5236])""",
    "asinh_": """\
In-place version of :meth:`Tensor.asinh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.asinh_()
    tensor([-1.1948,  0.2475,  1.6472])
    >>> x
    tensor([-1.1948,  0.2475,  1.6472])""",
    "atan2_": """\
In-place version of :meth:`Tensor.atan2`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.atan2_(torch.tensor([1.0, 1.0, -1.0]))
    tensor([-0.9828,  0.2450,  1.9513])
    >>> x
    tensor([-0.9828,  0.2450,  1.9513])""",
    "atan_": """\
In-place version of :meth:`Tensor.atan`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.atan_()
    tensor([0.2450, 0.4636])
    >>> x
    tensor([0.2450, 0.4636])""",
    "atanh_": """\
In-place version of :meth:`Tensor.atanh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.atanh_()
    tensor([0.2554, 0.5493])
    >>> x
    tensor([0.2554, 0.5493])""",
    "baddbmm_": """\
In-place version of :meth:`Tensor.baddbmm`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(1, 2, 2)
    >>> x.baddbmm_(torch.ones(1, 2, 1), torch.ones(1, 1, 2), alpha=3)
    tensor([[[3., 3.],
             [3., 3.]]])""",
    "bernoulli_": """\
Fills ``self`` with 0/1 draws, 1 with probability ``p``, in place, and returns ``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(1000).bernoulli_(0.25)
    >>> bool(((x == 0) | (x == 1)).all()), 0.2 < x.mean().item() < 0.3
    (True, True)""",
    "bitwise_and_": """\
In-place version of :meth:`Tensor.bitwise_and`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([12, 10])
    >>> x.bitwise_and_(torch.tensor([10, 6]))
    tensor([8, 2])""",
    "bitwise_left_shift_": """\
In-place version of :meth:`Tensor.bitwise_left_shift`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1, 3])
    >>> x.bitwise_left_shift_(2)
    tensor([ 4, 12])""",
    "bitwise_not_": """\
In-place version of :meth:`Tensor.bitwise_not`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0, 5])
    >>> x.bitwise_not_()
    tensor([-1, -6])""",
    "bitwise_or_": """\
In-place version of :meth:`Tensor.bitwise_or`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([12, 10])
    >>> x.bitwise_or_(torch.tensor([10, 6]))
    tensor([14, 14])""",
    "bitwise_right_shift_": """\
In-place version of :meth:`Tensor.bitwise_right_shift`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([16, 7])
    >>> x.bitwise_right_shift_(2)
    tensor([4, 1])""",
    "bitwise_xor_": """\
In-place version of :meth:`Tensor.bitwise_xor`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([12, 10])
    >>> x.bitwise_xor_(torch.tensor([10, 6]))
    tensor([ 6, 12])""",
    "cauchy_": """\
Fills ``self`` with Cauchy samples of the given ``median`` and ``sigma``, in place, and returns ``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(1000).cauchy_(0.0, 1.0)
    >>> x.median().abs().item() < 0.2
    True""",
    "ceil_": """\
In-place version of :meth:`Tensor.ceil`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.ceil_()
    tensor([-1.,  1.,  3.])
    >>> x
    tensor([-1.,  1.,  3.])""",
    "clamp_": """\
In-place version of :meth:`Tensor.clamp`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.clamp_(-1.0, 1.0)
    tensor([-1.0000,  0.2500,  1.0000])
    >>> x
    tensor([-1.0000,  0.2500,  1.0000])""",
    "clamp_max_": """\
In-place version of :meth:`Tensor.clamp_max`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.clamp_max_(1.0)
    tensor([-1.5000,  0.2500,  1.0000])""",
    "clamp_min_": """\
In-place version of :meth:`Tensor.clamp_min`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.clamp_min_(0.0)
    tensor([0.0000, 0.2500, 2.5000])""",
    "clip_": """\
In-place version of :meth:`Tensor.clip`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.clip_(-1.0, 1.0)
    tensor([-1.0000,  0.2500,  1.0000])
    >>> x
    tensor([-1.0000,  0.2500,  1.0000])""",
    "copy_": """\
Copies ``src``'s values into ``self`` (broadcast to ``self``'s shape, cast to its dtype) and returns ``self``;
gradients flow to ``src``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(2, 2)
    >>> x.copy_(torch.tensor([1, 2]))
    tensor([[1., 2.],
            [1., 2.]])
    >>> x.dtype == torch.float32
    True""",
    "copysign_": """\
In-place version of :meth:`Tensor.copysign`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.copysign_(-1.0)
    tensor([-1.5000, -0.2500, -2.5000])
    >>> x
    tensor([-1.5000, -0.2500, -2.5000])""",
    "cos_": """\
In-place version of :meth:`Tensor.cos`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.cos_()
    tensor([0.9689, 0.8776])
    >>> x
    tensor([0.9689, 0.8776])""",
    "cosh_": """\
In-place version of :meth:`Tensor.cosh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.cosh_()
    tensor([1.0314, 1.1276])
    >>> x
    tensor([1.0314, 1.1276])""",
    "cumprod_": """\
In-place version of :meth:`Tensor.cumprod`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.cumprod_(0)
    tensor([1., 2., 6.])""",
    "cumsum_": """\
In-place version of :meth:`Tensor.cumsum`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.cumsum_(0)
    tensor([1., 3., 6.])""",
    "deg2rad_": """\
In-place version of :meth:`Tensor.deg2rad`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.deg2rad_()
    tensor([-0.0262,  0.0044,  0.0436])
    >>> x
    tensor([-0.0262,  0.0044,  0.0436])""",
    "digamma_": """\
In-place version of :meth:`Tensor.digamma`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.digamma_()
    tensor([-4.2275, -1.9635])
    >>> x
    tensor([-4.2275, -1.9635])""",
    "div_": """\
In-place version of :meth:`Tensor.div`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.div_(2)
    tensor([-0.7500,  0.1250,  1.2500])
    >>> x
    tensor([-0.7500,  0.1250,  1.2500])""",
    "divide_": """\
In-place version of :meth:`Tensor.divide`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.divide_(2)
    tensor([-0.7500,  0.1250,  1.2500])
    >>> x
    tensor([-0.7500,  0.1250,  1.2500])""",
    "eq_": """\
In-place version of :meth:`Tensor.eq`: ``self`` gets the comparison's result as 1 or 0 in its own dtype; returns
``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.eq_(2.0)
    tensor([0., 1., 0.])""",
    "erf_": """\
In-place version of :meth:`Tensor.erf`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.erf_()
    tensor([0.2763, 0.5205])
    >>> x
    tensor([0.2763, 0.5205])""",
    "erfc_": """\
In-place version of :meth:`Tensor.erfc`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.erfc_()
    tensor([0.7237, 0.4795])
    >>> x
    tensor([0.7237, 0.4795])""",
    "erfinv_": """\
In-place version of :meth:`Tensor.erfinv`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.erfinv_()
    tensor([0.2253, 0.4769])
    >>> x
    tensor([0.2253, 0.4769])""",
    "exp2_": """\
In-place version of :meth:`Tensor.exp2`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.exp2_()
    tensor([1.1892, 1.4142])
    >>> x
    tensor([1.1892, 1.4142])""",
    "exp_": """\
In-place version of :meth:`Tensor.exp`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.exp_()
    tensor([1.2840, 1.6487])
    >>> x
    tensor([1.2840, 1.6487])""",
    "expm1_": """\
In-place version of :meth:`Tensor.expm1`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.expm1_()
    tensor([0.2840, 0.6487])
    >>> x
    tensor([0.2840, 0.6487])""",
    "exponential_": """\
Fills ``self`` with exponential samples of rate ``lambd``, in place, and returns ``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(10000).exponential_(2.0)
    >>> bool((x >= 0).all()), (x.mean() - 0.5).abs().item() < 0.05
    (True, True)""",
    "fill_": """\
Fills ``self`` with ``value`` in place and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(3)
    >>> x.fill_(7)
    tensor([7., 7., 7.])
    >>> x
    tensor([7., 7., 7.])""",
    "fix_": """\
In-place version of :meth:`Tensor.fix`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.fix_()
    tensor([-1.,  0.,  2.])
    >>> x
    tensor([-1.,  0.,  2.])""",
    "float_power_": """\
In-place version of :meth:`Tensor.float_power`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.5, 2.0], dtype=torch.float64)
    >>> x.float_power_(2).tolist()
    [2.25, 4.0]""",
    "floor_": """\
In-place version of :meth:`Tensor.floor`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.floor_()
    tensor([-2.,  0.,  2.])
    >>> x
    tensor([-2.,  0.,  2.])""",
    "floor_divide_": """\
In-place version of :meth:`Tensor.floor_divide`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.floor_divide_(2)
    tensor([-1.,  0.,  1.])
    >>> x
    tensor([-1.,  0.,  1.])""",
    "fmod_": """\
In-place version of :meth:`Tensor.fmod`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.fmod_(1.0)
    tensor([-0.5000,  0.2500,  0.5000])
    >>> x
    tensor([-0.5000,  0.2500,  0.5000])""",
    "frac_": """\
In-place version of :meth:`Tensor.frac`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.frac_()
    tensor([-0.5000,  0.2500,  0.5000])
    >>> x
    tensor([-0.5000,  0.2500,  0.5000])""",
    "gcd_": """\
In-place version of :meth:`Tensor.gcd`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([12, 7])
    >>> x.gcd_(torch.tensor([18, 3]))
    tensor([6, 1])""",
    "ge_": """\
In-place version of :meth:`Tensor.ge`: ``self`` gets the comparison's result as 1 or 0 in its own dtype; returns
``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.ge_(2.0)
    tensor([0., 1., 1.])""",
    "geometric_": """\
Fills ``self`` with geometric samples (trials until the first success, probability ``p``), in place, and returns
``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(1000).geometric_(0.5)
    >>> bool((x >= 1).all()), bool((x == x.floor()).all())
    (True, True)""",
    "greater_": """\
In-place version of :meth:`Tensor.greater`: ``self`` gets the comparison's result as 1 or 0 in its own dtype;
returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.greater_(2.0)
    tensor([0., 0., 1.])""",
    "greater_equal_": """\
In-place version of :meth:`Tensor.greater_equal`: ``self`` gets the comparison's result as 1 or 0 in its own dtype;
returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.greater_equal_(2.0)
    tensor([0., 1., 1.])""",
    "gt_": """\
In-place version of :meth:`Tensor.gt`: ``self`` gets the comparison's result as 1 or 0 in its own dtype; returns
``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.gt_(2.0)
    tensor([0., 0., 1.])""",
    "heaviside_": """\
In-place version of :meth:`Tensor.heaviside`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.0, 2.5])
    >>> x.heaviside_(torch.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])""",
    "hypot_": """\
In-place version of :meth:`Tensor.hypot`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.hypot_(torch.tensor([2.0, 0.0, 1.0]))
    tensor([2.5000, 0.2500, 2.6926])
    >>> x
    tensor([2.5000, 0.2500, 2.6926])""",
    "i0_": """\
In-place version of :meth:`Tensor.i0`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.i0_()
    tensor([1.0157, 1.0635])
    >>> x
    tensor([1.0157, 1.0635])""",
    "igamma_": """\
In-place version of :meth:`Tensor.igamma`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0])
    >>> x.igamma_(torch.tensor([1.0, 3.0]))
    tensor([0.6321, 0.8009])""",
    "igammac_": """\
In-place version of :meth:`Tensor.igammac`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0])
    >>> x.igammac_(torch.tensor([1.0, 3.0]))
    tensor([0.3679, 0.1991])""",
    "index_add_": """\
In-place version of :meth:`Tensor.index_add`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(3)
    >>> x.index_add_(0, torch.tensor([0, 2, 0]), torch.tensor([1.0, 2.0, 3.0]))
    tensor([4., 0., 2.])""",
    "index_copy_": """\
In-place version of :meth:`Tensor.index_copy`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(3)
    >>> x.index_copy_(0, torch.tensor([2, 0]), torch.tensor([1.0, 2.0]))
    tensor([2., 0., 1.])""",
    "index_fill_": """\
In-place version of :meth:`Tensor.index_fill`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(3)
    >>> x.index_fill_(0, torch.tensor([0, 2]), -1.0)
    tensor([-1.,  0., -1.])""",
    "index_put_": """\
In-place version of :meth:`Tensor.index_put`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(3)
    >>> x.index_put_((torch.tensor([0, 0]),), torch.tensor([1.0, 2.0]), accumulate=True)
    tensor([3., 0., 0.])""",
    "index_reduce_": """\
In-place version of :meth:`Tensor.index_reduce`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(3)
    >>> x.index_reduce_(0, torch.tensor([0, 0, 2]), torch.tensor([2.0, 5.0, 3.0]), 'prod')
    tensor([10.,  1.,  3.])""",
    "lcm_": """\
In-place version of :meth:`Tensor.lcm`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([4, 6])
    >>> x.lcm_(torch.tensor([6, 4]))
    tensor([12, 12])""",
    "ldexp_": """\
In-place version of :meth:`Tensor.ldexp`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.ldexp_(torch.tensor([1]))
    tensor([-3.0000,  0.5000,  5.0000])
    >>> x
    tensor([-3.0000,  0.5000,  5.0000])""",
    "le_": """\
In-place version of :meth:`Tensor.le`: ``self`` gets the comparison's result as 1 or 0 in its own dtype; returns
``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.le_(2.0)
    tensor([1., 1., 0.])""",
    "lerp_": """\
In-place version of :meth:`Tensor.lerp`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.0, 10.0])
    >>> x.lerp_(torch.tensor([10.0, 20.0]), 0.5)
    tensor([ 5., 15.])""",
    "less_": """\
In-place version of :meth:`Tensor.less`: ``self`` gets the comparison's result as 1 or 0 in its own dtype; returns
``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.less_(2.0)
    tensor([1., 0., 0.])""",
    "less_equal_": """\
In-place version of :meth:`Tensor.less_equal`: ``self`` gets the comparison's result as 1 or 0 in its own dtype;
returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.less_equal_(2.0)
    tensor([1., 1., 0.])""",
    "lgamma_": """\
In-place version of :meth:`Tensor.lgamma`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.lgamma_()
    tensor([1.2880, 0.5724])
    >>> x
    tensor([1.2880, 0.5724])""",
    "log10_": """\
In-place version of :meth:`Tensor.log10`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.log10_()
    tensor([-0.6021, -0.3010])
    >>> x
    tensor([-0.6021, -0.3010])""",
    "log1p_": """\
In-place version of :meth:`Tensor.log1p`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.log1p_()
    tensor([0.2231, 0.4055])
    >>> x
    tensor([0.2231, 0.4055])""",
    "log2_": """\
In-place version of :meth:`Tensor.log2`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.log2_()
    tensor([-2., -1.])
    >>> x
    tensor([-2., -1.])""",
    "log_": """\
In-place version of :meth:`Tensor.log`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.log_()
    tensor([-1.3863, -0.6931])
    >>> x
    tensor([-1.3863, -0.6931])""",
    "log_normal_": """\
Fills ``self`` with samples whose log is normal with ``mean`` and ``std``, in place, and returns ``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(1000).log_normal_(0.0, 0.25)
    >>> bool((x > 0).all())
    True""",
    "logical_and_": """\
In-place version of :meth:`Tensor.logical_and`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([True, True, False])
    >>> x.logical_and_(torch.tensor([True, False, False]))
    tensor([ True, False, False])""",
    "logical_not_": """\
In-place version of :meth:`Tensor.logical_not`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([True, False])
    >>> x.logical_not_()
    tensor([False,  True])""",
    "logical_or_": """\
In-place version of :meth:`Tensor.logical_or`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([True, True, False])
    >>> x.logical_or_(torch.tensor([True, False, False]))
    tensor([ True,  True, False])""",
    "logical_xor_": """\
In-place version of :meth:`Tensor.logical_xor`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([True, True, False])
    >>> x.logical_xor_(torch.tensor([True, False, False]))
    tensor([False,  True, False])""",
    "logit_": """\
In-place version of :meth:`Tensor.logit`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.logit_()
    tensor([-1.0986,  0.0000])
    >>> x
    tensor([-1.0986,  0.0000])""",
    "lt_": """\
In-place version of :meth:`Tensor.lt`: ``self`` gets the comparison's result as 1 or 0 in its own dtype; returns
``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.lt_(2.0)
    tensor([1., 0., 0.])""",
    "masked_fill_": """\
In-place version of :meth:`Tensor.masked_fill`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, -2.0, 3.0])
    >>> x.masked_fill_(x < 0, 0.0)
    tensor([1., 0., 3.])""",
    "masked_scatter_": """\
In-place version of :meth:`Tensor.masked_scatter`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(3)
    >>> x.masked_scatter_(torch.tensor([True, False, True]), torch.tensor([7.0, 8.0]))
    tensor([7., 0., 8.])""",
    "mul_": """\
In-place version of :meth:`Tensor.mul`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.mul_(2)
    tensor([-3.0000,  0.5000,  5.0000])
    >>> x
    tensor([-3.0000,  0.5000,  5.0000])""",
    "multiply_": """\
In-place version of :meth:`Tensor.multiply`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.multiply_(2)
    tensor([-3.0000,  0.5000,  5.0000])
    >>> x
    tensor([-3.0000,  0.5000,  5.0000])""",
    "mvlgamma_": """\
In-place version of :meth:`Tensor.mvlgamma`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([2.5, 3.0])
    >>> x.mvlgamma_(p=2)
    tensor([0.8570, 1.5502])""",
    "nan_to_num_": """\
In-place version of :meth:`Tensor.nan_to_num`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([float('nan'), float('inf'), 1.0])
    >>> x.nan_to_num_(posinf=9.0)
    tensor([0., 9., 1.])""",
    "ne_": """\
In-place version of :meth:`Tensor.ne`: ``self`` gets the comparison's result as 1 or 0 in its own dtype; returns
``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.ne_(2.0)
    tensor([1., 0., 1.])""",
    "neg_": """\
In-place version of :meth:`Tensor.neg`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.neg_()
    tensor([ 1.5000, -0.2500, -2.5000])
    >>> x
    tensor([ 1.5000, -0.2500, -2.5000])""",
    "negative_": """\
In-place version of :meth:`Tensor.negative`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.negative_()
    tensor([ 1.5000, -0.2500, -2.5000])
    >>> x
    tensor([ 1.5000, -0.2500, -2.5000])""",
    "nextafter_": """\
In-place version of :meth:`Tensor.nextafter`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.nextafter_(torch.tensor([10.0, 10.0, 10.0]))
    tensor([-1.5000,  0.2500,  2.5000])
    >>> x
    tensor([-1.5000,  0.2500,  2.5000])""",
    "normal_": """\
Fills ``self`` with normal samples of the given ``mean`` and ``std``, in place, and returns ``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(10000).normal_(mean=3.0, std=0.5)
    >>> (x.mean() - 3.0).abs().item() < 0.05
    True""",
    "not_equal_": """\
In-place version of :meth:`Tensor.not_equal`: ``self`` gets the comparison's result as 1 or 0 in its own dtype;
returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.not_equal_(2.0)
    tensor([1., 0., 1.])""",
    "pow_": """\
In-place version of :meth:`Tensor.pow`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.pow_(2)
    tensor([2.2500, 0.0625, 6.2500])
    >>> x
    tensor([2.2500, 0.0625, 6.2500])""",
    "put_": """\
In-place version of :meth:`Tensor.put`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(2, 2)
    >>> x.put_(torch.tensor([0, 3]), torch.tensor([1.0, 2.0]))
    tensor([[1., 0.],
            [0., 2.]])""",
    "rad2deg_": """\
In-place version of :meth:`Tensor.rad2deg`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.rad2deg_()
    tensor([-85.9437,  14.3239, 143.2395])
    >>> x
    tensor([-85.9437,  14.3239, 143.2395])""",
    "random_": """\
Fills ``self`` with integers drawn uniformly from ``[from, to)``, in place, and returns ``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(100).random_(0, 5)
    >>> bool(((x >= 0) & (x < 5) & (x == x.floor())).all())
    True""",
    "reciprocal_": """\
In-place version of :meth:`Tensor.reciprocal`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.reciprocal_()
    tensor([4., 2.])
    >>> x
    tensor([4., 2.])""",
    "relu_": """\
In-place version of :meth:`Tensor.relu`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.relu_()
    tensor([0.0000, 0.2500, 2.5000])
    >>> x
    tensor([0.0000, 0.2500, 2.5000])""",
    "remainder_": """\
In-place version of :meth:`Tensor.remainder`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.remainder_(1.0)
    tensor([0.5000, 0.2500, 0.5000])
    >>> x
    tensor([0.5000, 0.2500, 0.5000])""",
    "renorm_": """\
In-place version of :meth:`Tensor.renorm`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
    >>> x.renorm_(2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])""",
    "round_": """\
In-place version of :meth:`Tensor.round`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.round_()
    tensor([-2.,  0.,  2.])
    >>> x
    tensor([-2.,  0.,  2.])""",
    "rsqrt_": """\
In-place version of :meth:`Tensor.rsqrt`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.rsqrt_()
    tensor([2.0000, 1.4142])
    >>> x
    tensor([2.0000, 1.4142])""",
    "scatter_": """\
In-place version of :meth:`Tensor.scatter`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(2, 3)
    >>> x.scatter_(1, torch.tensor([[2], [0]]), torch.tensor([[5.0], [7.0]]))
    tensor([[0., 0., 5.],
            [7., 0., 0.]])""",
    "scatter_add_": """\
In-place version of :meth:`Tensor.scatter_add`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(3)
    >>> x.scatter_add_(0, torch.tensor([0, 1, 0]), torch.tensor([1.0, 2.0, 3.0]))
    tensor([4., 2., 0.])""",
    "scatter_reduce_": """\
In-place version of :meth:`Tensor.scatter_reduce`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1.0, 1.0])
    >>> x.scatter_reduce_(0, torch.tensor([0, 0, 1]), torch.tensor([5.0, 2.0, 3.0]), 'amax')
    tensor([5., 3.])""",
    "sgn_": """\
In-place version of :meth:`Tensor.sgn`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.sgn_()
    tensor([-1.,  1.,  1.])
    >>> x
    tensor([-1.,  1.,  1.])""",
    "sigmoid_": """\
In-place version of :meth:`Tensor.sigmoid`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.sigmoid_()
    tensor([0.5622, 0.6225])
    >>> x
    tensor([0.5622, 0.6225])""",
    "sign_": """\
In-place version of :meth:`Tensor.sign`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.sign_()
    tensor([-1.,  1.,  1.])
    >>> x
    tensor([-1.,  1.,  1.])""",
    "sin_": """\
In-place version of :meth:`Tensor.sin`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.sin_()
    tensor([0.2474, 0.4794])
    >>> x
    tensor([0.2474, 0.4794])""",
    "sinc_": """\
In-place version of :meth:`Tensor.sinc`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.sinc_()
    tensor([0.9003, 0.6366])
    >>> x
    tensor([0.9003, 0.6366])""",
    "sinh_": """\
In-place version of :meth:`Tensor.sinh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.sinh_()
    tensor([0.2526, 0.5211])
    >>> x
    tensor([0.2526, 0.5211])""",
    "sqrt_": """\
In-place version of :meth:`Tensor.sqrt`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.sqrt_()
    tensor([0.5000, 0.7071])
    >>> x
    tensor([0.5000, 0.7071])""",
    "square_": """\
In-place version of :meth:`Tensor.square`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.square_()
    tensor([0.0625, 0.2500])
    >>> x
    tensor([0.0625, 0.2500])""",
    "squeeze_": """\
In-place version of :meth:`Tensor.squeeze`: ``self`` itself takes the view's shape and strides (and its autograd
history); returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.zeros(2, 1, 3)
    >>> x.squeeze_()
    tensor([[0., 0., 0.],
            [0., 0., 0.]])
    >>> x.shape == (2, 3)
    True""",
    "sub_": """\
In-place version of :meth:`Tensor.sub`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.sub_(torch.tensor([1.0, 1.0, 1.0]))
    tensor([-2.5000, -0.7500,  1.5000])
    >>> x
    tensor([-2.5000, -0.7500,  1.5000])""",
    "subtract_": """\
In-place version of :meth:`Tensor.subtract`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.subtract_(1)
    tensor([-2.5000, -0.7500,  1.5000])
    >>> x
    tensor([-2.5000, -0.7500,  1.5000])""",
    "swapaxes_": """\
In-place version of :meth:`Tensor.swapaxes`: ``self`` itself takes the view's shape and strides (and its autograd
history); returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.arange(6).reshape(2, 3)
    >>> x.swapaxes_(0, 1)
    tensor([[0, 3],
            [1, 4],
            [2, 5]])
    >>> x.shape == (3, 2)
    True""",
    "swapdims_": """\
In-place version of :meth:`Tensor.swapdims`: ``self`` itself takes the view's shape and strides (and its autograd
history); returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.arange(6).reshape(2, 3)
    >>> x.swapdims_(0, 1)
    tensor([[0, 3],
            [1, 4],
            [2, 5]])
    >>> x.shape == (3, 2)
    True""",
    "t_": """\
In-place version of :meth:`Tensor.t`: ``self`` itself takes the view's shape and strides (and its autograd history);
returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.arange(6).reshape(2, 3)
    >>> x.t_()
    tensor([[0, 3],
            [1, 4],
            [2, 5]])""",
    "tan_": """\
In-place version of :meth:`Tensor.tan`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.tan_()
    tensor([0.2553, 0.5463])
    >>> x
    tensor([0.2553, 0.5463])""",
    "tanh_": """\
In-place version of :meth:`Tensor.tanh`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([0.25, 0.5])
    >>> x.tanh_()
    tensor([0.2449, 0.4621])
    >>> x
    tensor([0.2449, 0.4621])""",
    "transpose_": """\
In-place version of :meth:`Tensor.transpose`: ``self`` itself takes the view's shape and strides (and its autograd
history); returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.arange(6).reshape(2, 3)
    >>> x.transpose_(0, 1)
    tensor([[0, 3],
            [1, 4],
            [2, 5]])
    >>> x.shape == (3, 2)
    True""",
    "tril_": """\
In-place version of :meth:`Tensor.tril`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(2, 2)
    >>> x.tril_()
    tensor([[1., 0.],
            [1., 1.]])""",
    "triu_": """\
In-place version of :meth:`Tensor.triu`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(2, 2)
    >>> x.triu_()
    tensor([[1., 1.],
            [0., 1.]])""",
    "true_divide_": """\
In-place version of :meth:`Tensor.true_divide`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.true_divide_(2)
    tensor([-0.7500,  0.1250,  1.2500])
    >>> x
    tensor([-0.7500,  0.1250,  1.2500])""",
    "trunc_": """\
In-place version of :meth:`Tensor.trunc`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.trunc_()
    tensor([-1.,  0.,  2.])
    >>> x
    tensor([-1.,  0.,  2.])""",
    "uniform_": """\
Fills ``self`` with uniform samples in ``[from, to)``, in place, and returns ``self``.

npgrad's random stream is not torch's: the same seed gives different numbers (see :doc:`/differences`; the example
checks properties, not values).

Example:
    >>> import npgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.empty(1000).uniform_(-2, 2)
    >>> bool(((x >= -2) & (x < 2)).all())
    True""",
    "unsqueeze_": """\
In-place version of :meth:`Tensor.unsqueeze`: ``self`` itself takes the view's shape and strides (and its autograd
history); returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([1, 2])
    >>> x.unsqueeze_(0)
    tensor([[1, 2]])""",
    "xlogy_": """\
In-place version of :meth:`Tensor.xlogy`: writes the result into ``self`` and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.tensor([-1.5, 0.25, 2.5])
    >>> x.xlogy_(2.0)
    tensor([-1.0397,  0.1733,  1.7329])
    >>> x
    tensor([-1.0397,  0.1733,  1.7329])""",
    "zero_": """\
Fills ``self`` with zeros in place and returns ``self``.

The write bumps ``self._version``; when autograd records it, ``self``'s ``grad_fn`` becomes the operation's node (a
leaf that requires grad cannot be written in place).

Example:
    >>> import npgrad as torch
    >>> x = torch.ones(3)
    >>> x.zero_()
    tensor([0., 0., 0.])
    >>> x
    tensor([0., 0., 0.])""",
}


def apply(tensor_class):
    """Give each listed method its docstring; an alias shares its function, and the first name listed keeps it."""
    done = set()
    for name, doc in DOCS.items():
        fn = tensor_class.__dict__.get(name)
        if fn is not None and id(fn) not in done:
            done.add(id(fn))
            fn.__doc__ = doc
