"""`python -m sitegen` runs the command line."""

from .cli import main

main()
