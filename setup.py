"""Package layout: the code under annotate/, plus the sample projects shipped as package data.

The sample projects live at the top of the repository (tests use them as fixtures) and are
installed as ``annotate.sample_projects`` so that ``annotate demo`` works from a plain install.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["annotate", "annotate.*"]), "annotate.sample_projects"],
    package_dir={"annotate.sample_projects": "sample_projects"},
)
