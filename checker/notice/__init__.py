"""The notice: a policy's own text, where its quotes are found (stage 3, anchoring), how much
of it the facts cover, and how a policy file and its notice are read together."""
