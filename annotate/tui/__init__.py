"""The annotator's terminal UI; the only part of annotate that imports textual."""

import os

# A key is drawn on the next screen update; Textual paces updates on a fixed grid of 1/FPS
# seconds, so 120 updates a second keeps the wait for a frame under 8.4 ms (60 gives 16.7 ms).
os.environ.setdefault("TEXTUAL_FPS", "120")
