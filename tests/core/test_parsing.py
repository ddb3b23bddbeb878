"""One lock around ast.parse: 16 threads parse at once and every parse is right."""

from __future__ import annotations

import ast
import threading

from playground.core import parsing
from playground.core.parsing import parse_expression


def test_sixteen_threads_parse_at_once():
    deep = "(" * 60 + "x" + ")" * 60
    texts = [f"t.sum(dim={i}) + {deep} * {i}" for i in range(16)]
    results: dict[int, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def work(i: int) -> None:
        barrier.wait()
        try:
            for _ in range(200):
                results[i] = ast.dump(parse_expression(texts[i]))
        except BaseException as err:  # a SystemError here is the bug this lock prevents
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(results[i] == ast.dump(ast.parse(texts[i], mode="eval")) for i in range(16))


def test_every_parse_of_typed_text_goes_through_the_lock():
    from tests.conftest import ROOT

    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "playground").rglob("*.py")
        if "ast.parse(" in p.read_text() and p.name != "parsing.py"
    ]
    assert offenders == []
    assert isinstance(parsing._LOCK, type(threading.Lock()))


def test_magic_is_off():
    import tomllib

    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False


def test_source_of_parses_each_object_once_and_safely_from_many_threads():
    """A hundred students opening Save & load at once crashed one page in CPython 3.11's ast."""
    import inspect
    import threading

    from playground.core.parsing import source_of
    from playground.layers.tutorial import CLASSES, class_source

    errors: list[BaseException] = []

    def page_run() -> None:
        try:
            for preset in CLASSES:
                class_source(preset)
        except BaseException as err:  # the test reports any of them
            errors.append(err)

    threads = [threading.Thread(target=page_run) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cls = next(iter(CLASSES.values()))[0]
    assert source_of(cls) == inspect.getsource(cls) and source_of(cls) is source_of(cls)
