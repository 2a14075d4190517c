"""The guard against logged warnings fires (issue 14 §6: it never did)."""

import pytest

from tests.conftest import ROOT

pytest_plugins = ["pytester"]


# The inner tests run in this process, so this test sees their warnings too: it expects them.
@pytest.mark.allow_warnings
def test_a_test_that_logs_a_warning_fails(pytester):
    pytester.syspathinsert(ROOT)
    pytester.makepyfile(
        """
        import logging
        import pytest

        def test_logs():
            logging.getLogger("weasyprint").warning("Using fontTools instead of HarfBuzz")

        @pytest.mark.allow_warnings
        def test_expects_it():
            logging.getLogger("weasyprint").warning("expected")

        def test_quiet():
            logging.getLogger("weasyprint").info("not a warning")

        @pytest.fixture(scope="module")
        def built():
            logging.getLogger("pipeline.build").warning("no page-list: the layout failed")

        def test_whose_fixture_logs(built):
            pass
        """
    )
    result = pytester.runpytest("-p", "tests.conftest", "-p", "no:cacheprovider")
    # The guard fails the test in its teardown: the call passed, the teardown is an error.
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(["*unexpected warnings: weasyprint: Using fontTools*"])
    result.stdout.fnmatch_lines(["*unexpected warnings: pipeline.build: no page-list*"])
