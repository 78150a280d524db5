"""The test processes keep freed frame-stack chunks for reuse (tests/stack_chunks.py)."""

import inspect
import os
import resource

import pytest

from . import stack_chunks
from .processes import run_python

pytestmark = pytest.mark.skipif(stack_chunks.not_needed() is not None, reason=stack_chunks.not_needed() or "")


def worst_faults_per_call():
    """
    Page faults per call of a loop run at each of 300 stack depths, at the worst depth: a call that crosses into a
    chunk the kernel has just mapped touches a new page, so it faults; a call into a kept chunk does not. The called
    function's frame is larger than the recursing one's, so that at some depth it cannot fit in what is left of a
    chunk.
    """

    def call(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10, k=11, m=12):
        return a

    def at(depth, calls):
        if depth:
            return at(depth - 1, calls)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(calls):
            call()
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    return max(at(depth, 200) for depth in range(300)) / 200


def test_calls_across_a_chunks_end_map_no_memory_in_the_test_processes():
    if not stack_chunks.kept() and stack_chunks.reason() and not os.environ.get("CI"):
        pytest.skip(f"frame-stack chunks are not kept: {stack_chunks.reason()}")  # CI has a compiler: never there
    assert stack_chunks.kept(), stack_chunks.reason()  # by tests/conftest.py, as each test process starts
    assert worst_faults_per_call() < 0.1


def test_without_kept_chunks_the_same_loop_faults_on_every_call():
    """What the module is for: a process that does not keep chunks faults on every call at the worst depth."""
    code = f"import resource\n{inspect.getsource(worst_faults_per_call)}\nprint(worst_faults_per_call())"
    result = run_python(["-c", code], env={"PATH": os.environ.get("PATH", "")}, timeout=60)
    assert result.returncode == 0, result.stderr
    if float(result.stdout) == 0:
        pytest.skip("this Python keeps a freed chunk itself (python/cpython#142183 fixed)")
    assert float(result.stdout) >= 0.9


def test_without_a_compiler_the_process_goes_on_as_it_was():
    code = (
        "import sysconfig\n"
        "config = sysconfig.get_config_var\n"
        "sysconfig.get_config_var = lambda name: 'no-such-compiler' if name == 'CC' else config(name)\n"
        "from tests import stack_chunks\n"
        "print(stack_chunks.keep(), stack_chunks.reason())"
    )
    result = run_python(["-c", code], env={"PATH": os.environ.get("PATH", "")}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False not built: ")
