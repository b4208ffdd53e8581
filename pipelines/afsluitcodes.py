"""Exit codes of the command line (contracts/outputs.md), for every subcommand."""
OK = 0  # all released / done
MISLUKT = 1  # the run failed
FOUTE_INVOER = 2  # bad arguments or configuration: clear message, nothing written
BLOKKADE = 3  # completed, but a delivery was rejected or a theme blocked (reasons on stderr)
