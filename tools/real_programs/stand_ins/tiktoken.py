"""Offline stand-in for tiktoken (the gpt2 BPE file needs the network): byte-level ids 0..255, <|endoftext|>=50256."""
class _Enc:
    n_vocab = 50257
    eot_token = 50256
    def encode(self, text, allowed_special=None, **kw):
        out = []
        parts = text.split("<|endoftext|>")
        for i, p in enumerate(parts):
            if i:
                out.append(50256)
            out.extend(p.encode("utf-8"))
        return out
    def encode_ordinary(self, text):
        return list(text.encode("utf-8"))
    def decode(self, ids):
        return bytes(i for i in ids if i < 256).decode("utf-8", errors="replace")
def get_encoding(name):
    return _Enc()
