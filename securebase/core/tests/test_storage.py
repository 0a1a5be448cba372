"""Static URLs are the manifest storage's own, computed once per process."""

from django.contrib.staticfiles.storage import staticfiles_storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from securebase.core.storage import StaticFilesStorage


def test_urls_match_the_manifest_storage_and_are_kept() -> None:
    staticfiles_storage.url("securebase/site.css")  # the lazy object is set up on use
    assert isinstance(staticfiles_storage._wrapped, StaticFilesStorage)
    plain = CompressedManifestStaticFilesStorage()
    ours = StaticFilesStorage()
    name = "securebase/site.css"

    first = ours.url(name)
    assert first == plain.url(name)
    assert first != "/static/" + name  # fingerprinted
    assert ours._urls == {name: first}
    assert ours.url(name) is first
