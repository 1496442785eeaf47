from ._entry import main  # first: installs the signal handlers before the CLI is imported

if __name__ == "__main__":
    main()
