"""The annotator's terminal UI; the only part of annotate that imports textual."""

import os

# A key is drawn on the next screen update, and Textual paces updates on a fixed grid of 1/FPS
# seconds: at its default 60 the wait alone is up to 16.7 ms, at 240 up to 4.2 ms. Updates
# happen only when something changed, so an idle screen costs nothing either way.
os.environ.setdefault("TEXTUAL_FPS", "240")
