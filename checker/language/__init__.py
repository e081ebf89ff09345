"""The policy language: text -> syntax tree -> facts.

Stage 1 parses a policy (`scanner` for valid text, `syntax` with the Lark grammar for the rest and
for every syntax error) into the nodes of `tree`; stage 2 (`build`) checks their meaning and makes
the facts of `facts`, with the category keys of `taxonomy`. `formatter` and `render` write the
language back; `reference` generates docs/language.md from the fact model. Nothing here reads a
file or knows about notices, requirements or reports.
"""
