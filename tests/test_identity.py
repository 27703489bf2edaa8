"""One identity for a test case, whichever report names it (table-driven)."""

from __future__ import annotations

import pytest

from gate.core.identity import context_nodeid, junit_identity

CASES = [
    # classname, name, file -> nodeid, file
    pytest.param(
        "tests.integration.test_x.TestY", "test_z", "tests/integration/test_x.py",
        "tests/integration/test_x.py::TestY::test_z", "tests/integration/test_x.py",
        id="pytest-xunit1-class",
    ),
    pytest.param(
        "tests.integration.test_x.TestY", "test_z", None,
        "tests/integration/test_x.py::TestY::test_z", "tests/integration/test_x.py",
        id="pytest-xunit2-class-from-classname",
    ),
    pytest.param(
        "tests.test_api", "test_health[get-200]", None,
        "tests/test_api.py::test_health[get-200]", "tests/test_api.py",
        id="pytest-xunit2-function-parametrized",
    ),
    pytest.param(
        "tests.test_x.TestOuter.TestInner", "test_a", None,
        "tests/test_x.py::TestOuter::TestInner::test_a", "tests/test_x.py",
        id="pytest-nested-classes",
    ),
    pytest.param(
        "pkg.client_test", "test_b", None,
        "pkg/client_test.py::test_b", "pkg/client_test.py",
        id="pytest-suffix-test-module",
    ),
    pytest.param(
        "tests.test_x", "test_c", "tests\\test_x.py",
        "tests/test_x.py::test_c", "tests/test_x.py",
        id="windows-file-attribute",
    ),
    pytest.param(
        "com.example.demo.DemoApplicationTests", "contextLoads()", None,
        "com.example.demo.DemoApplicationTests::contextLoads()", None,
        id="junit5-java-no-file",
    ),
    pytest.param(
        "com.sample.test.TestMessage", "test_welcome", None,
        "com.sample.test.TestMessage::test_welcome", None,
        id="java-package-named-test-is-not-python",
    ),
    pytest.param(
        "AcmeLibTests.AcmeLibTests", "test_always_pass", None,
        "AcmeLibTests.AcmeLibTests::test_always_pass", None,
        id="swift",
    ),
    pytest.param(
        "", "Load widget via link", None, "Load widget via link", None,
        id="jest-empty-classname",
    ),
    pytest.param(
        "TestAcme", "test_pass", ".py", "TestAcme::test_pass", None,
        id="unittest-xml-reporting-file-dot-py-is-unknown",
    ),
    pytest.param(
        "FreeRTOSTaskTest", "Construction", "tests/test_task.cpp",
        "tests/test_task.cpp::FreeRTOSTaskTest::Construction", "tests/test_task.cpp",
        id="googletest-file-attribute-non-python",
    ),
    pytest.param(
        "spec.user_spec", "User sets attributes", "./spec/user_spec.rb",
        "spec/user_spec.rb::spec.user_spec::User sets attributes", "spec/user_spec.rb",
        id="rspec-leading-dot-slash",
    ),
    pytest.param(
        "tests.test_export.TestXML", "test_a", None,
        "tests/test_export.py::TestXML::test_a", "tests/test_export.py",
        id="pytest-class-with-capitals",
    ),
    pytest.param(
        "TestAcme", "test_pass", "tests/.py", "TestAcme::test_pass", None,
        id="a-file-named-dot-py-in-a-folder-is-unknown",
    ),
    pytest.param(
        "tests.test_x", "test_c", " ", "tests/test_x.py::test_c", "tests/test_x.py",
        id="a-blank-file-attribute-is-none",
    ),
    pytest.param(
        "tests.test_x", "test_c", "./", "tests/test_x.py::test_c", "tests/test_x.py",
        id="a-file-attribute-of-the-root-is-none",
    ),
    pytest.param(
        "", "works", "spec/a_spec.rb", "spec/a_spec.rb::works", "spec/a_spec.rb",
        id="non-python-file-without-classname",
    ),
    pytest.param(
        "spec/a_spec.rb", "works", "spec/a_spec.rb", "spec/a_spec.rb::works", "spec/a_spec.rb",
        id="non-python-file-named-again-as-classname",
    ),
    pytest.param(
        "tests.test_x.TestY", "", None, "tests/test_x.py::TestY", "tests/test_x.py",
        id="a-case-without-a-name-is-its-class",
    ),
    pytest.param(
        "src/app.test_x", "works", None, "src/app.test_x::works", None,
        id="a-classname-with-a-slash-is-no-module-path",
    ),
    pytest.param(
        "my suite.test_x", "works", None, "my suite.test_x::works", None,
        id="a-classname-with-a-space-is-no-module-path",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("classname", "name", "file", "nodeid", "expected_file"), CASES)
def test_identity_of_junit_cases(
    classname: str, name: str, file: str | None, nodeid: str, expected_file: str | None
) -> None:
    ident = junit_identity(classname, name, file)
    assert ident.nodeid == nodeid
    assert ident.file == expected_file


@pytest.mark.parametrize(
    ("context", "nodeid"),
    [
        ("tests/x.py::test_y|run", "tests/x.py::test_y"),
        ("tests/x.py::TestY::test_z[a|b]|setup", "tests/x.py::TestY::test_z[a|b]"),
        ("tests/x.py::test_y|teardown", "tests/x.py::test_y"),
        ("", ""),
    ],
)
def test_context_maps_to_the_same_nodeid(context: str, nodeid: str) -> None:
    assert context_nodeid(context) == nodeid


def test_xunit1_and_xunit2_and_context_agree() -> None:
    """The three ways pytest names one test lead to one identity."""
    xunit1 = junit_identity(
        "tests.integration.test_x.TestY", "test_z", "tests/integration/test_x.py"
    )
    xunit2 = junit_identity("tests.integration.test_x.TestY", "test_z")
    context = context_nodeid("tests/integration/test_x.py::TestY::test_z|run")
    assert xunit1.nodeid == xunit2.nodeid == context
