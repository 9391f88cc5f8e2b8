#!/usr/bin/env python3
"""Builds manpages-commands-en.jsonl (instruction/response pairs for task=generation) from manpages-qa-en.jsonl,
and manpages-chat-en.jsonl (the same as conversations, for task=generation with messages.field=messages).

Each manual page's one-line summary becomes a question asking for the command, and the answer names the command and
the Debian package it comes from: {"id", "prompt", "response"}. The conversation asks the same question after a
system message, takes the command as the assistant's first answer, then asks which package it comes from; the last
message, the package, is the response: {"id", "messages": [{"role", "content"}...]}.
Deterministic: the same input gives the same files.
Run from the project root: python3 samples/tools/manpages-commands.py
"""
import json
import pathlib

samples = pathlib.Path(__file__).resolve().parent.parent
out = []
chats = []
with open(samples / "manpages-qa-en.jsonl", encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        command = r["positive"].split(":", 1)[0].strip()
        out.append({"id": r["id"],
                    "prompt": "Which command would you use to " + r["query"].rstrip(".") + "?",
                    "response": command + " (from " + r["package"] + ")"})
        chats.append({"id": r["id"], "messages": [
            {"role": "system", "content": "You name Debian commands and the packages they come from."},
            {"role": "user", "content": "Which command would you use to " + r["query"].rstrip(".") + "?"},
            {"role": "assistant", "content": command},
            {"role": "user", "content": "Which package is it from?"},
            {"role": "assistant", "content": r["package"]}]})
with open(samples / "manpages-commands-en.jsonl", "w", encoding="utf-8") as f:
    for r in out:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(samples / "manpages-chat-en.jsonl", "w", encoding="utf-8") as f:
    for r in chats:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
