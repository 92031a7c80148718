"""Latency and memory of matching.MatchIndex next to brute-force rapidfuzz.

Run from the repository root::

    python benchmarks/matching_speed.py                      # 1k, 10k, 100k signals
    python benchmarks/matching_speed.py --sizes 1000 10000 --queries 200 --brute-queries 50
    python benchmarks/matching_speed.py --sizes --semantic 20000    # fused, encoder included

Signals are synthetic but realistic: Dutch phrase fragments (who, what, where, since when,
extra detail) recombined with a fixed seed, so every run indexes the same texts. Queries are new
combinations of the same fragments, some with a typo, so they look like what a professional types.
Brute force = ``rapidfuzz.process.extract(query, all_texts, scorer=token_set_ratio, limit=5)``
on pre-processed texts; at large sizes it runs on fewer queries (``--brute-queries``) to stay
bounded. Memory is the tracemalloc-measured growth while building the index (tracemalloc slows
the build; build time is reported separately without it).

``--semantic N``: the fused index (the default in the bot) over N signals, every query encoded
by the real encoder inside the timed call. The documents' vectors are ``--unique`` real e5
vectors of real synthetic texts, cycled over the N documents (making 20k takes minutes; the
scan and the re-ranking cost the same whatever the vectors' values).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching import Document, E5Encoder, MatchIndex  # noqa: E402

WHO = [
    "jongeren",
    "tieners",
    "ouderen",
    "senioren",
    "statushouders",
    "vergunninghouders",
    "alleenstaande moeders",
    "gezinnen met jonge kinderen",
    "mensen in de bijstand",
    "uitkeringsgerechtigden",
    "mantelzorgers",
    "jongvolwassenen",
    "mbo-studenten",
    "mensen met een LVB",
    "inwoners met NAH",
    "ex-gedetineerden",
    "arbeidsmigranten",
    "zzp'ers",
    "dak- en thuislozen",
    "cliënten van beschermd wonen",
    "pleegouders",
    "leerlingen",
    "werkende armen",
    "laaggeletterde inwoners",
    "nieuwkomers",
    "eenoudergezinnen",
    "ouders in een vechtscheiding",
    "mensen met psychische problemen",
    "75-plussers",
    "jonge mantelzorgers",
    "huurders van de corporatie",
    "ondernemers",
    "Oekraïense ontheemden",
]
WHAT = [
    "hebben schulden bij de zorgverzekeraar",
    "komen niet rond",
    "vinden geen betaalbare woning",
    "wachten maanden op jeugdhulp",
    "zijn eenzaam",
    "raken overbelast",
    "vallen uit op school",
    "begrijpen de brieven van de gemeente niet",
    "krijgen geen huishoudelijke hulp",
    "staan op de wachtlijst voor schuldhulpverlening",
    "gebruiken vaker lachgas",
    "worden geronseld door criminelen",
    "hebben een huurachterstand",
    "vinden geen baan",
    "lopen vast bij DigiD",
    "maken geen gebruik van minimaregelingen",
    "slapen op straat",
    "krijgen te weinig taalles",
    "hebben psychische klachten",
    "zitten thuis zonder school",
    "melden zich bij de voedselbank",
    "wonen in huizen met schimmel",
    "krijgen een boete",
    "durven geen hulp te vragen",
    "vallen tussen wal en schip",
    "hebben geen dagbesteding",
    "zijn slachtoffer van huiselijk geweld",
    "hebben een gokverslaving",
    "stoppen met werken",
    "kunnen de energierekening niet betalen",
    "worden uit huis gezet",
    "krijgen geen bewindvoerder",
    "zoeken vrijwilligerswerk",
    "hebben een hoge eigen bijdrage",
    "verliezen hun uitkering",
]
WHERE = [
    "in Woensel-Noord",
    "in Stratum",
    "in Strijp",
    "in Tongelre",
    "in Gestel",
    "in het centrum",
    "in de Achtste Barrier",
    "in Doornakkers",
    "in de Bennekel",
    "in Meerhoven",
    "in Vaartbroek",
    "in de wijk",
    "in onze buurt",
    "op het mbo",
    "op de basisschool",
    "bij de nachtopvang",
    "bij het wijkteam",
    "bij de sociale dienst",
    "bij de aanbieder",
    "in de regio",
]
WHEN = [
    "sinds de coronacrisis",
    "sinds dit voorjaar",
    "de laatste maanden",
    "sinds de zomer",
    "al een jaar",
    "steeds vaker",
    "sinds de energieprijzen stegen",
    "na de jaarwisseling",
    "sinds de nieuwe regels",
    "de afgelopen weken",
]
EXTRA = [
    "en de hulpverlening weet niet wat te doen",
    "omdat het personeel ontbreekt",
    "en de wachttijden lopen op",
    "door de hoge kosten",
    "en ze schamen zich",
    "omdat de regels ingewikkeld zijn",
    "en ouders maken zich zorgen",
    "zonder goede overdracht",
    "terwijl de school het niet ziet",
    "waardoor problemen verergeren",
    "en de buren klagen",
    "ondanks meerdere meldingen",
    "en niemand voelt zich verantwoordelijk",
    "",
]


def make_signal(rng: random.Random) -> str:
    parts = [rng.choice(WHO).capitalize(), rng.choice(WHAT), rng.choice(WHERE)]
    if rng.random() < 0.7:
        parts.append(rng.choice(WHEN))
    if rng.random() < 0.6:
        parts.append(rng.choice(EXTRA))
    return " ".join(p for p in parts if p)


def typo(rng: random.Random, text: str) -> str:
    words = text.split()
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 5:
        j = rng.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1 :]
    return " ".join(words)


def make_queries(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        q = make_signal(rng)
        if rng.random() < 0.3:
            q = typo(rng, q)
        if rng.random() < 0.3:
            q = " ".join(q.split()[: rng.randint(3, 6)])  # still typing
        out.append(q)
    return out


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def bench(size: int, queries: int, brute_queries: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    docs = [
        Document("signal", f"s{i}", text[:80], text)
        for i, text in ((i, make_signal(rng)) for i in range(size))
    ]
    gc.collect()
    t0 = time.perf_counter()
    index = MatchIndex()
    index.add_many(docs)
    build_s = time.perf_counter() - t0
    del index
    gc.collect()
    tracemalloc.start()
    index = MatchIndex()
    index.add_many(docs)
    mem_mb = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()

    qs = make_queries(queries, seed + 1)
    for q in qs[:20]:  # warm caches (stemmer, speller)
        index.search(q, "signal")
    lat = []
    for q in qs:
        t = time.perf_counter()
        index.search(q, "signal", limit=5)
        lat.append((time.perf_counter() - t) * 1000)

    choices = [utils.default_process(d.text) for d in docs]
    blat = []
    for q in qs[:brute_queries]:
        t = time.perf_counter()
        process.extract(utils.default_process(q), choices, scorer=fuzz.token_set_ratio, limit=5)
        blat.append((time.perf_counter() - t) * 1000)
    return {
        "size": size,
        "build_s": build_s,
        "mem_mb": mem_mb,
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "n": len(lat),
        "bp50": percentile(blat, 50),
        "bp95": percentile(blat, 95),
        "bn": len(blat),
    }


def bench_semantic(size: int, unique: int, queries: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    texts = [make_signal(rng) for _ in range(size)]
    encoder = E5Encoder()
    t0 = time.perf_counter()
    vectors = encoder.encode(texts[:unique])
    embed_s = time.perf_counter() - t0
    index = MatchIndex(encoder=encoder)
    for i, text in enumerate(texts):
        index.add(Document("signal", f"s{i}", text[:80], text), vectors[i % unique])
    qs = make_queries(queries, seed + 1)
    for q in qs[:5]:
        index.search(q, "signal")
    lat = []
    for q in qs:
        t = time.perf_counter()
        index.search(q, "signal", limit=5)  # encodes the query: it is new every time
        lat.append((time.perf_counter() - t) * 1000)
    enc = []
    for q in qs[:50]:
        t = time.perf_counter()
        encoder.encode([q + " ."], query=True)
        enc.append((time.perf_counter() - t) * 1000)
    return {
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "enc50": percentile(enc, 50),
        "rate": unique / embed_s,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300, help="queries for the index")
    parser.add_argument(
        "--brute-queries", type=int, default=0, help="queries for brute force (default: auto)"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--semantic", type=int, default=0, help="fused index of this size")
    parser.add_argument("--unique", type=int, default=2000, help="real vectors made (cycled)")
    args = parser.parse_args(argv)
    if args.semantic:
        r = bench_semantic(args.semantic, args.unique, args.queries, args.seed)
        print(
            f"| fused, {args.semantic:,} signals | p50 {r['p50']:.1f} ms / p95 {r['p95']:.1f} ms "
            f"(n={args.queries}, encoder included; encoder alone p50 {r['enc50']:.1f} ms) | "
            f"embedding {r['rate']:.0f} texts/s in one batch |",
            flush=True,
        )
    print(
        "| signals | build (s) | index memory (MB) | index p50 / p95 (ms) | "
        "brute force p50 / p95 (ms) | speed-up at p50 |"
    )
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        bq = args.brute_queries or (args.queries if size <= 10_000 else 40)
        r = bench(size, args.queries, min(bq, args.queries), args.seed)
        print(
            f"| {size:,} | {r['build_s']:.1f} | {r['mem_mb']:.0f} | "
            f"{r['p50']:.2f} / {r['p95']:.2f} (n={r['n']}) | "
            f"{r['bp50']:.2f} / {r['bp95']:.2f} (n={r['bn']}) | {r['bp50'] / r['p50']:.0f}x |",
            flush=True,
        )


if __name__ == "__main__":
    main()
