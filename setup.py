"""Builds bibnet's one compiled extension, the Leiden kernels (everything else is in pyproject.toml)."""

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

kernels = Extension(
    "bibnet._leiden_kernels",
    ["bibnet/_leiden_kernels.pyx"],
    include_dirs=[np.get_include()],  # numpy/random/bitgen.h: the bit generators' C interface
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
)
setup(ext_modules=cythonize([kernels]))
