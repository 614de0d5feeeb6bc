"""python -m mlkg: the command line."""

from mlkg.cli import main

if __name__ == "__main__":
    main()
