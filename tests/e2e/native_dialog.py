#!/usr/bin/python3
"""Answers a native dialog of Passerelle's as the learner does, through what a screen reader
sees (AT-SPI): finds the dialog that says argv[1] and presses its button named argv[2].
Prints what it found when there is no such dialog or button, and exits 1. Run in the app's
D-Bus session."""
import sys

import pyatspi

title, wanted = sys.argv[1], sys.argv[2]


def nodes(node, out, depth=0):
    try:
        out.append(node)
        for i in range(node.childCount if depth < 30 else 0):
            nodes(node.getChildAtIndex(i), out, depth + 1)
    except Exception:
        pass
    return out


def says(node, text):
    try:
        return text in (node.name or "") or text in node.queryText().getText(0, -1)
    except Exception:
        return False


seen = []
for app in pyatspi.Registry.getDesktop(0):
    if app is None:
        continue
    for i in range(app.childCount):
        window = app.getChildAtIndex(i)
        if window is None:
            continue
        inside = nodes(window, [])
        seen.append(window.name)
        if not any(says(n, title) for n in inside):
            continue
        buttons = [n for n in inside if n.getRoleName() == "push button"]
        for button in buttons:
            if button.name == wanted:
                button.queryAction().doAction(0)
                print("pressed")
                sys.exit(0)
        seen.append("buttons: " + ", ".join(b.name for b in buttons))
print("no dialog {!r} with a button {!r}; windows: {}".format(title, wanted, seen))
sys.exit(1)
