"""Run unchanged public torch programs on torch and on npgrad and compare (a developer tool, not part of make test).

    python tools/real_programs/run.py --fetch            # clone the repositories below into --root (network)
    python tools/real_programs/run.py [name-substr ...]  # run each on torch and on npgrad; table + logs + JSON

A program *agrees* when both runs exit 0, or both fail with the same exception class (some of these programs no
longer run on torch 2.x; npgrad must fail the same way). Values are not compared: the programs draw random
initial weights, so the logs are read by hand for losses in the same range and falling as on torch.
The third-party code stays under --root (default $NPGRAD_PROGRAMS or ~/.cache/npgrad-real-programs), never here.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AS_TORCH = os.path.join(HERE, "as_torch.py")

# repository -> commit the results were taken at (None: the default branch's head)
REPOS = {
    "MorvanZhou/PyTorch-Tutorial": "dbe154a9e56635e51c6b0c2ccea8ae36cfb585a7",
    "karpathy/makemore": "988aa59e4d8fefa526d06f3b453ad116258398d4",
    "karpathy/micrograd": "c911406e5ace8742e5841a7e0df113ecb5d54685",
    "karpathy/minGPT": "37baab71b9abea1b76ab957409a1cc2fbfba8a26",
    "karpathy/nanoGPT": "3adf61e154c3fe3fca428ad6bc3818b27a3b8291",
    "karpathy/ng-video-lecture": "52201428ed7b46804849dea0b3ccf0de9df1a5c3",
    "pytorch/examples": "77f55b912142e11fcfdf5b530231fb9c52f181e8",
    "yunjey/pytorch-tutorial": "0500d3df5a2a8080ccfccbc00aca0eacc21818db",
    "pytorch/tutorials": None,  # single files at their own commits (FILE_COMMITS): the tree is large
    "jcjohnson/pytorch-examples": None,
    "rasbt/LLMs-from-scratch": None,
}
# offline stand-ins (torchvision datasets with synthetic data, a byte-level tiktoken): put on every run's PYTHONPATH
STAND_INS = os.path.join(HERE, "stand_ins")
# pytorch/tutorials files taken at these commits (older versions of some tutorials are the pre-0.4 API on purpose)
FILE_COMMITS = {
    "beginner_source/examples_autograd/polynomial_autograd.py": "02e5a75dc17eec70591fbfc71b6e53b390083c3a",
    "beginner_source/examples_autograd/polynomial_custom_function.py": "02ed6c5cf613bbf2b631704eee62033b8bd746ef",
    "beginner_source/examples_autograd/two_layer_net_autograd.py": "15bfd259a60e64010d98cc9ed47c2ba45b12726b",
    "beginner_source/examples_autograd/two_layer_net_custom_function.py": "4ba126213d3cfa9e10ecde3faaf3d93e9d9d02c1",
    "beginner_source/examples_nn/dynamic_net.py": "1d189709801e98f5f184af0567c7f06b8b5156c2",
    "beginner_source/examples_nn/polynomial_module.py": "1d189709801e98f5f184af0567c7f06b8b5156c2",
    "beginner_source/examples_nn/polynomial_nn.py": "02d7694195db7543ff85fd72177d1f1adca7784a",
    "beginner_source/examples_nn/polynomial_optim.py": "02d7694195db7543ff85fd72177d1f1adca7784a",
    "beginner_source/examples_nn/two_layer_net_module.py": "6f53cd7c257a9ace7f6198bc3d22bdd8547414fd",
    "beginner_source/nlp/sequence_models_tutorial.py": "0d1e0f7576479586ee777d5387153830750025eb",
    "beginner_source/basics/autogradqs_tutorial.py": "1532c0de875b79f541371438d8d1d08be18f87de",
    "beginner_source/blitz/neural_networks_tutorial.py": "06dc97785c47755b8d5bca167ad3cfc2ee8a04c1",
}
NANO = ["config/train_shakespeare_char.py", "--device=cpu", "--compile=False", "--eval_iters=2", "--log_interval=1",
        "--block_size=64", "--batch_size=8", "--n_layer=2", "--n_head=2", "--n_embd=64", "--max_iters=10",
        "--lr_decay_iters=10", "--dropout=0.0", "--eval_interval=5", "--always_save_checkpoint=True"]
MORVAN = "tutorial-contents/"
TS = ("import runpy, sys; runpy.run_path('generate_sine_wave.py', run_name='__main__'); "
      "sys.argv=['train.py','--steps','2']; runpy.run_path('train.py', run_name='__main__')")
MICRO = ("import sys; sys.path.insert(0,'test'); import test_engine as t; t.test_sanity_check(); t.test_more_ops(); "
         "print('ok')")


def _mm(kind, steps):
    return ["-i", "names.txt", "-o", f"/tmp/mm_{kind}", "--type", kind, "--max-steps", str(steps), "--device", "cpu"]


# name, repository, script (its folder is the working directory; "-c" code runs in `cwd`), arguments, timeout (s)
PROGRAMS = [
    *[(f"morvan/{n}", "MorvanZhou/PyTorch-Tutorial", MORVAN + f + ".py", [], t) for n, f, t in [
        ("201_torch_numpy", "201_torch_numpy", 60), ("202_variable", "202_variable", 60),
        ("203_activation", "203_activation", 60), ("301_regression", "301_regression", 120),
        ("302_classification", "302_classification", 120), ("303_build_nn_quickly", "303_build_nn_quickly", 60),
        ("304_save_reload", "304_save_reload", 120), ("305_batch_train", "305_batch_train", 60),
        ("306_optimizer", "306_optimizer", 180), ("403_RNN_regressor", "403_RNN_regressor", 180),
        ("406_GAN", "406_GAN", 900), ("406_conditional_GAN", "406_conditional_GAN", 900),
        ("501_dynamic_graph", "501_why_torch_dynamic_graph", 180), ("503_dropout", "503_dropout", 120),
        ("504_batch_normalization", "504_batch_normalization", 300)]],
    ("examples/regression", "pytorch/examples", "regression/main.py", [], 120),
    ("examples/time_sequence_prediction", "pytorch/examples", "time_sequence_prediction/-c", [TS], 300),
    ("mingpt/adder", "karpathy/minGPT", "projects/adder/adder.py",
     ["--trainer.max_iters=30", "--trainer.device=cpu"], 300),
    ("mingpt/chargpt", "karpathy/minGPT", "projects/chargpt/chargpt.py",
     ["--trainer.max_iters=20", "--trainer.device=cpu", "--model.model_type=gpt-nano"], 300),
    ("micrograd/test_engine", "karpathy/micrograd", "-c", [MICRO], 60),
    *[(f"makemore/{k}", "karpathy/makemore", "makemore.py", _mm(k, s), t) for k, s, t in [
        ("bigram", 30, 180), ("mlp", 30, 180), ("rnn", 10, 180), ("gru", 10, 180), ("bow", 10, 180),
        ("transformer", 10, 240)]],
    ("nanogpt/train_shakespeare_char", "karpathy/nanoGPT", "train.py", NANO, 300),
    ("ngvideo/bigram", "karpathy/ng-video-lecture", "bigram.py", [], 300),
    ("yunjey/linear_regression", "yunjey/pytorch-tutorial", "tutorials/01-basics/linear_regression/main.py", [], 120),
    *[(f"tutorials/{os.path.basename(p)[:-3]}", "pytorch/tutorials", p, [], 300 if "dynamic" in p else 180)
      for p in FILE_COMMITS],
    # sixth session: MNIST-style examples on the torchvision stand-in (synthetic data), rasbt's GPT, jcjohnson's
    *[(f"examples/{d}", "pytorch/examples", f"{d}/main.py", args, 600) for d, args in [
        ("mnist", ["--epochs", "1", "--log-interval", "2", "--no-accel"]),
        ("vae", ["--epochs", "1", "--log-interval", "2", "--no-accel"]),
        ("mnist_hogwild", ["--epochs", "1", "--num-processes", "2", "--log-interval", "2"]),
        ("mnist_forward_forward", ["--epochs", "30", "--no_accel", "--train_size", "512", "--test_size", "128"]),
        ("mnist_rnn", ["--epochs", "1", "--log-interval", "2"]),
        ("dcgan", ["--dataset", "fake", "--batchSize", "16", "--ngf", "8", "--ndf", "8", "--niter", "1",
                   "--outf", "/tmp/dcgan_out", "--manualSeed", "1"])]],
    ("rasbt/ch04_gpt", "rasbt/LLMs-from-scratch", "ch04/01_main-chapter-code/gpt.py", [], 600),
    *[(f"jcjohnson/{os.path.basename(f)}", "jcjohnson/pytorch-examples", f + ".py", [], 120) for f in [
        "tensor/two_layer_net_tensor", "autograd/two_layer_net_autograd", "autograd/two_layer_net_custom_function",
        "nn/two_layer_net_nn", "nn/two_layer_net_optim", "nn/two_layer_net_module", "nn/dynamic_net"]],
]


def repo_dir(root, repo):
    return os.path.join(root, repo.replace("/", "+"))


def fetch(root):
    """Clone every repository at its recorded commit; pytorch/tutorials: only the listed files, each at its commit.
    Data some programs read (tiny Shakespeare for nanoGPT and minGPT's chargpt) is prepared as their READMEs say."""
    for repo, commit in REPOS.items():
        d = repo_dir(root, repo)
        if os.path.isdir(d):
            continue
        url = f"https://github.com/{repo}.git"
        if repo == "pytorch/tutorials":
            subprocess.run(["git", "clone", "-q", "--filter=blob:none", "--no-checkout", url, d], check=True)
            for path, c in FILE_COMMITS.items():
                subprocess.run(["git", "-C", d, "checkout", c, "--", path], check=True)
            continue
        subprocess.run(["git", "clone", "-q", url, d], check=True)
        if commit:
            subprocess.run(["git", "-C", d, "checkout", "-q", commit], check=True)
    nano = repo_dir(root, "karpathy/nanoGPT") + "/data/shakespeare_char"
    if not os.path.exists(nano + "/train.bin"):
        subprocess.run([sys.executable, "prepare.py"], cwd=nano, check=True)  # downloads tiny Shakespeare
    chargpt = repo_dir(root, "karpathy/minGPT") + "/projects/chargpt/input.txt"
    if not os.path.exists(chargpt):
        with open(nano + "/input.txt") as src, open(chargpt, "w") as dst:
            dst.write(src.read())


def run_one(root, prog, backend, python):
    name, repo, script, args, timeout = prog
    base = repo_dir(root, repo)
    if script.endswith("-c"):  # inline code run in a folder of the repository
        cwd = os.path.join(base, os.path.dirname(script)) if "/" in script else base
        argv = ["-c", args[0]]
    else:
        cwd, argv = os.path.join(base, os.path.dirname(script)), [os.path.basename(script)] + list(args)
    if backend == "torch":
        cmd = [python] + argv
    elif argv[0] == "-c":
        cmd = [python, "-c", f"import runpy; runpy.run_path({AS_TORCH!r}, run_name='as_torch'); " + argv[1]]
    else:
        cmd = [python, AS_TORCH] + argv
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([STAND_INS, repo_dir(root, "karpathy/minGPT")]),
               SHIM_N_TRAIN=("64" if "dcgan" in name else "512"), MPLBACKEND="Agg", PYTHONHASHSEED="0",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")  # the same BLAS threads for both
    t0 = time.time()
    try:
        r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        rc, out = r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        rc = "timeout"
    return rc, out, time.time() - t0


_EXC = re.compile(r"^(\w+(?:\.\w+)*(?:Error|Exception|Interrupt|Exit))\b")


def last_exception(out):
    """The exception class named on the last traceback line that names one (module prefix dropped), or None."""
    for line in reversed(out.splitlines()):
        m = _EXC.match(line.strip())
        if m:
            return m.group(1).rsplit(".", 1)[-1]
    return None


def agree(rc_t, out_t, rc_n, out_n):
    if rc_t == 0 and rc_n == 0:
        return True
    if rc_t not in (0, "timeout") and rc_n not in (0, "timeout"):
        return last_exception(out_t) is not None and last_exception(out_t) == last_exception(out_n)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="run only the programs whose name contains one of these")
    ap.add_argument("--root", default=os.environ.get("NPGRAD_PROGRAMS",
                                                     os.path.expanduser("~/.cache/npgrad-real-programs")))
    ap.add_argument("--python", default=sys.executable, help="a Python with torch and npgrad installed")
    ap.add_argument("--fetch", action="store_true", help="clone the repositories into --root first")
    ap.add_argument("--timeout-scale", type=float, default=1.0, help="multiply every time limit (a loaded machine)")
    a = ap.parse_args()
    if a.fetch:
        fetch(a.root)
    logs = os.path.join(a.root, "logs")
    os.makedirs(logs, exist_ok=True)
    results = {}
    for prog in PROGRAMS:
        name = prog[0]
        if a.names and not any(s in name for s in a.names):
            continue
        row = {}
        for backend in ("torch", "npgrad"):
            rc, out, dt = run_one(a.root, prog[:4] + (prog[4] * a.timeout_scale,), backend, a.python)
            with open(os.path.join(logs, f"{name.replace('/', '__')}.{backend}.log"), "w") as f:
                f.write(out)
            row[backend] = dict(rc=rc, seconds=round(dt, 1), exception=None if rc == 0 else last_exception(out),
                                out=out)
        ok = agree(row["torch"]["rc"], row["torch"]["out"], row["npgrad"]["rc"], row["npgrad"]["out"])
        results[name] = dict(agree=ok, **{b: {k: v for k, v in r.items() if k != "out"} for b, r in row.items()})
        t, n = row["torch"], row["npgrad"]
        print(f"{name:42s} torch rc={t['rc']} ({t['exception'] or '-'}) {t['seconds']}s  npgrad rc={n['rc']} "
              f"({n['exception'] or '-'}) {n['seconds']}s  {'AGREE' if ok else 'DIFFER'}", flush=True)
    with open(os.path.join(logs, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"{sum(r['agree'] for r in results.values())} of {len(results)} run unchanged and agree with torch")


if __name__ == "__main__":
    main()
