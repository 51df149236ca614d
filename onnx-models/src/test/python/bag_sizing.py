"""Reference values for the intent-bag featurization and its sizing (README "intent-bag featurization").

Run once by hand (python3 bag_sizing.py [data_dir]); the numbers it prints are quoted in onnx-models/README.md.
It is an independent re-implementation of the README's rules: tokenization on runs of non-alphanumeric characters,
unigrams then bigrams, FNV-1a 64 with offset basis 0xcbf29ce484222325 ^ seed, bucket = h mod buckets.
"""
import json
import os
import re
import sys

MASK = 2**64 - 1


def fnv1a64_bucket(text, seed, buckets):
    h = (0xCBF29CE484222325 ^ seed) & MASK
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & MASK
    return h % buckets


def ngrams(text, max_tokens=64):
    # Python's str.isalnum is close to Java's Character.isLetterOrDigit for this data (ASCII English).
    tokens = [t for t in re.split(r"[^0-9a-zA-Z\u00C0-\uFFFF]+", text.lower()) if t]
    grams = tokens + [a + " " + b for a, b in zip(tokens, tokens[1:])]
    return grams[:max_tokens]


def main():
    for s in ["hello", "what is my balance", "my balance", "\u00e9"]:
        print(repr(s), "seed 0:", fnv1a64_bucket(s, 0, 32768), "seed 20261125:", fnv1a64_bucket(s, 20261125, 32768))
    print("ngrams('What is my balance?') =", ngrams("What is my balance?"))
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRUSTFL_DATA_DIR", "../shared/data")
    with open(os.path.join(data_dir, "clinc150", "data_full.json")) as f:
        d = json.load(f)
    uni, bi, lengths = set(), set(), []
    for text, _ in d["train"] + d["val"] + d["test"]:
        tokens = [t for t in re.split(r"[^0-9a-zA-Z\u00C0-\uFFFF]+", text.lower()) if t]
        uni |= set(tokens)
        bi |= set(zip(tokens, tokens[1:]))
        lengths.append(2 * len(tokens) - 1)
    lengths.sort()
    print("distinct unigrams", len(uni), "bigrams", len(bi), "max n-grams", lengths[-1],
          "p99", lengths[int(0.99 * len(lengths))])
    used = {fnv1a64_bucket(" ".join(g) if isinstance(g, tuple) else g, 0, 32768) for g in list(uni) + list(bi)}
    print("buckets used of 32768:", len(used))


if __name__ == "__main__":
    main()
