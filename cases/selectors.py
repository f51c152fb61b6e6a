"""Read queries for the case pages; each one's query count is fixed, whatever the rows."""

from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject, NullIf

from atlas.lib.i18n import columns, field_for, first_of, reading_order
from atlas.lib.memo import VersionedSlot
from atlas.lib.text import search_terms
from atlas.models import Tag
from atlas.page_cache import part_version
from diagnosis.models import Entity

from .facet_index import FACETS_KEY, facet_index
from .lib.facets import facet_counts
from .models import Case, Image, Study, TaggedCase, choice_label

FILTER_KEYS = ("mechanism", "entity", "modality", "region", "tag", "sex", "age_min", "age_max")


def _apply(qs: QuerySet, key: str, value) -> QuerySet:
    if key == "mechanism":
        return qs.filter(diagnosis__mechanism__slug=value)
    if key == "entity":
        return qs.filter(diagnosis__slug=value)
    if key == "modality":
        return qs.filter(Exists(Study.objects.filter(case=OuterRef("pk"), modality=value)))
    if key in ("region", "tag"):
        tagged = TaggedCase.objects.filter(content_object=OuterRef("pk"), tag__slug=value)
        if key == "region":
            tagged = tagged.filter(tag__kind=Tag.Kind.REGION)
        return qs.filter(Exists(tagged))
    if key == "sex":
        return qs.filter(sex=value)
    if key == "age_min":
        return qs.filter(age__gte=value)
    if key == "age_max":
        return qs.filter(age__lte=value)
    raise ValueError(key)


def cases_filtered(base: QuerySet, filters: dict, *, skip: str | None = None) -> QuerySet:
    qs = base
    for key, value in filters.items():
        if key != skip and key in FILTER_KEYS:
            qs = _apply(qs, key, value)
    return qs


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def case_facets(
    filters: dict, *, diagnoses: bool = True, drafts: bool = False
) -> dict[str, list[FacetOption]]:
    """Counts for each filter's options, given every other filter in force."""
    return case_listing(filters, diagnoses=diagnoses, drafts=drafts)[0]


def case_listing(
    filters: dict, *, diagnoses: bool = True, drafts: bool = False
) -> tuple[dict[str, list[FacetOption]], np.ndarray]:
    """Counts for each filter's options, given every other filter in force, and the pks of the
    cases every filter selects in list order; drafts count only with ``drafts`` (staff).

    Counted from the facet index (cases.facet_index): no query while it is current, six to
    rebuild it after a write to the tables it reads.

    Without ``diagnoses`` (cases read as unknowns) the Diagnosis facet is left out, unless a
    diagnosis is already chosen, and topic tags too: with a count of one per diagnosis, the
    two would be an answer key.
    """
    index = facet_index()
    filters = {key: value for key, value in filters.items() if key in FILTER_KEYS}
    counts = facet_counts(index, filters, drafts=drafts)
    facets: dict[str, list[FacetOption]] = {}
    facets["mechanism"] = [
        FacetOption(m.slug, m.name, int(n), filters.get("mechanism") == m.slug)
        for m, n in zip(index.mechanisms, counts.mechanism, strict=True)
    ]
    facets["entity"] = []
    if diagnoses or "entity" in filters:
        chosen = [
            FacetOption(e.slug, e.name, int(n), filters.get("entity") == e.slug)
            for e, n in zip(index.entities, counts.entity, strict=True)
            if n or filters.get("entity") == e.slug
        ]
        facets["entity"] = sorted(chosen, key=lambda option: option.label.casefold())
    by_code = dict(zip(index.modality_codes, counts.modality.tolist(), strict=True))
    facets["modality"] = [
        FacetOption(code, str(label), by_code[code], filters.get("modality") == code)
        for code, label in Study.Modality.choices
        if by_code[code] or filters.get("modality") == code
    ]
    hidden_kinds = [Tag.Kind.REGION] if diagnoses else [Tag.Kind.REGION, Tag.Kind.TOPIC]
    for key, offered in (
        ("region", lambda tag: tag.kind == Tag.Kind.REGION),
        ("tag", lambda tag: tag.kind not in hidden_kinds),
    ):
        selected = filters.get(key, "")
        facets[key] = sorted(
            (
                FacetOption(t.slug, t.name, int(n), selected == t.slug)
                for t, n in zip(index.tags, getattr(counts, key), strict=True)
                if (offered(t) and n) or selected == t.slug
            ),
            key=lambda option: option.label.casefold(),
        )
    by_sex = dict(zip(index.sexes, counts.sex.tolist(), strict=True))
    facets["sex"] = [
        FacetOption(code, str(label), by_sex[code], filters.get("sex") == code)
        for code, label in Case.Sex.choices
        if by_sex[code] or filters.get("sex") == code
    ]
    return facets, index.pk[counts.rows]


