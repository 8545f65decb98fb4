"""The tutorial "Automatic differentiation with torch.autograd", run on npgrad.

Its code cells, unchanged but for one line: `import npgrad as torch`. `make demo` runs it."""
import npgrad as torch
print(f'torch version: {torch.__version__}')

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f'x: {x}')
print(f'y: {y}')
print(f'w: {w}')
print(f'b: {b}')
print(f'z: {z}')
print(f'loss: {loss}')

print('Gradient function for z = ', z.grad_fn)
print('Gradient function for loss = ', loss.grad_fn)

print(w.grad)
print(b.grad)
loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z.requires_grad)
print(z_det.requires_grad)

inp = torch.eye(5, requires_grad=True)
out = (inp + 1).pow(2)
print('inp\n', inp)
print('out\n', out)

out.backward(torch.ones_like(inp), retain_graph=True)
print('\nFirst call\n', inp.grad)

out.backward(torch.ones_like(inp), retain_graph=True)
print('\nSecond call\n', inp.grad)

inp.grad.zero_()
out.backward(torch.ones_like(inp), retain_graph=True)
print('\nCall after zeroing gradients\n', inp.grad)
