#!/usr/bin/python3
"""Asks the window titled Passerelle to close, as a window manager does when the learner
clicks its close button: a WM_DELETE_WINDOW client message (python3-xlib)."""
import sys

from Xlib import X, display, protocol

d = display.Display()
name, delete = d.intern_atom("WM_PROTOCOLS"), d.intern_atom("WM_DELETE_WINDOW")


def find(window):
    if window.get_wm_name() == "Passerelle":
        return window
    for child in window.query_tree().children:
        found = find(child)
        if found:
            return found
    return None


window = find(d.screen().root)
if window is None:
    print("no window titled Passerelle")
    sys.exit(1)
window.send_event(
    protocol.event.ClientMessage(window=window, client_type=name, data=(32, [delete, X.CurrentTime, 0, 0, 0])),
    event_mask=X.NoEventMask,
)
d.flush()
