"""Builds bibnet's one compiled extension, the Leiden kernels (everything else is in pyproject.toml)."""

import sys

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

kernels = Extension(
    "bibnet._leiden_kernels",
    ["bibnet/_leiden_kernels.pyx"],
    include_dirs=[np.get_include()],  # numpy/random/bitgen.h: the bit generators' C interface
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    # No fused multiply-add where the compiler may choose it (gcc does on arm64): the
    # kernel's arithmetic (libm's exp aside) stays the same as on x86-64.
    extra_compile_args=[] if sys.platform == "win32" else ["-ffp-contract=off"],
)
setup(ext_modules=cythonize([kernels]))
