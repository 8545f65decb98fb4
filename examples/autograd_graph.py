"""See the computational graph of the tutorial: a text tree, a summary, DOT text and a picture.

    python examples/autograd_graph.py [OUTPUT_DIR]      (default: docs/ beside this folder)

Writes OUTPUT_DIR/tutorial_graph.dot always, and OUTPUT_DIR/tutorial_graph.png when Graphviz is installed
(`pip install npgrad[viz]` and `apt-get install graphviz`); says so when it is not. `make demo` runs it.
"""
import sys
from pathlib import Path

import npgrad as torch
from npgrad.autograd.graph import print_graph, summary, to_dot, render

torch.manual_seed(0)
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

# names for the boxes: the parameters, and the other tensors the picture shows
names = {"w": w, "b": b, "x": x, "y": y, "z": z, "loss": loss}

print("The backward graph of loss, as a tree (leaves are the tensors whose .grad backward fills):")
print_graph(loss, params=names)
print()
print("What it holds:")
print(summary(loss))
print()

out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs"
out_dir.mkdir(parents=True, exist_ok=True)
dot_path = out_dir / "tutorial_graph.dot"
dot_path.write_text(to_dot(loss, params=names, show_saved=True) + "\n")
print(f"DOT text written to {dot_path} (green: the output, blue: parameters, grey: backward nodes, orange: "
      "tensors saved for backward)")

png_path = out_dir / "tutorial_graph.png"
try:
    render(loss, png_path, params=names, show_saved=True, dpi=110)
except (ImportError, RuntimeError) as e:
    print(f"No picture drawn: {e}")
else:
    print(f"Picture written to {png_path}")
