"""`pushsh test`'s reports, read by consumers we did not write: junitparser for
JUnit XML, tap.py's parser for TAP. The key never reaches a report."""
import os
import subprocess
import xml.etree.ElementTree as ElementTree

from junitparser import Error, Failure, JUnitXml
from tap.line import Plan, Result, Unknown, Version
from tap.parser import Parser

from conftest import PUSHSH, ROOT

SECRET = "sk_live_DO_NOT_LEAK_0123456789"


def write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return str(path)


def run_tests(folder, files, extra_env=None):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SPRINTO_API_KEY", None)
    env.update(extra_env or {})
    junit, tap = folder / "report.xml", folder / "report.tap"
    result = subprocess.run([PUSHSH, "test", *files, "--report-junit", str(junit), "--report-tap", str(tap)],
                            capture_output=True, text=True, env=env, cwd=folder)
    return result, junit, tap


def test_junit_and_tap_for_passing_failing_and_broken_scripts(tmp_path):
    passing = write(tmp_path, "pass.push", "let s = start\nclose s discard\nwait s until cancelled\n")
    failing = write(tmp_path, "expect.push", 'let s = start\nexpect s.state == "processed" else "not processed yet"\n')
    broken = write(tmp_path, "broken.push", "let s = start\nwait s until done\n")
    missing = str(tmp_path / "missing.push")
    result, junit, tap = run_tests(tmp_path, [passing, failing, broken, missing])

    # One line per script, a summary; the exit code is the first failure's (4: an expect).
    assert result.returncode == 4, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok    " + passing)
    assert lines[1].startswith("FAIL  " + failing) and f"exit 4: {failing}:2:8: not processed yet" in lines[1]
    assert any(line.startswith("FAIL  " + broken) and "exit 2" in line for line in lines)
    assert lines[-1].startswith("4 scripts: 1 passed, 3 failed")

    xml = JUnitXml.fromfile(str(junit))
    cases = {case.name: case for suite in xml for case in suite}
    assert list(cases) == [passing, failing, broken, missing]
    assert cases[passing].is_passed
    (failure,) = cases[failing].result
    assert isinstance(failure, Failure)
    assert failure.message == f"{failing}:2:8: not processed yet"
    (error,) = cases[broken].result
    assert isinstance(error, Error)
    assert error.message.startswith(f"{broken}:2:14: error:")
    assert isinstance(cases[missing].result[0], Error)
    for case in cases.values():
        assert case.time >= 0
    suite = next(iter(xml))
    assert (suite.tests, suite.failures, suite.errors) == (4, 1, 2)
    ElementTree.parse(junit)  # well-formed for any XML reader

    parsed = list(Parser().parse_file(str(tap)))
    assert not [line for line in parsed if isinstance(line, Unknown)]
    assert isinstance(parsed[0], Version) and parsed[0].version == 13
    plan = next(line for line in parsed if isinstance(line, Plan))
    assert plan.expected_tests == 4
    results = [line for line in parsed if isinstance(line, Result)]
    assert [r.ok for r in results] == [True, False, False, False]
    assert [r.number for r in results] == [1, 2, 3, 4]
    assert results[0].description == "- " + passing or results[0].description == passing
    block = results[1].yaml_block
    assert block["message"] == f"{failing}:2:8: not processed yet"
    assert block["at"] == {"file": failing, "line": 2, "column": 8}
    assert block["exit_code"] == 4 and block["duration_ms"] >= 0


def test_the_key_never_reaches_a_report(tmp_path):
    # Credentials make it a real (here: unreachable) service; the script prints and fails with the key.
    leak = write(tmp_path, "leak.push", 'print env("SPRINTO_API_KEY")\nexpect false else "key: ${env("SPRINTO_API_KEY")}"\n')
    result, junit, tap = run_tests(tmp_path, [leak], {
        "SPRINTO_API_KEY": SECRET, "SPRINTO_INTEGRATION_ID": "acme", "SPRINTO_BASE_URL": "http://127.0.0.1:9/api"})
    assert result.returncode == 4
    for text in [result.stdout, result.stderr, junit.read_text(), tap.read_text()]:
        assert SECRET not in text
    assert "[redacted]" in junit.read_text()


def test_dash_dash_test_and_all_examples_pass(tmp_path):
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.push"))
    result = subprocess.run([PUSHSH, "--test", *examples, "--report-junit", str(tmp_path / "j.xml")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    xml = JUnitXml.fromfile(str(tmp_path / "j.xml"))
    assert sum(1 for suite in xml for case in suite if case.is_passed) == len(examples)