def case_cards_in_order(pks, *, diagnoses: bool = False) -> list[Case]:
    """The cards of these cases, in the order of `pks` (three queries, as case_cards)."""
    qs = Case.objects.filter(pk__in=list(pks))
    if diagnoses:
        qs = qs.select_related("diagnosis")
    by_pk = {case.pk: case for case in case_cards(qs)}
    return [by_pk[pk] for pk in pks if pk in by_pk]


# Search first tests the newest cases one by one, through the ordering index: ten for each
# case the page needs, 250 to 1,000 of them. A common word (in a tenth of the cases or more)
# fills a page from them sooner than any index can list its thousands of cases; a rarer one
# leaves the page short, and the full-text index answers instead. Testing a fixed 1,000 took
# 8-15 ms at 100,000 cases for a page of 24.
SEARCH_SCAN_PER_HIT = 10
SEARCH_SCAN_MIN, SEARCH_SCAN_MAX = 250, 1000


def case_search(qs: QuerySet, query: str, *, revealed: bool, limit: int) -> QuerySet:
    """The first `limit` cases of `qs`, in its usual order, that hold every word of the query;
    by their diagnosis too if `revealed`."""
    column = "search_text_revealed" if revealed else "search_text"
    terms = search_terms(query)
    if not terms:
        return qs.search(query, column=column)
    holds_every_word = Q(*(Q(**{f"{column}__contains": term}) for term in terms))
    scanned = min(max(limit * SEARCH_SCAN_PER_HIT, SEARCH_SCAN_MIN), SEARCH_SCAN_MAX)
    window = qs.order_by(*Case._meta.ordering)[:scanned]
    rows = list(
        window.annotate(
            hit=ExpressionWrapper(holds_every_word, output_field=BooleanField())
        ).values_list("pk", "hit")
    )
    hits = [pk for pk, hit in rows if hit][:limit]
    # The window is the head of the same ordering: its first hits are the first hits of all.
    if len(hits) == limit or len(rows) < scanned:
        return qs.filter(pk__in=hits)
    return qs.search(query, column=column)


def case_card_lists(*querysets: QuerySet, limit: int) -> list[list[Case]]:
    """The first `limit` cards of each queryset, their details read once for all of them (a
    page with two rows of cards: 2 queries and 2 for the details, rather than 2 and 4)."""
    lists = [list(with_cover(qs)[:limit]) for qs in querysets]
    add_card_details([case for cases in lists for case in cases])
    return lists


# Kept as long as the pages: the version in the key, not the timeout, keeps the counts right.
COUNTS_SECONDS = 60 * 60


def published_counts_by_diagnosis() -> dict[int, int]:
    """How many published cases each entity is the diagnosis of, from the shared cache.

    Counted in one GROUP BY the first time a process asks after a change and kept under the
    facets version, which every committed write to the case tables renews, so the count is
    never older than the last commit; until then each page that shows counts (the wizard, an
    entity page) reads a dictionary instead of counting thousands of rows along an index.
    The version is read before the rows, as the facet index does; each process also keeps the
    last counts it read beside their version, so a warm page reads only the version."""
    key = f"diagnosis-counts:{part_version(FACETS_KEY)}"

    def shared() -> dict[int, int]:
        counts = cache.get(key)
        if counts is None:
            rows = Case.objects.published().order_by().values("diagnosis_id")
            counts = {row["diagnosis_id"]: row["n"] for row in rows.annotate(n=Count("pk"))}
            cache.set(key, counts, COUNTS_SECONDS)
        return counts

    return _counts_memo.get(key, shared)


_counts_memo: VersionedSlot[dict[int, int]] = VersionedSlot()


def _translated(*names: str) -> list[str]:
    """Each field with its columns in every language."""
    return [column for name in names for column in (name, *columns(name))]


# What a card never shows: the long texts of a case (the two search columns hold them all
# again), read for nothing for every card.
CARD_DEFERRED = [
    "search_text",
    "search_text_revealed",
    *_translated("history", "confirmation", "discussion", "teaching_points", "attribution"),
]


@dataclass(frozen=True, slots=True)
class CardStudy:
    """A study as its card's badge shows it."""

    modality: str
    time_point: str

    @property
    def modality_label(self) -> str:
        return choice_label(Study.Modality, self.modality)


@dataclass(frozen=True, slots=True)
class CardTag:
    """A region tag as its card's badge shows it."""

    name: str


