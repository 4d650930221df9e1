#!/usr/bin/env python3
"""Each firmware module links what it includes (DESIGN §2).

For every module under firmware/src, the modules its sources and headers #include must be
among the mg_<module> names in its own mg_add_module(... DEPS/PRIVATE_DEPS ...) call; the
compiler already refuses headers of modules it does not reach at all (per-module include
roots, cmake/MgHelpers.cmake), this refuses reaching them only through another module.
And POCO is PRIVATE outside the adapters (web, system, relay, watcher) and the base module:
a service, storage or protocol header must not hand POCO types to its users. Prints each
violation; exit status 1 when there is any.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "firmware", "src")
# Modules whose public interface may be POCO's: the adapters, the base, and the two programs.
POCO_PUBLIC_OK = {"web", "system", "relay", "watcher", "common", "app_core", "ctl"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def module_call(text):
    m = re.search(r"mg_add_module\((\w+)(.*?)\)\s*$", text, re.S | re.M)
    if not m:
        return None
    name, body = m.group(1), m.group(2)
    sections = {}
    current = None
    for tok in body.split():
        if tok in ("SOURCES", "DEPS", "PRIVATE_DEPS"):
            current = tok
            sections[current] = []
        elif current:
            sections[current].append(tok)
    return name, sections


def main():
    problems = []
    for d in sorted(os.listdir(SRC)):
        cm = os.path.join(SRC, d, "CMakeLists.txt")
        if not os.path.isfile(cm):
            continue
        with open(cm) as f:
            call = module_call(f.read())
        if not call:
            continue
        name, sec = call
        linked = {t[3:] for t in sec.get("DEPS", []) + sec.get("PRIVATE_DEPS", []) if t.startswith("mg_")}
        # The directory name is what includes use; app's library is mg_app_core.
        dir_of = {"app_core": "app"}
        linked_dirs = {dir_of.get(x, x) for x in linked}
        for base, _, files in os.walk(os.path.join(SRC, d)):
            for fn in files:
                if not fn.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(base, fn)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for inc in sorted(set(INCLUDE.findall(text))):
                    if inc != d and inc not in linked_dirs:
                        problems.append("%s includes %s/ but mg_%s does not link mg_%s" %
                                        (os.path.relpath(path, ROOT), inc, name, inc))
        if name not in POCO_PUBLIC_OK:
            public_poco = [t for t in sec.get("DEPS", []) if t.startswith("Poco::")]
            if public_poco:
                problems.append("mg_%s links %s PUBLIC; outside the adapters POCO is PRIVATE" %
                                (name, " ".join(public_poco)))
    for p in problems:
        print(p)
    print("layering: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
