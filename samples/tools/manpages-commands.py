#!/usr/bin/env python3
"""Builds manpages-commands-en.jsonl (instruction/response pairs for task=generation) from manpages-qa-en.jsonl.

Each manual page's one-line summary becomes a question asking for the command, and the answer names the command and
the Debian package it comes from: {"id", "prompt", "response"}. Deterministic: the same input gives the same file.
Run from the project root: python3 samples/tools/manpages-commands.py
"""
import json
import pathlib

samples = pathlib.Path(__file__).resolve().parent.parent
out = []
with open(samples / "manpages-qa-en.jsonl", encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        command = r["positive"].split(":", 1)[0].strip()
        out.append({"id": r["id"],
                    "prompt": "Which command would you use to " + r["query"].rstrip(".") + "?",
                    "response": command + " (from " + r["package"] + ")"})
with open(samples / "manpages-commands-en.jsonl", "w", encoding="utf-8") as f:
    for r in out:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
