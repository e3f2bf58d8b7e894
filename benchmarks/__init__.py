"""Rerunnable benchmarks (``make bench``): every figure is a ratio to a reference timed in the same run."""


def write_results(results: dict, out, text: str, root) -> None:
    """Write ``results`` as JSON to ``out`` atomically, print ``text`` (the tables) and where it went."""
    import json
    import os

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    print()
    print(text)
    try:
        shown = out.resolve().relative_to(root)
    except ValueError:
        shown = out
    print(f"wrote {shown}")
