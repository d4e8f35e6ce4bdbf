"""The compiled module of the package: the Korean CRF's tagger (``streams/enrich/crf_tagger.pyx``,
docs/enrichment.md "Speed"). Everything else about the package is in pyproject.toml."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(ext_modules=cythonize(
    [Extension("streams.enrich.crf_tagger", ["streams/enrich/crf_tagger.pyx"])],
    compiler_directives={"language_level": "3"},
))
