"""Run one unchanged public program eager or with ``torch.compile`` added, on torch or on npgrad (a developer tool).

    python tools/real_programs/compiled.py --backend npgrad [--compile Cls[,Cls2]] [--compile-step] \
        [--report out.json] script.py [script args ...]

``--backend npgrad`` resolves ``import torch`` (and every ``torch.X``) to npgrad, as ``as_torch.py`` does.
``--compile Cls`` adds the one line a user would add, ``model = torch.compile(model)``, without editing the
script: the first call of an instance of a module class named ``Cls`` compiles it in place (``Module.compile()``,
which both libraries have), so every later call of that instance runs compiled. ``--compile-step`` does the same for
``optimizer.step``. The module-call hook is installed in every mode (eager too), so the timings compare like with
like. The report (JSON) holds the start and wall time of every top-level call of a watched instance and whether it was a
training call (train mode, grad on; the time between two training calls is a step), every
warning raised (graph breaks name their cause), and npgrad's compiler counters.
"""
import argparse
import json
import os
import runpy
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["torch", "npgrad"], required=True)
    ap.add_argument("--compile", default="", help="module class names whose instances are compiled at first call")
    ap.add_argument("--watch", default="", help="module class names timed (default: the --compile ones)")
    ap.add_argument("--compile-step", action="store_true", help="compile optimizer.step at its first call")
    ap.add_argument("--report", default=None)
    ap.add_argument("script")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.backend == "npgrad":
        runpy.run_path(os.path.join(HERE, "as_torch.py"), run_name="as_torch")  # installs the import alias
    import torch  # npgrad under --backend npgrad

    compile_names = {n for n in a.compile.split(",") if n}
    watch_names = {n for n in a.watch.split(",") if n} or compile_names
    calls, seen, depth = [], set(), [0]
    caught = []
    orig_call = torch.nn.Module.__call__

    def call(self, *args, **kwargs):
        name = type(self).__name__
        top = depth[0] == 0 and name in watch_names
        if name in compile_names and depth[0] == 0 and id(self) not in seen:  # (not an inner namesake)
            seen.add(id(self))
            self.compile()
        if not top:
            return orig_call(self, *args, **kwargs)
        depth[0] += 1
        train = bool(self.training and torch.is_grad_enabled())
        t0 = time.perf_counter()
        try:
            return orig_call(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            calls.append((t0, time.perf_counter() - t0, train))

    torch.nn.Module.__call__ = call
    if a.compile_step:
        orig_init = torch.optim.Optimizer.__init__

        def init(self, *args, **kwargs):
            orig_init(self, *args, **kwargs)
            if type(self).__name__ in ("SGD", "Adam", "AdamW"):
                self.step = torch.compile(self.step)

        torch.optim.Optimizer.__init__ = init

    show = warnings.showwarning

    def record(message, category, filename, lineno, file=None, line=None):
        caught.append(f"{category.__name__}: {message}")
        show(message, category, filename, lineno, file, line)

    warnings.showwarning = record
    sys.argv = [a.script] + a.args
    sys.path.insert(0, os.path.dirname(os.path.abspath(a.script)))
    t0 = time.perf_counter()
    rc, err = 0, None
    try:
        runpy.run_path(a.script, run_name="__main__")
    except SystemExit as e:
        rc = e.code or 0
    except BaseException as e:  # reported, then re-raised below
        rc, err = 1, e
    wall = time.perf_counter() - t0
    if a.report:
        counters = {}
        if a.backend == "npgrad":
            counters = dict(torch.compiler.counters)
        with open(a.report, "w") as f:
            json.dump({"rc": rc, "error": repr(err) if err else None, "wall": wall, "calls": calls,
                       "warnings": caught, "counters": counters}, f)
    if err is not None:
        raise err
    sys.exit(rc)


if __name__ == "__main__":
    main()
