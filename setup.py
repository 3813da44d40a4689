"""Build hook only (metadata and dependencies are in setup.cfg): a wheel carries the
top-level templates/, static/ and migrations/ inside the package, as app/_bundle/."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("templates", "static", "migrations")


class BuildWithBundle(build_py):
    def run(self):
        super().run()
        root = Path(__file__).resolve().parent
        bundle = Path(self.build_lib) / "app" / "_bundle"
        for name in BUNDLED:
            shutil.rmtree(bundle / name, ignore_errors=True)
            shutil.copytree(root / name, bundle / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithBundle})
