"""Read queries for the case pages; each one's query count is fixed, whatever the rows."""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from atlas.lib.i18n import field_for
from atlas.lib.text import search_terms
from atlas.models import Tag
from diagnosis.models import Entity, Mechanism

from .models import Case, Image, Study, TaggedCase

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
    base: QuerySet, filters: dict, *, diagnoses: bool = True
) -> dict[str, list[FacetOption]]:
    """Counts for each filter's options, given every other filter in force."""
    return case_facets_and_count(base, filters, diagnoses=diagnoses)[0]


# Filters on columns of the case row itself (the diagnosis's mechanism follows from the
# diagnosis): one query grouped by diagnosis and sex counts all three facets and the cases.
ROW_FILTERS = ("mechanism", "entity", "sex")


def case_facets_and_count(
    base: QuerySet, filters: dict, *, diagnoses: bool = True
) -> tuple[dict[str, list[FacetOption]], int]:
    """Counts for each filter's options, given every other filter in force, and the number
    of cases every filter selects (six queries; seven with a region or tag filter).

    1 mechanisms, 2 entities, 3 the cases grouped by diagnosis and sex (mechanism, diagnosis
    and sex facets and the total, counted in Python from a hundred-odd groups rather than by
    scanning the cases once per facet), 4 modalities, 5 tags, 6 tag counts (one query for
    region and tag while neither is chosen: both facets then count the same cases).

    Without ``diagnoses`` (cases read as unknowns) the Diagnosis facet is left out, unless a
    diagnosis is already chosen, and topic tags too: with a count of one per diagnosis, the
    two would be an answer key.
    """

    def others(key: str) -> QuerySet:
        return cases_filtered(base, filters, skip=key).values("pk")

    mechanisms = list(Mechanism.objects.all())
    entities = {entity.pk: entity for entity in Entity.objects.all()}
    mechanism_slugs = {m.pk: m.slug for m in mechanisms}
    rest = {key: value for key, value in filters.items() if key not in ROW_FILTERS}
    # order_by() drops Case's default ordering, which would otherwise join the GROUP BY.
    groups = (
        cases_filtered(base, rest)
        .values_list("diagnosis_id", "sex")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def passes(key: str, entity: Entity, sex: str) -> bool:
        """Whether a group meets the row filters other than `key`."""
        if key != "mechanism" and "mechanism" in filters:
            if mechanism_slugs.get(entity.mechanism_id) != filters["mechanism"]:
                return False
        if key != "entity" and "entity" in filters and entity.slug != filters["entity"]:
            return False
        return key == "sex" or "sex" not in filters or sex == filters["sex"]

    by_mechanism: dict[int, int] = {}
    by_entity: dict[int, int] = {}
    by_sex: dict[str, int] = {}
    total = 0
    for diagnosis_id, sex, n in groups:
        entity = entities[diagnosis_id]
        if passes("mechanism", entity, sex):
            by_mechanism[entity.mechanism_id] = by_mechanism.get(entity.mechanism_id, 0) + n
        if passes("entity", entity, sex):
            by_entity[diagnosis_id] = by_entity.get(diagnosis_id, 0) + n
        if passes("sex", entity, sex):
            by_sex[sex] = by_sex.get(sex, 0) + n
        if passes("", entity, sex):
            total += n

    facets: dict[str, list[FacetOption]] = {}
    facets["mechanism"] = [
        FacetOption(m.slug, m.name, by_mechanism.get(m.pk, 0), filters.get("mechanism") == m.slug)
        for m in mechanisms
    ]
    facets["entity"] = []
    if diagnoses or "entity" in filters:
        chosen = [
            FacetOption(e.slug, e.name, by_entity.get(pk, 0), filters.get("entity") == e.slug)
            for pk, e in entities.items()
            if by_entity.get(pk) or filters.get("entity") == e.slug
        ]
        facets["entity"] = sorted(chosen, key=lambda option: option.label.casefold())
    # order_by() drops Study's default ordering, which would otherwise join the GROUP BY
    # and count each study row apart (every option would read 1).
    modality_counts = dict(
        Study.objects.filter(case__in=others("modality"))
        .values_list("modality")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    facets["modality"] = [
        FacetOption(code, str(label), modality_counts.get(code, 0), filters.get("modality") == code)
        for code, label in Study.Modality.choices
        if modality_counts.get(code) or filters.get("modality") == code
    ]
    tags = list(Tag.objects.all())
    tag_counts = {"region": _tag_counts(others("region"))}
    same = "region" not in filters and "tag" not in filters
    tag_counts["tag"] = tag_counts["region"] if same else _tag_counts(others("tag"))
    hidden_kinds = [Tag.Kind.REGION] if diagnoses else [Tag.Kind.REGION, Tag.Kind.TOPIC]
    for key, offered in (
        ("region", lambda tag: tag.kind == Tag.Kind.REGION),
        ("tag", lambda tag: tag.kind not in hidden_kinds),
    ):
        selected = filters.get(key, "")
        counts = tag_counts[key]
        facets[key] = sorted(
            (
                FacetOption(t.slug, t.name, counts.get(t.pk, 0), selected == t.slug)
                for t in tags
                if (offered(t) and counts.get(t.pk)) or selected == t.slug
            ),
            key=lambda option: option.label.casefold(),
        )
    facets["sex"] = [
        FacetOption(code, str(label), by_sex.get(code, 0), filters.get("sex") == code)
        for code, label in Case.Sex.choices
        if by_sex.get(code) or filters.get("sex") == code
    ]
    return facets, total


def _tag_counts(cases: QuerySet) -> dict[int, int]:
    """How many of these cases carry each tag, by the tag's id."""
    return dict(
        TaggedCase.objects.filter(content_object__in=cases)
        .values_list("tag_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


# Search first tests this many of the newest cases one by one, through the ordering index. A
# common word fills a page from them sooner than any index can list its thousands of cases; a
# rarer one leaves the page short, and the full-text index answers instead.
SEARCH_SCAN_FIRST = 1000


def case_search(qs: QuerySet, query: str, *, revealed: bool, limit: int) -> QuerySet:
    """The first `limit` cases of `qs`, in its usual order, that hold every word of the query;
    by their diagnosis too if `revealed`."""
    column = "search_text_revealed" if revealed else "search_text"
    terms = search_terms(query)
    if not terms:
        return qs.search(query, column=column)
    holds_every_word = Q(*(Q(**{f"{column}__contains": term}) for term in terms))
    window = qs.order_by(*Case._meta.ordering)[:SEARCH_SCAN_FIRST]
    rows = list(
        window.annotate(
            hit=ExpressionWrapper(holds_every_word, output_field=BooleanField())
        ).values_list("pk", "hit")
    )
    hits = [pk for pk, hit in rows if hit][:limit]
    # The window is the head of the same ordering: its first hits are the first hits of all.
    if len(hits) == limit or len(rows) < SEARCH_SCAN_FIRST:
        return qs.filter(pk__in=hits)
    return qs.search(query, column=column)


def case_cards(qs: QuerySet) -> QuerySet:
    """What a case card shows: its studies (for modality badges), its tags and a cover image."""
    return with_cover(qs).prefetch_related(
        Prefetch("studies", queryset=Study.objects.order_by("order")),
        "tags",
    )


def with_cover(qs: QuerySet) -> QuerySet:
    """Annotate each case with its first ready image's key, alt text and size.

    Subqueries in the case query itself, so a card's thumbnail costs no query of its own.
    """
    ready = Image.objects.filter(study__case=OuterRef("pk"), pixels=Image.Pixels.READY)
    ready = ready.order_by("study__order", "study_id", "order", "pk")
    # An empty Spanish alt text falls back to the English one, as modeltranslation does.
    alt = Coalesce(
        NullIf(field_for("alt_text"), Value("")),
        field_for("alt_text", "en"),
        output_field=CharField(),
    )
    return qs.annotate(
        cover_key=Subquery(ready.values("key")[:1]),
        cover_alt=Subquery(ready.annotate(cover_alt=alt).values("cover_alt")[:1]),
        cover_width=Subquery(ready.values("width")[:1]),
        cover_height=Subquery(ready.values("height")[:1]),
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
    return list(case_cards(qs)[:limit])


def neighbour_cases(case: Case) -> tuple[Case | None, Case | None]:
    """The published cases before and after this one in the case list's order (newest first,
    then by code): two queries; none for a draft, which has no place in that list."""
    if not case.is_published:
        return None, None
    published = Case.objects.published().only("code", "published_at")
    newer = Q(published_at__gt=case.published_at) | Q(
        published_at=case.published_at, code__lt=case.code
    )
    older = Q(published_at__lt=case.published_at) | Q(
        published_at=case.published_at, code__gt=case.code
    )
    previous = published.filter(newer).order_by("published_at", "-code").first()
    following = published.filter(older).order_by("-published_at", "code").first()
    return previous, following
