"""Where every op-backed Tensor method comes from: one table, applied once by ``npgrad/__init__.py``.

``Tensor``'s class body (npgrad/_tensor.py) defines what is about the tensor itself: ``size``, ``dim``, ``item``,
``backward``, the operators (``__add__`` ...), ``to``, ``numpy``. Every method that is an op (``x.sum()``,
``x.exp_()``, ``x.scatter_(...)``) is a function of an op module, attached to ``Tensor`` from ``TABLE`` below. To find
``Tensor.sum``: its row reads ``sum  -  ops.reduction:sum``, so it is ``sum`` in npgrad/ops/reduction.py. A new
method is a new row.

Each row: the method's name, how it is made from the function, and the function as ``<module under npgrad>:<name>``
(a dotted name reaches an attribute: ``Cls.apply``). How:

- ``-``: the function itself (its first argument is the tensor);
- ``inplace``: ``x.f_(...)`` computes ``f(x, ...)`` and writes it into ``x`` (ops/inplace.py ``_inplace_method``);
  ``inplace+overlap`` lets ``x`` be an expanded view (``fill_``, ``zero_``: one value everywhere);
- ``inplace+rebase``: the same through a view's base while recording (torch's CopySlices; ops/indexing.py
  ``inplace_method``), for ``scatter_``, ``index_add_``, ``masked_fill_`` ...;
- ``inplace_view``: a view op whose result replaces ``x``'s shape and history (``unsqueeze_``, ``t_``;
  ops/shape_extra.py ``_inplace_view``);
- ``predicate``: ``x.lt_(y)`` and friends, 1/0 in ``x``'s dtype with torch's node names (ops/comparison.py);
- ``property``: an attribute, from its getter (and setter: ``getter,setter``), as ``x.T``, ``x.real``;
- ``same``: the same object as another method (``const_data_ptr`` is ``data_ptr``).

``inspect.getsource(Tensor.sum)`` and the docs find the function itself. ``tests/test_tensor_methods.py`` checks the
table (no name twice, every row resolves, no row shadows the class body).
"""
import sys

__all__ = ["TABLE", "bind"]

