"""The axe walks of test_accessibility.py in English, with their checks of coverage: a
file of their own, so that make test runs them in a process of their own while the other
languages' run in others (pytest-xdist --dist loadfile hands out whole files)."""

import pytest

from tests.browser.test_accessibility import *  # noqa: F403 - the walks, collected here too
from tests.browser.test_accessibility import test_the_list_of_exceptions_names_real_routes

del test_the_list_of_exceptions_names_real_routes  # one language-free check, run there


@pytest.fixture(params=["en"])
def language(request) -> str:
    return request.param
