"""The commands of the `policycheck` command line, one module or package each."""
