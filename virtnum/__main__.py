"""``python -m virtnum``: the command line."""

from virtnum.cli import main

if __name__ == "__main__":
    main()
