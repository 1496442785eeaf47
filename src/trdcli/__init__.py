"""trd: cited, graded options for treatment-resistant depression, at the terminal."""

__version__ = "0.2.0"
