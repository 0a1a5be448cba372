"""``/method/``: the technical manual (built by ``make manual``) in the site's layout."""
