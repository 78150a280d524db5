"""
Frame-stack chunks kept for reuse in the test processes, as fixed CPython releases keep one.

CPython holds a thread's Python frames in 16 KB chunks (since 3.11). When a call needs a new chunk, it is mapped from
the kernel (mmap), and until python/cpython#142183 was fixed (in 3.15, and backported to later 3.13 and 3.14
releases) it was unmapped again as soon as that call returned. A loop whose calls cross a chunk's end therefore maps
and unmaps memory on every call, some 7 µs each on this kind of machine. Django's request handling runs deep enough
to do so thousands of times a second in the test processes: run in one process on Python 3.11, the API tests spent 13
of their 138 seconds in the kernel, nearly all of it on this (docs/performance.md, The test suite).

`keep()` chains the interpreter's arena allocator, the documented C API through which CPython gets both its object
arenas and these chunks (`PyObject_SetArenaAllocator`), with a few lines of C that put up to 16 freed chunks aside
for the next call. Everything else goes to the allocator it replaces, so memory from before and after is handled
alike. The C is compiled as each test process starts (about 0.1 s), with the compiler Python was built with.
It changes where frames are kept, never what the code does; where it cannot be built, the suite runs unchanged, only
slower.
"""

import ctypes
import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile

SOURCE = r"""
#include <Python.h>

#define CHUNK_SIZE (16 * 1024) /* CPython's DATA_STACK_CHUNK_SIZE */
#define KEPT_MAX 16

static PyObjectArenaAllocator replaced;
static void *kept[KEPT_MAX];
static int kept_count;

/* Called with the GIL held, as every arena allocation is, so the list needs no lock. */
static void *allocate(void *ctx, size_t size)
{
    if (size == CHUNK_SIZE && kept_count > 0)
        return kept[--kept_count];
    return replaced.alloc(replaced.ctx, size);
}

static void release(void *ctx, void *ptr, size_t size)
{
    if (size == CHUNK_SIZE && kept_count < KEPT_MAX) {
        kept[kept_count++] = ptr;
        return;
    }
    replaced.free(replaced.ctx, ptr, size);
}

int keep_stack_chunks(void)
{
    PyObjectArenaAllocator chained = {NULL, allocate, release};
    if (replaced.alloc != NULL)
        return 0;
    PyObject_GetArenaAllocator(&replaced);
    PyObject_SetArenaAllocator(&chained);
    return 1;
}
"""

_state = {"kept": False, "reason": None}


def not_needed():
    """Why this interpreter needs no help, or None if it does."""
    if sys.implementation.name != "cpython" or sys.version_info < (3, 11):
        return "no chunked frame stack"
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return "free-threaded build (the kept list would need a lock)"
    return None


def keep():
    """Keep freed frame-stack chunks for reuse in this process; True if they are kept (`reason()` says why not)."""
    if _state["kept"] or _state["reason"]:
        return _state["kept"]
    _state["reason"] = not_needed()
    if _state["reason"] is None:
        try:
            _compiled().keep_stack_chunks()
            _state["kept"] = True
        except (OSError, subprocess.SubprocessError) as exc:
            _state["reason"] = f"not built: {exc}"
    return _state["kept"]


def kept():
    """Whether this process keeps them (without trying to)."""
    return _state["kept"]


def reason():
    """Why this process could not keep them, or None (kept, or not tried)."""
    return _state["reason"]


def _compiled():
    """
    The C above, compiled with the compiler Python was built with and loaded. It is built in a private temporary
    folder and loaded from there (never from a shared, predictable path another user could have written first).
    """
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    with tempfile.TemporaryDirectory() as folder:
        source, built = os.path.join(folder, "stack_chunks.c"), os.path.join(folder, "stack_chunks.so")
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(SOURCE)
        result = subprocess.run(
            [*compiler, "-O2", "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}", source, "-o", built],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise OSError(f"{compiler[0]} failed: {result.stderr.strip()[:200]}")
        return ctypes.PyDLL(built)  # loaded: the file may go with its folder
