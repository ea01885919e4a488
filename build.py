"""`python build.py [options]` is `sitegen build .` with the same options."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    main(["build", *sys.argv[1:]])
