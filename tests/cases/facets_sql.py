"""The case list's facet counts as SQL computed them before the facet index: the reference
the index's counts are compared with (tests only)."""

from django.db.models import Count, QuerySet

from atlas.models import Tag
from cases.models import Case, Study, TaggedCase
from cases.selectors import FacetOption, cases_filtered
from diagnosis.models import Entity, Mechanism

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
