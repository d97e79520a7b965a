"""`python -m dailypapers` runs the same commands as the `dailypapers` script."""

from dailypapers.cli import main

main()
