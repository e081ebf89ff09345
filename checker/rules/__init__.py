"""Requirement sets and their evaluation: anchored facts -> outcomes.

`yamlsafe` reads the requirement files with positions, `conditions` compiles their conditions
(`condition_tree` is a condition's syntax tree), `requirements` loads and validates whole sets
and keeps them compiled as data, `engine` evaluates them against a policy's facts into the
`results`, and `own_checks` are the checker's own codes (waivers, ambiguous quotes). `cases` runs
a requirement's passing and failing examples; `baseline`, `fingerprint`, `agreement` and
`report_diff` work on results after evaluation.
"""
