"""Independent reference for HashingFeaturizerTest: 64-bit FNV-1a (offset basis XOR seed) and the intent-bag
featurization rule of onnx-models/README.md (lowercase, letter/digit runs, n-major n-grams, unsigned hash mod
buckets, truncation to max_tokens). Run: python3 hashing_reference.py (prints the vectors used in the test)."""
import re

MASK = (1 << 64) - 1


def fnv1a64(data: bytes, seed: int = 0) -> int:
    h = 0xCBF29CE484222325 ^ seed
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & MASK
    return h


def tokens(text):
    # [^\W_]+ = runs of letters/digits (Python's \w also has '_', excluded); the test texts have no combining marks.
    return re.findall(r"[^\W_]+", text.lower())


def ngrams(text, lo, hi):
    t = tokens(text)
    return [" ".join(t[i:i + n]) for n in range(lo, hi + 1) for i in range(len(t) - n + 1)]


if __name__ == "__main__":
    for s in [b"", b"a", b"foobar"]:
        print(repr(s), hex(fnv1a64(s)))
    for s, seed in [("hello", 0), ("what is my balance", 0), ("my balance", 0), ("é", 0), ("hello", 20261125),
                    ("my balance", 20261125)]:
        print(repr(s), seed, fnv1a64(s.encode("utf-8"), seed) % 32768)
    text = "What's the weather in São Paulo, tomorrow?"
    grams = ngrams(text, 1, 2)
    print(grams)
    print([fnv1a64(g.encode("utf-8"), 7) % 50000 for g in grams])