def add_card_details(cases: list[Case]) -> None:
    """Give each case what its card shows of its studies (`card_studies`, for the modality
    badges) and its region tags (`card_regions`, read by Case.region_tags): two queries for
    any number of cards, none for no card.

    Plain rows, not models: 24 cards meant about 150 studies, tagged items and tags built as
    model instances and sorted into lists by the prefetch machinery, a third of the time the
    cards took."""
    by_pk = {case.pk: case for case in cases}
    for case in cases:
        case.card_studies, case.card_regions = [], []
    if not by_pk:
        return
    pks, languages = list(by_pk), reading_order()
    studies = (
        Study.objects.filter(case_id__in=pks)
        .order_by("order", "pk")
        .values_list("case_id", "modality", *(field_for("time_point", lang) for lang in languages))
    )
    for case_id, modality, *time_points in studies:
        by_pk[case_id].card_studies.append(CardStudy(modality, first_of(time_points)))
    regions = TaggedCase.objects.filter(
        content_object_id__in=pks, tag__kind=Tag.Kind.REGION
    ).values_list("content_object_id", *(f"tag__{field_for('name', lang)}" for lang in languages))
    for case_id, *names in regions:
        by_pk[case_id].card_regions.append(CardTag(first_of(names)))


def case_cards(qs: QuerySet, start: int = 0, stop: int | None = None) -> list[Case]:
    """The cards of `qs[start:stop]`: the cases with a cover image (with_cover) and their
    card details (add_card_details). Three queries."""
    cases = list(with_cover(qs)[start:stop])
    add_card_details(cases)
    return cases


def with_cover(qs: QuerySet) -> QuerySet:
    """Annotate each case with its first ready image's key, alt text and size, as one JSON
    object (`cover`; Case.cover_key reads the key back as a UUID).

    A subquery in the case query itself, so a card's thumbnail costs no query of its own; one
    object rather than a subquery per value, which took twice as long to build and run."""
    ready = Image.objects.filter(study__case=OuterRef("pk"), pixels=Image.Pixels.READY)
    ready = ready.order_by("study__order", "study_id", "order", "pk")
    # An empty Spanish alt text falls back to the English one, as modeltranslation does.
    alt = Coalesce(
        NullIf(field_for("alt_text"), Value("")),
        field_for("alt_text", "en"),
        output_field=CharField(),
    )
    cover = JSONObject(key="key", alt=alt, width="width", height="height")
    return qs.defer(*CARD_DEFERRED).annotate(
        cover=Subquery(ready.annotate(cover=cover).values("cover")[:1], output_field=JSONField())
    )


def case_for_page(qs: QuerySet, code: str, *, revealed: bool = False) -> Case | None:
    """The case at this code with its studies and images; its differential and tags too once
    revealed (three queries, five revealed)."""
    images = Image.objects.order_by("order")
    studies = Study.objects.order_by("order").prefetch_related(Prefetch("images", queryset=images))
    prefetch = [Prefetch("studies", queryset=studies)]
    if revealed:
        prefetch += [Prefetch("differential", queryset=Entity.objects.order_by("name")), "tags"]
    return (
        qs.select_related("diagnosis__mechanism", "diagnosis__parent")
        .prefetch_related(*prefetch)
        .filter(code=code)
        .first()
    )


def case_code_for_old_address(qs: QuerySet, slug: str) -> str | None:
    """The code of the case whose internal name made its old address (one query)."""
    return qs.filter(slug=slug).values_list("code", flat=True).first()


def related_cases(case: Case, *, limit: int = 4) -> list[Case]:
    qs = Case.objects.published().filter(diagnosis=case.diagnosis).exclude(pk=case.pk)
    return case_cards(qs, stop=limit)


def neighbour_cases(case: Case) -> tuple[Case | None, Case | None]:
    """The published cases before and after this one in the case list's order (newest first,
    then by code): two queries; none for a draft, which has no place in that list."""
    if not case.is_published:
        return None, None
    published = Case.objects.published().only("code", "published_at")
    # Each side is bounded by the date first (>= or <=), a range the list's index seeks to;
    # with the "or" alone both databases walked the index from its end, every published
    # case for the newest one (7 to 25 ms at 100,000 cases on SQLite).
    at = case.published_at
    newer = Q(published_at__gte=at) & (Q(published_at__gt=at) | Q(code__lt=case.code))
    older = Q(published_at__lte=at) & (Q(published_at__lt=at) | Q(code__gt=case.code))
    previous = published.filter(newer).order_by("published_at", "-code").first()
    following = published.filter(older).order_by("-published_at", "code").first()
    return previous, following