# method                how             function
TABLE = """
add                     -               ops.pointwise:add
add_                    inplace         ops.pointwise:add
sub                     -               ops.pointwise:sub
sub_                    inplace         ops.pointwise:sub
subtract                -               ops.pointwise:sub
mul                     -               ops.pointwise:mul
mul_                    inplace         ops.pointwise:mul
multiply                -               ops.pointwise:mul
div                     -               ops.pointwise:div
div_                    inplace         ops.pointwise:div
divide                  -               ops.pointwise:div
true_divide             -               ops.pointwise:div
true_divide_            inplace         ops.pointwise:div
floor_divide            -               ops.pointwise:floor_divide
floor_divide_           inplace         ops.pointwise:floor_divide
fmod                    -               ops.pointwise:fmod
fmod_                   inplace         ops.pointwise:fmod
remainder               -               ops.pointwise:remainder
remainder_              inplace         ops.pointwise:remainder
pow                     -               ops.pointwise:pow
pow_                    inplace         ops.pointwise:pow
float_power             -               ops.pointwise:float_power
float_power_            inplace         ops.pointwise:float_power
maximum                 -               ops.pointwise:maximum
minimum                 -               ops.pointwise:minimum
fmax                    -               ops.pointwise:fmax
fmin                    -               ops.pointwise:fmin
atan2                   -               ops.pointwise:atan2
atan2_                  inplace         ops.pointwise:atan2
arctan2                 -               ops.pointwise:atan2
arctan2_                inplace         ops.pointwise:atan2
hypot                   -               ops.pointwise:hypot
hypot_                  inplace         ops.pointwise:hypot
logaddexp               -               ops.pointwise:logaddexp
logaddexp2              -               ops.pointwise:logaddexp2
copysign                -               ops.pointwise:copysign
copysign_               inplace         ops.pointwise:copysign
xlogy                   -               ops.pointwise:xlogy
xlogy_                  inplace         ops.pointwise:xlogy
where                   -               ops.pointwise:where_method
__ifloordiv__           inplace         ops.pointwise:floor_divide
__imod__                inplace         ops.pointwise:remainder
reshape                 -               ops.shape:reshape
view                    -               ops.shape:view
view_as                 -               ops.shape:view_as
reshape_as              -               ops.shape:reshape_as
flatten                 -               ops.shape:flatten
unflatten               -               ops.shape:unflatten.__wrapped__
transpose               -               ops.shape:transpose
swapaxes                -               ops.shape:swapaxes
swapdims                -               ops.shape:swapdims
t                       -               ops.shape:t
permute                 -               ops.shape:permute
movedim                 -               ops.shape:movedim
moveaxis                -               ops.shape:movedim
unsqueeze               -               ops.shape:unsqueeze
squeeze                 -               ops.shape:squeeze
expand                  -               ops.shape:expand
expand_as               -               ops.shape:expand_as
broadcast_to            -               ops.shape:broadcast_to
clone                   -               ops.shape:clone
contiguous              -               ops.shape:contiguous
narrow                  -               ops.shape:narrow
diagonal                -               ops.shape:diagonal
adjoint                 -               ops.shape:adjoint
T                       property        ops.shape:_T
mT                      property        ops.shape:_mT
mH                      property        ops.shape:_mH
H                       property        ops.shape:_H
select                  -               ops.indexing:select
index_put               -               ops.indexing:index_put
index_put_              inplace+rebase  ops.indexing:index_put
nonzero                 -               ops.indexing:nonzero
argwhere                -               ops.indexing:argwhere
matmul                  -               ops.linalg:matmul
mm                      -               ops.linalg:mm
mv                      -               ops.linalg:mv
dot                     -               ops.linalg:dot
bmm                     -               ops.linalg:bmm
vdot                    -               ops.linalg:vdot
outer                   -               ops.linalg:outer
ger                     -               ops.linalg:outer
addmm                   -               ops.linalg:addmm
addmv                   -               ops.linalg:addmv
addbmm                  -               ops.linalg:addbmm
baddbmm                 -               ops.linalg:baddbmm
addmm_                  inplace         ops.linalg:addmm
addmv_                  inplace         ops.linalg:addmv
addbmm_                 inplace         ops.linalg:addbmm
baddbmm_                inplace         ops.linalg:baddbmm
inner                   -               ops.linalg_contract:inner
kron                    -               ops.linalg_contract:kron
cross                   -               ops.linalg_contract:cross
det                     -               ops.linalg_decomp:det
logdet                  -               ops.linalg_decomp:logdet
slogdet                 -               ops.linalg_decomp:slogdet
inverse                 -               ops.linalg_decomp:inv
cholesky                -               ops.linalg_decomp:cholesky
qr                      -               ops.linalg_decomp:qr
svd                     -               ops.linalg_decomp:svd
pinverse                -               ops.linalg_func:pinverse
matrix_exp              -               ops.linalg_func:matrix_exp
matrix_power            -               ops.linalg_func:matrix_power
norm                    -               ops.linalg_func:norm
sum                     -               ops.reduction:sum
nansum                  -               ops.reduction:nansum
mean                    -               ops.reduction:mean
nanmean                 -               ops.reduction:nanmean
prod                    -               ops.reduction:prod
var                     -               ops.reduction:var
std                     -               ops.reduction:std
logsumexp               -               ops.reduction:logsumexp
all                     -               ops.reduction:all
any                     -               ops.reduction:any
count_nonzero           -               ops.reduction:count_nonzero
softmax                 -               ops.reduction:softmax
log_softmax             -               ops.reduction:log_softmax
split                   -               ops.joining:split
chunk                   -               ops.joining:chunk
unbind                  -               ops.joining:unbind
tensor_split            -               ops.joining:tensor_split
hsplit                  -               ops.joining:hsplit
vsplit                  -               ops.joining:vsplit
dsplit                  -               ops.joining:dsplit
repeat                  -               ops.joining:repeat
tile                    -               ops.joining:_tile_method
repeat_interleave       -               ops.joining:repeat_interleave
flip                    -               ops.joining:flip
fliplr                  -               ops.joining:fliplr
flipud                  -               ops.joining:flipud
roll                    -               ops.joining:roll
tril                    -               ops.joining:tril
triu                    -               ops.joining:triu
diag                    -               ops.joining:diag
diag_embed              -               ops.joining:diag_embed
trace                   -               ops.joining:trace
index_select            -               ops.scatter:index_select
gather                  -               ops.scatter:gather
scatter                 -               ops.scatter:scatter
scatter_                inplace+rebase  ops.scatter:scatter
scatter_add             -               ops.scatter:scatter_add
scatter_add_            inplace+rebase  ops.scatter:scatter_add
scatter_reduce          -               ops.scatter:scatter_reduce
scatter_reduce_         inplace+rebase  ops.scatter:scatter_reduce
index_add               -               ops.scatter:index_add
index_add_              inplace+rebase  ops.scatter:index_add
index_copy              -               ops.scatter:index_copy
index_copy_             inplace+rebase  ops.scatter:index_copy
index_fill              -               ops.scatter:index_fill
index_fill_             inplace+rebase  ops.scatter:index_fill
masked_fill             -               ops.scatter:masked_fill
masked_fill_            inplace+rebase  ops.scatter:masked_fill
masked_select           -               ops.scatter:masked_select
masked_scatter          -               ops.scatter:masked_scatter
masked_scatter_         inplace+rebase  ops.scatter:masked_scatter
take                    -               ops.scatter:take
take_along_dim          -               ops.scatter:take_along_dim
neg                     -               ops.pointwise_unary:neg
neg_                    inplace         ops.pointwise_unary:neg
negative                -               ops.pointwise_unary:neg
negative_               inplace         ops.pointwise_unary:neg
positive                -               ops.pointwise_unary:positive
abs                     -               ops.pointwise_unary:abs
abs_                    inplace         ops.pointwise_unary:abs
absolute                -               ops.pointwise_unary:abs
absolute_               inplace         ops.pointwise_unary:abs
sign                    -               ops.pointwise_unary:sign
sign_                   inplace         ops.pointwise_unary:sign
sgn                     -               ops.pointwise_unary:sgn
sgn_                    inplace         ops.pointwise_unary:sgn
exp                     -               ops.pointwise_unary:exp
exp_                    inplace         ops.pointwise_unary:exp
exp2                    -               ops.pointwise_unary:exp2
exp2_                   inplace         ops.pointwise_unary:exp2
expm1                   -               ops.pointwise_unary:expm1
expm1_                  inplace         ops.pointwise_unary:expm1
log                     -               ops.pointwise_unary:log
log_                    inplace         ops.pointwise_unary:log
log2                    -               ops.pointwise_unary:log2
log2_                   inplace         ops.pointwise_unary:log2
log10                   -               ops.pointwise_unary:log10
log10_                  inplace         ops.pointwise_unary:log10
log1p                   -               ops.pointwise_unary:log1p
log1p_                  inplace         ops.pointwise_unary:log1p
sqrt                    -               ops.pointwise_unary:sqrt
sqrt_                   inplace         ops.pointwise_unary:sqrt
rsqrt                   -               ops.pointwise_unary:rsqrt
rsqrt_                  inplace         ops.pointwise_unary:rsqrt
square                  -               ops.pointwise_unary:square
square_                 inplace         ops.pointwise_unary:square
sin                     -               ops.pointwise_unary:sin
sin_                    inplace         ops.pointwise_unary:sin
cos                     -               ops.pointwise_unary:cos
cos_                    inplace         ops.pointwise_unary:cos
tan                     -               ops.pointwise_unary:tan
tan_                    inplace         ops.pointwise_unary:tan
asin                    -               ops.pointwise_unary:asin
asin_                   inplace         ops.pointwise_unary:asin
arcsin                  -               ops.pointwise_unary:asin
arcsin_                 inplace         ops.pointwise_unary:asin
acos                    -               ops.pointwise_unary:acos
acos_                   inplace         ops.pointwise_unary:acos
arccos                  -               ops.pointwise_unary:acos
arccos_                 inplace         ops.pointwise_unary:acos
atan                    -               ops.pointwise_unary:atan
atan_                   inplace         ops.pointwise_unary:atan
arctan                  -               ops.pointwise_unary:atan
arctan_                 inplace         ops.pointwise_unary:atan
sinh                    -               ops.pointwise_unary:sinh
sinh_                   inplace         ops.pointwise_unary:sinh
cosh                    -               ops.pointwise_unary:cosh
cosh_                   inplace         ops.pointwise_unary:cosh
tanh                    -               ops.pointwise_unary:tanh
tanh_                   inplace         ops.pointwise_unary:tanh
asinh                   -               ops.pointwise_unary:asinh
asinh_                  inplace         ops.pointwise_unary:AsinhInplace.apply
arcsinh                 -               ops.pointwise_unary:asinh
arcsinh_                inplace         ops.pointwise_unary:AsinhInplace.apply
acosh                   -               ops.pointwise_unary:acosh
acosh_                  inplace         ops.pointwise_unary:AcoshInplace.apply
arccosh                 -               ops.pointwise_unary:acosh
arccosh_                inplace         ops.pointwise_unary:AcoshInplace.apply
atanh                   -               ops.pointwise_unary:atanh
atanh_                  inplace         ops.pointwise_unary:AtanhInplace.apply
arctanh                 -               ops.pointwise_unary:atanh
arctanh_                inplace         ops.pointwise_unary:AtanhInplace.apply
sigmoid                 -               ops.pointwise_unary:sigmoid
sigmoid_                inplace         ops.pointwise_unary:sigmoid
reciprocal              -               ops.pointwise_unary:reciprocal
reciprocal_             inplace         ops.pointwise_unary:reciprocal
relu                    -               ops.pointwise_unary:relu
relu_                   inplace         ops.pointwise_unary:relu
hardshrink              -               ops.activation:hardshrink
prelu                   -               ops.activation:prelu
logit                   -               ops.pointwise_special:logit
logit_                  inplace         ops.pointwise_special:logit
erf                     -               ops.pointwise_special:erf
erf_                    inplace         ops.pointwise_special:erf
erfc                    -               ops.pointwise_special:erfc
erfc_                   inplace         ops.pointwise_special:erfc
erfinv                  -               ops.pointwise_special:erfinv
erfinv_                 inplace         ops.pointwise_special:erfinv
floor                   -               ops.pointwise_special:floor
floor_                  inplace         ops.pointwise_special:floor
ceil                    -               ops.pointwise_special:ceil
ceil_                   inplace         ops.pointwise_special:ceil
round                   -               ops.pointwise_special:round
round_                  inplace         ops.pointwise_special:round
trunc                   -               ops.pointwise_special:trunc
trunc_                  inplace         ops.pointwise_special:trunc
fix                     -               ops.pointwise_special:trunc
fix_                    inplace         ops.pointwise_special:trunc
frac                    -               ops.pointwise_special:frac
frac_                   inplace         ops.pointwise_special:frac
nan_to_num              -               ops.pointwise_special:nan_to_num
nan_to_num_             inplace         ops.pointwise_special:nan_to_num
deg2rad                 -               ops.pointwise_special:deg2rad
deg2rad_                inplace         ops.pointwise_special:deg2rad
rad2deg                 -               ops.pointwise_special:rad2deg
rad2deg_                inplace         ops.pointwise_special:rad2deg
clamp                   -               ops.pointwise_ternary:clamp
clamp_                  inplace         ops.pointwise_ternary:clamp
clip                    -               ops.pointwise_ternary:clamp
clip_                   inplace         ops.pointwise_ternary:clamp
clamp_min               -               ops.pointwise_ternary:clamp_min
clamp_min_              inplace         ops.pointwise_ternary:clamp_min
clamp_max               -               ops.pointwise_ternary:clamp_max
clamp_max_              inplace         ops.pointwise_ternary:clamp_max
lerp                    -               ops.pointwise_ternary:lerp
lerp_                   inplace         ops.pointwise_ternary:lerp
addcmul                 -               ops.pointwise_ternary:addcmul
addcmul_                inplace         ops.pointwise_ternary:addcmul
addcdiv                 -               ops.pointwise_ternary:addcdiv
addcdiv_                inplace         ops.pointwise_ternary:addcdiv
fill_                   inplace+overlap ops.inplace:_fill
zero_                   inplace+overlap ops.inplace:_zero
copy_                   inplace         ops.inplace:_copy
eq                      -               ops.comparison:eq
ne                      -               ops.comparison:ne
lt                      -               ops.comparison:lt
le                      -               ops.comparison:le
gt                      -               ops.comparison:gt
ge                      -               ops.comparison:ge
greater                 -               ops.comparison:gt
greater_equal           -               ops.comparison:ge
less                    -               ops.comparison:lt
less_equal              -               ops.comparison:le
not_equal               -               ops.comparison:ne
isclose                 -               ops.comparison:isclose
allclose                -               ops.comparison:allclose
equal                   -               ops.comparison:equal
isnan                   -               ops.comparison:isnan
isinf                   -               ops.comparison:isinf
isfinite                -               ops.comparison:isfinite
isposinf                -               ops.comparison:isposinf
isneginf                -               ops.comparison:isneginf
isreal                  -               ops.comparison:isreal
signbit                 -               ops.comparison:signbit
logical_and             -               ops.comparison:logical_and
logical_or              -               ops.comparison:logical_or
logical_xor             -               ops.comparison:logical_xor
logical_not             -               ops.comparison:logical_not
bitwise_not             -               ops.comparison:bitwise_not
bitwise_and             -               ops.comparison:bitwise_and
bitwise_or              -               ops.comparison:bitwise_or
bitwise_xor             -               ops.comparison:bitwise_xor
bitwise_left_shift      -               ops.comparison:bitwise_left_shift
bitwise_right_shift     -               ops.comparison:bitwise_right_shift
eq_                     predicate       ops.comparison:eq
ne_                     predicate       ops.comparison:ne
lt_                     predicate       ops.comparison:lt
le_                     predicate       ops.comparison:le
gt_                     predicate       ops.comparison:gt
ge_                     predicate       ops.comparison:ge
logical_and_            inplace         ops.comparison:logical_and
logical_or_             inplace         ops.comparison:logical_or
logical_xor_            inplace         ops.comparison:logical_xor
logical_not_            inplace         ops.comparison:logical_not
bitwise_not_            inplace         ops.comparison:bitwise_not
bitwise_and_            inplace         ops.comparison:bitwise_and
bitwise_or_             inplace         ops.comparison:bitwise_or
bitwise_xor_            inplace         ops.comparison:bitwise_xor
__iand__                inplace         ops.comparison:bitwise_and
__ior__                 inplace         ops.comparison:bitwise_or
__ixor__                inplace         ops.comparison:bitwise_xor
max                     -               ops.reduction_sort:max
min                     -               ops.reduction_sort:min
amax                    -               ops.reduction_sort:amax
amin                    -               ops.reduction_sort:amin
aminmax                 -               ops.reduction_sort:aminmax
argmax                  -               ops.reduction_sort:argmax
argmin                  -               ops.reduction_sort:argmin
median                  -               ops.reduction_sort:median
nanmedian               -               ops.reduction_sort:nanmedian
mode                    -               ops.reduction_sort:mode
kthvalue                -               ops.reduction_sort:kthvalue
topk                    -               ops.reduction_sort:topk
sort                    -               ops.reduction_sort:sort
argsort                 -               ops.reduction_sort:argsort
msort                   -               ops.reduction_sort:msort
cumsum                  -               ops.reduction_scan:cumsum
cumprod                 -               ops.reduction_scan:cumprod
cummax                  -               ops.reduction_scan:cummax
cummin                  -               ops.reduction_scan:cummin
diff                    -               ops.reduction_scan:diff
cumsum_                 inplace         ops.reduction_scan:cumsum
cumprod_                inplace         ops.reduction_scan:cumprod
new_zeros               -               _creation:new_zeros
new_ones                -               _creation:new_ones
new_full                -               _creation:new_full
new_empty               -               _creation:new_empty
new_tensor              -               _creation:new_tensor
uniform_                inplace         ops.random_fill:_uniform
normal_                 inplace         ops.random_fill:_normal
exponential_            inplace         ops.random_fill:_exponential
cauchy_                 inplace         ops.random_fill:_cauchy
log_normal_             inplace         ops.random_fill:_log_normal
geometric_              inplace         ops.random_fill:_geometric
bernoulli_              inplace         ops.random_fill:_bernoulli_fill
random_                 inplace         ops.random_fill:_random
bernoulli               -               ops.random_fill:bernoulli
multinomial             -               ops.random_fill:multinomial
unique                  -               ops.set_ops:unique
unique_consecutive      -               ops.set_ops:unique_consecutive
histc                   -               ops.set_ops:histc
histogram               -               ops.set_ops:histogram
bincount                -               ops.set_ops:bincount
lgamma                  -               ops.special:lgamma
lgamma_                 inplace         ops.special:lgamma
digamma                 -               ops.special:digamma
digamma_                inplace         ops.special:digamma
mvlgamma                -               ops.special:mvlgamma
mvlgamma_               inplace         ops.special:mvlgamma
i0                      -               ops.special:i0
i0_                     inplace         ops.special:i0
sinc                    -               ops.special:sinc
sinc_                   inplace         ops.special:sinc
heaviside               -               ops.special:heaviside
heaviside_              inplace         ops.special:heaviside
gcd                     -               ops.special:gcd
gcd_                    inplace         ops.special:gcd
lcm                     -               ops.special:lcm
lcm_                    inplace         ops.special:lcm
ldexp                   -               ops.special:ldexp
ldexp_                  inplace         ops.special:ldexp
nextafter               -               ops.special:nextafter
nextafter_              inplace         ops.special:nextafter
polygamma               -               ops.special:polygamma_method
polygamma_              -               ops.special:polygamma_method_
frexp                   -               ops.special:frexp
as_strided              -               ops.shape_extra:as_strided
unfold                  -               ops.shape_extra:unfold
rot90                   -               ops.shape_extra:rot90
ravel                   -               ops.shape_extra:ravel
renorm                  -               ops.shape_extra:renorm
renorm_                 inplace         ops.shape_extra:renorm
diagonal_scatter        -               ops.shape_extra:diagonal_scatter
select_scatter          -               ops.shape_extra:select_scatter
slice_scatter           -               ops.shape_extra:slice_scatter
index_reduce            -               ops.shape_extra:index_reduce
index_reduce_           inplace         ops.shape_extra:index_reduce
put                     -               ops.shape_extra:put
put_                    inplace         ops.shape_extra:put
sum_to_size             -               ops.shape_extra:sum_to_size
new                     -               ops.shape_extra:_new
apply_                  -               ops.shape_extra:_apply_
map_                    -               ops.shape_extra:_map_
resize_                 -               ops.shape_extra:_resize_
resize_as_              -               ops.shape_extra:_resize_as_
fill_diagonal_          -               ops.shape_extra:_fill_diagonal_
tril_                   inplace         ops.joining:tril
triu_                   inplace         ops.joining:triu
unsqueeze_              inplace_view    ops.shape_extra:_unsqueeze_view
squeeze_                inplace_view    ops.shape_extra:_squeeze_view
t_                      inplace_view    ops.shape_extra:_t_view
transpose_              inplace_view    ops.shape_extra:_transpose_view
swapaxes_               inplace_view    ops.shape_extra:_transpose_view
swapdims_               inplace_view    ops.shape_extra:_transpose_view
as_strided_             inplace_view    ops.shape_extra:as_strided
dist                    -               ops.statistics:dist
cov                     -               ops.statistics:cov
corrcoef                -               ops.statistics:corrcoef
quantile                -               ops.statistics:quantile
nanquantile             -               ops.statistics:nanquantile
logcumsumexp            -               ops.statistics:logcumsumexp
lu                      -               ops.linalg_lu:lu
lu_solve                -               ops.linalg_lu:lu_solve
cholesky_solve          -               ops.linalg_lu:cholesky_solve
cholesky_inverse        -               ops.linalg_lu:cholesky_inverse
igamma                  -               ops.api_extra:igamma
igammac                 -               ops.api_extra:igammac
addr                    -               ops.api_extra:addr
addr_                   inplace         ops.api_extra:_addr_
angle                   -               ops.api_extra:angle
diagflat                -               ops.api_extra:diagflat
split_with_sizes        -               ops.api_extra:split_with_sizes
triangular_solve        -               ops.api_extra:triangular_solve
is_signed               -               ops.api_extra:is_signed
is_nonzero              -               ops.api_extra:is_nonzero
is_same_size            -               ops.api_extra:is_same_size
is_neg                  -               ops.api_extra:is_neg
is_conj                 -               ops.api_extra:is_conj
is_distributed          -               ops.api_extra:is_distributed
conj                    -               ops.api_extra:conj
resolve_conj            -               ops.api_extra:resolve_conj
resolve_neg             -               ops.api_extra:resolve_neg
real                    property        ops.api_extra:_real_get,_real_set
storage_offset          -               ops.api_extra:storage_offset
is_set_to               -               ops.api_extra:is_set_to
volatile                property        ops.api_extra:_volatile,_volatile_set
reinforce               -               ops.api_extra:reinforce
new_empty_strided       -               ops.api_extra:new_empty_strided
as_subclass             -               ops.api_extra:as_subclass
map2_                   -               ops.api_extra:map2_
const_data_ptr          same            data_ptr
greater_                same            gt_
greater_equal_          same            ge_
less_                   same            lt_
less_equal_             same            le_
not_equal_              same            ne_
divide_                 same            div_
multiply_               same            mul_
subtract_               same            sub_
bitwise_left_shift_     inplace         ops.comparison:bitwise_left_shift
bitwise_right_shift_    inplace         ops.comparison:bitwise_right_shift
igamma_                 inplace         ops.api_extra:igamma
igammac_                inplace         ops.api_extra:igammac
__dlpack__              -               ops.api_extra:_dlpack
__dlpack_device__       -               ops.api_extra:_dlpack_device
as_strided_scatter      -               ops.api_extra:as_strided_scatter
resize                  -               ops.api_extra:resize
resize_as               -               ops.api_extra:resize_as
geqrf                   -               ops.linalg_extra:geqrf
orgqr                   -               ops.linalg_extra:orgqr
ormqr                   -               ops.linalg_extra:ormqr
set_                    -               ops.surface_extra:set_
name                    property        ops.surface_extra:_name
grad_dtype              property        ops.surface_extra:_get_grad_dtype,_set_grad_dtype
"""


