#!/usr/bin/env python3
"""Writes a C++ file with every example of docs/julia-to-dc.md, so that the build checks them.

The doc's "// prelude" code block gives the functions every example may call (its code lines)
and the local variables each example starts with (its "// in each example:" comment lines).
Each row of the doc's table ends with an example in backticks; each becomes a function.
usage: extract_examples.py DOC OUT
"""
import re
import sys


def prelude_of(text):
    block = re.search(r"```cpp\n// prelude\n(.*?)```", text, re.S)
    if not block:
        sys.exit(f"{sys.argv[1]}: no ```cpp block starting with // prelude")
    code, locals_ = [], []
    in_locals = False
    for line in block.group(1).splitlines():
        if line.startswith("// in each example:"):
            in_locals = True
            line = "//" + line[len("// in each example:"):]
        if in_locals and line.startswith("//"):
            locals_.append(line.lstrip("/ "))
        elif not line.startswith("//"):
            code.append(line)
    return "\n".join(code), " ".join(locals_)


def examples_of(text):
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        last = cells[-1]
        if not (last.startswith("`") and last.endswith("`")):
            sys.exit(f"{sys.argv[1]}:{number}: the last cell is not one `example`")
        found.append((number, last[1:-1].replace("\\|", "|")))
    return found


def main():
    doc, out = sys.argv[1], sys.argv[2]
    text = open(doc, encoding="utf-8").read()
    prelude, locals_ = prelude_of(text)
    lines = [
        "// Generated from docs/julia-to-dc.md by tests/docs/extract_examples.py.",
        "#include <dc/dc.hpp>",
        "#include <cstdint>", "#include <cstdlib>", "#include <functional>", "#include <future>",
        "#include <iostream>", "#include <span>", "#include <vector>",
        prelude,
    ]
    for number, code in examples_of(text):
        lines.append(f"// {doc}:{number}")
        lines.append(f"void example_line_{number}() {{ {locals_}")
        lines.append(f"#line {number} \"julia-to-dc.md\"")
        lines.append(f"    {code}")
        lines.append("}")
    lines.append("int main(int argc, char** argv) { dc::init(argc, argv); }")
    open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")


main()
