"""Builders of hand-made checkpoints (raw zip records, pickles) and a peak-memory probe for the load tests."""
import os
import pickle
import struct
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYS_INFO = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}
LEGACY_HEAD = b"".join(pickle.dumps(x, 2) for x in (0x1950A86A20F9469CFC6C, 1001, SYS_INFO))


def raw_zip(records):
    """A zip archive written field by field: ``records`` holds ``(name, method, payload, declared_size, crc)``
    (``declared_size``/``crc`` None: the true ones). Lets a test declare sizes that the payload does not have."""
    out, central = bytearray(), bytearray()
    for name, method, payload, declared, crc in records:
        raw = payload
        if method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(raw) + c.flush()
        elif method == 12:
            import bz2
            payload = bz2.compress(raw, 9)
        size = len(raw) if declared is None else declared
        crc = zlib.crc32(raw) if crc is None else crc
        fname = name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(payload), size,
                           len(fname), 0) + fname + payload
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc,
                               len(payload), size, len(fname), 0, 0, 0, 0, 0, offset) + fname
    n = len(records)
    return bytes(out + central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central), len(out), 0))


def tensor_pickle(storage="FloatStorage", numel=4, size=(4,), stride=(1,), offset=0, rebuild="_rebuild_tensor_v2",
                  extra=b"", key="0", tail=b""):
    """data.pkl of one tensor built by ``rebuild`` from storage ``key`` (``extra``: more arguments, pickled)."""
    def p(x):
        return pickle.dumps(x, 2)[2:-1]
    module, _, name = storage.rpartition(".")
    return (b"\x80\x02ctorch._utils\n" + rebuild.encode() + b"\n((X\x07\x00\x00\x00storagec"
            + (module or "torch").encode() + b"\n" + name.encode() + b"\n" + p(key) + b"X\x03\x00\x00\x00cpu" + p(numel) + b"tQ" + p(offset)
            + (size if isinstance(size, bytes) else p(tuple(size))) + p(tuple(stride))
            + b"\x89ccollections\nOrderedDict\n)R" + extra + b"tR" + tail + b".")


def checkpoint(pkl, records=None, method=0):
    """A torch-layout archive around ``pkl`` with storages ``records`` (name -> bytes), all with ``method``."""
    recs = [("archive/data.pkl", 0, pkl, None, None), ("archive/byteorder", 0, b"little", None, None)]
    recs += [("archive/data/" + k, method, v, None, None) for k, v in (records or {}).items()]
    recs.append(("archive/version", 0, b"3\n", None, None))
    return raw_zip(recs)


PROBE = """
import gc, sys, time
sys.path.insert(0, {src!r})
import npgrad
def peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) * 1024
base = peak()
{body}
gc.collect()
print('PEAK', base, peak())
"""


def peak_memory(body, timeout=300, limit_bytes=None):
    """Run ``body`` (Python, with npgrad imported) in a fresh interpreter and return ``(rc, baseline peak RSS,
    final peak RSS, output)`` from the kernel's VmHWM. ``limit_bytes`` caps the address space (a runaway
    allocation then fails fast instead of eating the machine)."""
    code = PROBE.format(src=os.path.join(ROOT, "src"), body=body)
    pre = None
    if limit_bytes is not None:
        def pre():
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=pre, env=env)
    out = proc.stdout + proc.stderr
    for line in proc.stdout.splitlines():
        if line.startswith("PEAK "):
            _, base, end = line.split()
            return proc.returncode, int(base), int(end), out
    return proc.returncode, None, None, out
