"""`python build.py [options]` is `sitegen build .` with the same options."""

import sys

from sitegen.cli import run

if __name__ == "__main__":
    sys.argv[1:1] = ["build"]
    run()
