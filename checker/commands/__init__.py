"""The commands of `policycheck`, one module each: the layer that reads files and writes output."""
