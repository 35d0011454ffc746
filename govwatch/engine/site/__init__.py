"""Site facts: footer marks, metadata tags, domains, channels and entries."""

from govwatch.engine.site.facts import SITE_META_TAGS, SiteFacts, extract_site_facts, is_gov_domain

__all__ = ["SITE_META_TAGS", "SiteFacts", "extract_site_facts", "is_gov_domain"]
