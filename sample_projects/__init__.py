"""Sample projects shipped with annotate; ``annotate demo`` copies one to a fresh folder."""
