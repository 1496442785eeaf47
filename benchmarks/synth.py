"""Synthetic knowledge bases for the scale benchmarks: N options, references to match.

    python benchmarks/synth.py OUT_DIR N

The content is mechanical ("Synthetic option 7") and exists only to measure how trd grows; it
is valid against the schema, with ratings spread over every CANMAT line and level.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINES = ["first", "second", "third", "investigational", "not-recommended"]
FAMILIES = ["switching", "augmentation", "combination", "psychotherapy", "neuromodulation", "rapid-acting", "lifestyle"]


def write_kb(out: Path, n: int) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "strategies").mkdir(parents=True)
    for name in ("kb.yaml", "evidence.yaml"):
        text = (ROOT / "data" / name).read_text(encoding="utf-8")
        if name == "kb.yaml":  # the coverage list names real options, which a synthetic base lacks
            head, _, _ = text.partition("\ncoverage:")
            text = head + "\ncoverage: []\n"
            text = _without(text, "staging_models:")
        (out / name).write_text(text, encoding="utf-8")
    refs = max(10, n // 2)
    # the references the kb.yaml and evidence.yaml cite, then synthetic ones
    real = (ROOT / "data" / "references.yaml").read_text(encoding="utf-8")
    lines = [real.rstrip("\n")]
    dash = next(line[: line.index("- id:")] for line in real.splitlines() if "- id:" in line)
    pad = dash + "  "
    for r in range(refs):
        lines += [
            f"{dash}- id: synthetic-ref-{r}",
            f"{pad}type: rct",
            f"{pad}authors: [Author A{r % 26}, Author B]",
            f"{pad}title: Synthetic trial number {r}",
            f"{pad}journal: J Synthetic",
            f"{pad}year: {1990 + r % 35}",
            f'{pad}doi: "10.9999/synthetic.{r}"',
            f'{pad}pmid: "{10000 + r}"',
            f"{pad}provenance: synthetic record for benchmarks",
        ]
    (out / "references.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    per_file = 500
    for f in range(0, n, per_file):
        opts = ["options:"]
        for i in range(f, min(n, f + per_file)):
            line = LINES[i % 5]
            level = (i % 4) + 1
            opts += [
                f"  - id: synthetic-option-{i}",
                f"    name: Synthetic option {i}",
                f"    aliases: [synth {i}]",
                f"    family: {FAMILIES[i % 7]}",
                f"    summary: A synthetic option number {i}, for measuring trd at scale.",
                f"    min_prior_trials: {i % 3}",
                "    recommendations:",
                "      - source: lam2024canmat",
                "        scheme: canmat-2023",
                f"        line: {line}",
                f"        level: {level}",
                "        statement: Synthetic statement.",
                "        where: Nowhere",
                "    figures:",
                "      - outcome: response",
                f'        value: "{i % 100}%"',
                f'        headline: "response {i % 100}% vs placebo"',
                "        population: synthetic adults",
                "        comparator: placebo",
                f"        source: synthetic-ref-{i % refs}",
                "    adverse_effects:",
                "      - effect: synthetic weight gain",
                "        frequency: common",
                "        tags: [weight-gain]",
                f"        source: synthetic-ref-{(i + 1) % refs}",
                "    sources: [lam2024canmat]",
                "    last_reviewed: 2026-11-25",
            ]
        (out / "strategies" / f"part{f // per_file:03d}.yaml").write_text("\n".join(opts) + "\n", encoding="utf-8")
    return out


def _without(text: str, key: str) -> str:
    """Drop a top-level mapping key and its block."""
    out, skipping = [], False
    for line in text.splitlines():
        if line.startswith(key):
            skipping = True
            continue
        if skipping and line and not line.startswith((" ", "#")):
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(write_kb(Path(sys.argv[1]), int(sys.argv[2])))