def _maker(how):
    from .ops import inplace, indexing, comparison
    return {
        "-": lambda name, fn: fn,
        "inplace": lambda name, fn: inplace._inplace_method(fn),
        "inplace+overlap": lambda name, fn: inplace._inplace_method(fn, overlap_ok=True),
        "inplace+rebase": lambda name, fn: indexing.inplace_method(fn, name),
        "inplace_view": lambda name, fn: sys.modules["npgrad.ops.shape_extra"]._inplace_view(name, fn),  # lazy
        "predicate": lambda name, fn: comparison._inplace_predicate(fn, *comparison._PREDICATES_INPLACE[name[:-1]]),
    }[how]


def rows():
    """``(method, how, module, attribute)`` for each row of ``TABLE`` (``module`` is None for ``same``)."""
    for line in TABLE.splitlines():
        if line:
            name, how, src = line.split()
            module, _, attr = src.rpartition(":")
            yield name, how, (module or None), attr


def bind(T):
    """Attach every method of ``TABLE`` to ``T`` (called once, by npgrad/__init__). A row whose module is not
    imported yet (one that npgrad/_lazy.py loads on first use) gets a ``_Lazy`` stand-in that makes it on first
    access."""
    makers = {}
    for name, how, module, attr in rows():
        if module is not None and "npgrad." + module not in sys.modules:
            setattr(T, name, (_LazyProperty if how == "property" else _Lazy)(T, name, how, module, attr, makers))
        else:
            setattr(T, name, _make(T, name, how, module, attr, makers))


