"""The code on the hand-written pages runs: every ```python block of the guides, getting started, the distributed
page and the graph page is executed (the blocks of one page in order, as one script), so a page cannot drift from
the code. The distributed page's script also runs on two MPI ranks, as the page says to start it."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / "guides").glob("*.md")) + [
    "getting_started.md", "distributed.md", "graph.md"]
_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def blocks(page):
    return _BLOCK.findall((DOCS / page).read_text())


def _script(page, tmp_path):
    path = tmp_path / (pathlib.Path(page).stem + ".py")
    path.write_text("\n\n".join(blocks(page)))
    return path


def _env():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT / "src"))
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID"):
        env.pop(k, None)
    return env


def test_the_pages_have_code_to_run():
    """Each listed page still has its python blocks (a renamed fence would otherwise run nothing)."""
    assert len(PAGES) >= 6
    for page in PAGES:
        assert blocks(page), page


@pytest.mark.parametrize("page", PAGES)
def test_page_code_runs(page, tmp_path):
    """The page's python blocks as one script, in a fresh process and an empty directory (files it writes, such
    as graph.svg, land there); the distributed page runs as a world of one, as a script not started by mpirun."""
    r = subprocess.run([sys.executable, str(_script(page, tmp_path))], cwd=tmp_path, env=_env(),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    if page == "distributed.md":
        assert "rank 0 of 1: loss" in r.stdout


def test_distributed_page_on_two_ranks(tmp_path):
    from tests.distributed.mpi_launch import mpirun, setup
    cmd, why = setup()
    if cmd is None:
        pytest.skip(why)
    code, out = mpirun(2, str(_script("distributed.md", tmp_path)), timeout=120)
    assert code == 0, out[-4000:]
    losses = re.findall(r"rank (\d) of 2: loss ([0-9.]+)", out)  # the ranks' lines may run together
    assert sorted(r for r, _ in losses) == ["0", "1"], out[-2000:]
