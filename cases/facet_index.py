"""The case list's facet index (cases.lib.facets) built from the database, memoised per process.

The memo is a cache of database state, not state of its own: it is kept under the facets
version, a token in the shared cache that every committed write to the tables the index reads
renews (atlas.page_cache's execute wrapper sees every road to them), and it is only used while
that token is the current one, so no process serves counts older than the last commit it can
see. The wizard's knowledge base is memoised the same way under its own version token
(wizard/snapshot.py). The version is read before the rows, so an index is never newer-keyed
than its rows: a write that lands mid-build renews the version again and the next request
rebuilds. One slot: a rebuilt index replaces the old one, which is never kept across a change.

Building reads six queries (at 100,000 cases about a second); a version read from the cache is
all that a request costs while nothing the facets show has changed.
"""

from atlas.lib.memo import VersionedSlot
from atlas.models import Tag
from atlas.page_cache import part_version
from diagnosis.models import Entity, Mechanism

from .lib.facets import FacetIndex, index_from_rows
from .models import Case, Study, TaggedCase

FACETS_KEY = "facets-version"
LIST_ORDER = ("-published_at", "code")


def facet_tables() -> frozenset[str]:
    """The tables the index is built from (lower case)."""
    models = (Case, Study, TaggedCase, Tag, Entity, Mechanism)
    return frozenset(model._meta.db_table.lower() for model in models)


_memo: VersionedSlot[FacetIndex] = VersionedSlot()


def facet_index_build(version: str | None) -> FacetIndex:
    """Every case's facets read from the database (six queries)."""
    mechanisms = tuple(Mechanism.objects.all())
    entities = tuple(Entity.objects.all())
    tags = tuple(Tag.objects.all())
    cases = list(
        Case.objects.order_by(*LIST_ORDER).values_list("pk", "status", "diagnosis_id", "sex", "age")
    )
    # order_by() drops the default orderings, which would join and sort for nothing.
    studies = list(Study.objects.order_by().values_list("case_id", "modality").distinct())
    tagged = list(TaggedCase.objects.order_by().values_list("tag_id", "content_object_id"))
    return index_from_rows(
        version=version,
        cases=cases,
        studies=studies,
        tagged=tagged,
        mechanisms=mechanisms,
        entities=entities,
        tags=tags,
        sexes=tuple(Case.Sex.values),
        modality_codes=tuple(Study.Modality.values),
        published_status=Case.Status.PUBLISHED,
    )


def facet_index() -> FacetIndex:
    """The index of the current facets version: this process's memo, or built afresh."""
    version = part_version(FACETS_KEY)
    return _memo.get(version, lambda: facet_index_build(version))


def facet_index_clear() -> None:
    """Forget the memoised index."""
    _memo.clear()