def _make(T, name, how, module, attr, makers):
    """The method (function, property, wrapper) of one row."""
    if how == "same":
        return getattr(T, attr)
    mod = sys.modules.get("npgrad." + module)
    if mod is None:
        import importlib
        mod = importlib.import_module("npgrad." + module)
    if how == "property":  # getter[,setter]
        return property(*(getattr(mod, a) for a in attr.split(",")))
    obj = mod
    for part in attr.split("."):
        obj = getattr(obj, part)
    make = makers.get(how)
    if make is None:
        make = makers[how] = _maker(how)
    return make(name, obj)


class _Lazy:
    """A method of a module that loads on first use (npgrad/_lazy.py): the first access, on the class or on a tensor,
    imports the module, puts the method itself on the class in place of this stand-in (later calls never come here)
    and returns it. Its docstring is then attached as npgrad/_docs/tensor_methods.py does at import."""

    def __init__(self, T, name, how, module, attr, makers):
        self.row = (T, name, how, module, attr)
        self.makers = makers

    def resolve(self):
        T, name = self.row[:2]
        if T.__dict__.get(name) is not self:  # replaced already (by another thread, or patched: compile's capture)
            return T.__dict__[name]
        obj = _make(*self.row, self.makers)
        from ._docs.tensor_methods import DOCS
        if name in DOCS:
            obj.__doc__ = DOCS[name]
        setattr(T, name, obj)
        return obj

    def __get__(self, instance, owner=None):
        obj = self.resolve()
        get = getattr(type(obj), "__get__", None)
        return obj if get is None else get(obj, instance, owner)


class _LazyProperty(property, _Lazy):
    """``_Lazy`` for a property row (``x.real``): a property (for ``inspect`` and ``x.real = ...``) until resolved."""

    def __init__(self, T, name, how, module, attr, makers):
        _Lazy.__init__(self, T, name, how, module, attr, makers)
        property.__init__(self, lambda t: self.resolve().__get__(t), lambda t, v: self.resolve().__set__(t, v))

    def __get__(self, instance, owner=None):
        return self.resolve().__get__(instance, owner)
