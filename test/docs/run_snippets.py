"""Runs the Python examples of docs/*.md in one process (one jsii kernel), for test/docs.test.ts.

usage: python run_snippets.py MANIFEST RESULTS

MANIFEST is a JSON list of {"id", "file"}: each file is one ```python block of a guide, a complete cdk8s app whose
`App()` writes to its default output folder, `dist`, relative to the working directory. Each block runs in fresh
globals, as `__main__`; its `dist` is then moved to `out/<id>` (the Node.js process behind jsii keeps the working
directory it started in, so every block writes to the same `dist`, one after the other). RESULTS gets
{"<id>": null | "<traceback>"}.
"""
import json
import os
import shutil
import sys
import traceback

manifest_path, results_path = sys.argv[1], sys.argv[2]
with open(manifest_path, encoding="utf-8") as f:
    manifest = json.load(f)

results = {}
os.makedirs("out", exist_ok=True)
for snippet in manifest:
    with open(snippet["file"], encoding="utf-8") as f:
        source = f.read()
    shutil.rmtree("dist", ignore_errors=True)
    try:
        exec(compile(source, snippet["file"], "exec"), {"__name__": "__main__"})
        results[snippet["id"]] = None
    except BaseException:  # noqa: B036 - a failing block is reported, and the next one runs
        results[snippet["id"]] = traceback.format_exc()
    if os.path.isdir("dist"):
        os.rename("dist", os.path.join("out", snippet["id"]))

with open(results_path, "w", encoding="utf-8") as f:
    json.dump(results, f)
