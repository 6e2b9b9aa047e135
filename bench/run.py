"""`make bench`: run every benchmark under bench/ and print its figures.

Each bench_*.py script prints its own lines; this runner only runs them in order and says
which could not run (for example, one that needs PostgreSQL when DATABASE_URL is unset).
The scale bench fills a database with thousands of organisations for minutes: it has its
own target, `make bench-scale`.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OWN_TARGET = {"bench_scale.py"}  # too long for `make bench`


def main() -> int:
    scripts = sorted(p for p in HERE.glob("bench_*.py") if p.name not in OWN_TARGET)
    if not scripts:
        print("no benchmarks yet")
        return 0
    failures = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        done = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        if done.returncode != 0:
            failures += 1
            print(f"   {script.name} did not complete (exit {done.returncode})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
