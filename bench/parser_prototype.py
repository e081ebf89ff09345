"""Evidence for a recommendation, not product code: a hand-written parser for grammar/policy.lark.

    .venv/bin/python bench/parser_prototype.py [--docs N]

The grammar is LL(1) - blocks, `key = value` fields, `cite "label" "quote"`, one-line strings, flat
lists - so one compiled regular expression (a scanner over `re.finditer`) and a small recursive
descent can build the very syntax nodes of checker/syntax.py. This script checks that it does,
node for node, on the benchmark corpus, and times it against `checker.syntax.policy_parser()`
with spans built three ways: the pydantic `Span` (validated), `Span.model_construct`, and a
NamedTuple. Valid input only: on any mistake the product would fall back to Lark, which keeps the
error messages (match_examples) and stays the definition of the language.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (bench/ is not a package)

# The terminals of grammar/policy.lark, in one pattern; a newline is its own token so that lines
# can be counted without a second pass. `cite` is a keyword (Lark gives literals priority).
TOKEN = re.compile(
    r"(?P<WS>[ \t\f\r\ufeff]+)|(?P<NL>\n+)|(?P<COMMENT>#[^\n]*)"
    r'|(?P<STRING>"(?:[^"\\\n]|\\["\\])*")'
    r"|(?P<DATE>[0-9]{4}-[0-9]{2}-[0-9]{2})|(?P<NUMBER>[0-9]+)"
    r"|(?P<NAME>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<PUNCT>[{}\[\]=,])|(?P<BAD>.)"
)
SCALARS = {"STRING": "string", "NAME": "name", "NUMBER": "number", "DATE": "date"}

Tok = tuple[str, str, int, int, int]  # type, text, line, column, end column


class NotValid(Exception):
    """The prototype only handles valid input; the product would hand over to Lark here."""


def scan(text: str) -> list[Tok]:
    tokens: list[Tok] = []
    line, line_start = 1, 0
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or "BAD"
        if kind in ("WS", "COMMENT"):
            continue
        if kind == "NL":
            line += m.end() - m.start()
            line_start = m.end()
            continue
        if kind == "BAD":
            raise NotValid(m.group())
        value = m.group()
        if kind == "PUNCT":
            kind = value
        elif kind == "NAME" and value == "cite":
            kind = "CITE"
        tokens.append((kind, value, line, m.start() - line_start + 1, m.end() - line_start + 1))
    tokens.append(("$END", "", line, 0, 0))
    return tokens


def parse(text: str, make_span: Callable[..., Any]) -> tuple[Any, ...]:
    """The syntax items of checker.syntax (Block, Field, Cite, Scalar, ListValue) for `text`."""
    from checker.syntax import Block, Cite, Field, ListValue, Scalar, unquote

    tokens = scan(text)
    pos = 0

    def span(first: Tok, last: Tok) -> Any:
        return make_span(line=first[2], column=first[3], end_line=last[2], end_column=last[4])

    def scalar(tok: Tok) -> Any:
        if tok[0] not in SCALARS:
            raise NotValid(tok[1])
        value = unquote(tok[1]) if tok[0] == "STRING" else tok[1]
        return Scalar(SCALARS[tok[0]], value, span(tok, tok))

    def items() -> list[Any]:
        nonlocal pos
        found: list[Any] = []
        while True:
            tok = tokens[pos]
            if tok[0] == "CITE":
                label, quote = tokens[pos + 1], tokens[pos + 2]
                if label[0] != "STRING" or quote[0] != "STRING":
                    raise NotValid("cite")
                pos += 3
                found.append(
                    Cite(
                        unquote(label[1]),
                        unquote(quote[1]),
                        span(label, label),
                        span(quote, quote),
                        span(tok, quote),
                    )
                )
            elif tok[0] == "NAME" and tokens[pos + 1][0] == "=":
                pos += 2
                first = tokens[pos]
                value: Any
                if first[0] == "[":
                    pos += 1
                    values = []
                    while tokens[pos][0] != "]":
                        values.append(scalar(tokens[pos]))
                        pos += 1
                        if tokens[pos][0] == ",":
                            pos += 1
                        elif tokens[pos][0] != "]":
                            raise NotValid("list")
                    last = tokens[pos]
                    value = ListValue(tuple(values), span(first, last))
                else:
                    value, last = scalar(first), first
                pos += 1
                found.append(Field(tok[1], span(tok, tok), value, span(tok, last)))
            elif tok[0] == "NAME":
                name = tokens[pos + 1] if tokens[pos + 1][0] == "NAME" else None
                pos += 2 if name else 1
                if tokens[pos][0] != "{":
                    raise NotValid("block")
                pos += 1
                inner = items()
                close = tokens[pos]
                if close[0] != "}":
                    raise NotValid("brace")
                pos += 1
                depth = 1 + max((i.depth for i in inner if isinstance(i, Block)), default=0)
                found.append(
                    Block(
                        tok[1],
                        span(tok, tok),
                        name[1] if name else None,
                        span(name, name) if name else None,
                        tuple(inner),
                        span(tok, close),
                        depth,
                    )
                )
            else:
                return found

    result = items()
    if tokens[pos][0] != "$END":
        raise NotValid("trailing input")
    return tuple(result)


class TupleSpan(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int


def cpu_ms(action: Callable[[], object], repeat: int) -> float:
    action()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    run.pin_to_one_cpu()
    from checker.spans import Span
    from checker.syntax import policy_parser

    _, files = run.corpus(args.docs, 1)
    files += sorted((run.ROOT / "policies").glob("*.policy"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    lark_parser = policy_parser()
    same = sum(parse(t, Span) == lark_parser.parse(t) for t in texts)
    print(f"identical syntax trees: {same} of {len(texts)} files (corpus and policies/)")
    size = sum(len(t.encode("utf-8")) for t in texts)
    bare = run.bare_parser()
    rows = {
        "bare lark parse to a Tree (the baseline)": lambda: [bare.parse(t) for t in texts],
        "checker.syntax: lark + inline transformer": lambda: [lark_parser.parse(t) for t in texts],
        "scanner only": lambda: [scan(t) for t in texts],
        "scanner + descent, pydantic Span": lambda: [parse(t, Span) for t in texts],
        "scanner + descent, Span.model_construct": lambda: [
            parse(t, Span.model_construct) for t in texts
        ],
        "scanner + descent, NamedTuple span": lambda: [parse(t, TupleSpan) for t in texts],
    }
    for name, action in rows.items():
        ms = cpu_ms(action, args.repeat)
        print(f"  {name:<46}{ms:>8.1f} ms CPU  {size / ms / 1000:>6.2f} MB/s")
    return 0 if same == len(texts) else 1


if __name__ == "__main__":
    sys.exit(main())
