#!/usr/bin/python3
"""Prints, as JSON, what a screen reader sees of Passerelle's window: every node of its
accessibility tree (AT-SPI) with its role, name and text. Run in the app's D-Bus session."""
import json
import sys

import pyatspi


def walk(node, out, depth=0):
    try:
        role, name = node.getRoleName(), node.name or ""
    except Exception:
        return
    try:
        text = node.queryText()
        content = text.getText(0, text.characterCount)
    except Exception:
        content = ""
    try:
        showing = node.getState().contains(pyatspi.STATE_SHOWING)
    except Exception:
        showing = False
    out.append({"role": role, "name": name, "text": content.replace("\ufffc", "").strip(), "showing": showing})
    if depth < 60:
        for i in range(node.childCount):
            try:
                walk(node.getChildAtIndex(i), out, depth + 1)
            except Exception:
                pass


nodes = []
for app in pyatspi.Registry.getDesktop(0):
    if app is None:
        continue
    frames = [app.getChildAtIndex(i) for i in range(app.childCount)]
    if any(f is not None and f.name == "Passerelle" for f in frames):
        walk(app, nodes)
json.dump(nodes, sys.stdout)
