"""Applications that live in the tests: platforms other than shopstack to run phasebook against."""
