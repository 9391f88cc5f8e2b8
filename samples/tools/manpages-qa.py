#!/usr/bin/env python3
"""Builds samples/manpages-qa-en.jsonl (or, with --zh, samples/manpages-qa-zh.jsonl): question-answer pairs from the
manual pages of a few Debian packages (with --zh: the Chinese translations of package manpages-zh).

The question is a page's one-line summary (its NAME section: "cp - copy files and directories" gives "copy files and
directories"); the answer is the start of its DESCRIPTION section (option lists left out), prefixed by the command's
name. One record per page: {"id", "query", "positive", "doc", "package"}. Rendered with man-db's `man -l` on the
machine that runs it; run it again to rebuild the sample (the output depends on the installed package versions, which
samples/README.md records).

Usage: samples/tools/manpages-qa.py > samples/manpages-qa-en.jsonl
       samples/tools/manpages-qa.py --zh > samples/manpages-qa-zh.jsonl
"""
import json
import os
import re
import subprocess
import sys

PACKAGES = ["coreutils", "git-man", "util-linux", "procps", "openssh-client", "man-db", "diffutils", "findutils",
            "grep", "tar"]
MAX_ANSWER = 600
ZH = "--zh" in sys.argv
if ZH:
    PACKAGES = ["manpages-zh"]
    MAX_ANSWER = 300
NAME = ("NAME", "名称", "名字")
DESCRIPTION = ("DESCRIPTION", "描述", "说明", "介绍")
BOILERPLATE = ("Mandatory arguments", "必选参数", "长选项必须使用的参数")


def pages(package):
    listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True).stdout.split()
    directory = "/usr/share/man/zh_CN/" if ZH else "/usr/share/man/"
    return sorted(p for p in listing if re.match(re.escape(directory) + r"man[18]/[^/]+\.[18]\.gz$", p)
                  and os.path.isfile(p))


def render(path):
    env = dict(os.environ, MANWIDTH="2000", LC_ALL="C.UTF-8")
    out = subprocess.run(["man", "-l", path], capture_output=True, text=True, env=env).stdout
    return subprocess.run(["col", "-b"], input=out, capture_output=True, text=True).stdout


def sections(text):
    found, name = {}, None
    for line in text.splitlines():
        if line.strip() and not line[0].isspace() and "(" not in line:
            name = line.strip()
            found[name] = []
        elif name:
            found[name].append(line)
    return found


def paragraphs(lines):
    block, out = [], []
    for line in lines + [""]:
        if line.strip():
            block.append(line.strip())
        elif block:
            out.append(" ".join(block))
            block = []
    return out


def record(package, path):
    s = sections(render(path))
    name = " ".join(l.strip() for key in NAME for l in s.get(key, []) if l.strip())
    description = next((s[key] for key in DESCRIPTION if key in s), None)
    m = re.match(r"^(\S+(?:,\s*\S+)*)\s+(?:\\-|-|—)\s+(.+)$", name)
    if not m or description is None:
        return None
    command, summary = m.group(1).split(",")[0].strip(), m.group(2).strip()
    answer = ""
    for p in paragraphs(description):
        if p.startswith("-") or p.startswith(BOILERPLATE) or len(p) < (8 if ZH else 20):
            continue
        answer = (answer + ("" if ZH else " ") + p).strip()
        if len(answer) >= MAX_ANSWER // 2:
            break
    if len(answer) < (15 if ZH else 40):
        return None
    if len(answer) > MAX_ANSWER:
        answer = answer[:MAX_ANSWER].rsplit(" ", 1)[0] + " ..."
    page = os.path.basename(path)[:-3]
    return {"id": page, "query": summary, "positive": command + ": " + answer, "doc": page, "package": package}


def main():
    seen = set()
    for package in PACKAGES:
        for path in pages(package):
            r = record(package, path)
            if r and r["id"] not in seen:
                seen.add(r["id"])
                print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
