"""`python -m postmortems` runs the `pm` command."""

from postmortems.cli import main

if __name__ == "__main__":
    main()
