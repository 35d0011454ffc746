"""Profiles (indicator sets with parameters and points), judging, scoring and pass rates.

Public API::

    profile = load_profile("kaifeng-2024")          # or load_profile() for cn-national-2019
    findings = run_checks(profile, observation, ctx)
    verdict = score_site(findings, profile, site_id="...")      # or score_account(...)
    format_rate(291, 294, profile.rate_format("pass_rate"))      # "98.9%"
"""

from govwatch.engine.profiles.judge import run_checks
from govwatch.engine.profiles.loader import load_profile, shipped_profiles
from govwatch.engine.profiles.model import Profile, RateFormat, Rule
from govwatch.engine.profiles.rates import format_percent, format_rate, pass_rates
from govwatch.engine.profiles.scoring import Verdict, score_account, score_site
from govwatch.engine.profiles.yamlnodes import ProfileError, ProfileProblem

__all__ = [
    "Profile",
    "ProfileError",
    "ProfileProblem",
    "RateFormat",
    "Rule",
    "Verdict",
    "format_percent",
    "format_rate",
    "load_profile",
    "pass_rates",
    "run_checks",
    "score_account",
    "score_site",
    "shipped_profiles",
]
