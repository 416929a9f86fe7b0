"""One-file start-up, before against after: pm lint and pm parse as whole processes, interleaved.

python bench/onefile_ab.py    # "before" is an unpacked `git archive` at /tmp/before/src
"""

import os
import resource
import statistics
import subprocess
import time

ex = "examples/checkout-502.md"
cmds = {
    "lint": [".venv/bin/pm", "lint", "--isolated", "-q", ex],
    "parse": [".venv/bin/pm", "parse", "--format", "extract", ex],
}
envs = {"before": dict(os.environ, PYTHONPATH="/tmp/before/src"), "after": dict(os.environ)}
for e in envs.values():
    e.pop("PYTHONDONTWRITEBYTECODE", None)
res = {}
for i in range(45):
    for name, cmd in cmds.items():
        for code, env in envs.items():
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            w = time.perf_counter() - t
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            c = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            if i >= 5:
                res.setdefault((name, code), []).append((w * 1000, c * 1000))
    t = time.perf_counter()
    subprocess.run([".venv/bin/python", "-c", "pass"])
    if i >= 5:
        res.setdefault(("python -c pass", "-"), []).append(((time.perf_counter() - t) * 1000, 0))
for k, v in res.items():
    ws = [x[0] for x in v]
    cs = [x[1] for x in v]
    print(
        f"{k[0]:16} {k[1]:7} median {statistics.median(ws):6.1f} ms  min {min(ws):6.1f}",
        f" CPU median {statistics.median(cs):6.1f}",
    )
