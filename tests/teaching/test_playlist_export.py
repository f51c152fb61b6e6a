import io
import re

import pytest
from django.urls import reverse
from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE_TYPE

from teaching.models import Playlist, PlaylistItem
from tests.builders import make_case
from tests.teaching.playlist_builders import make_named_case, make_playlist, with_pixels
from tests.teaching.teacher_builders import make_teacher

pytestmark = pytest.mark.django_db


def texts(slide) -> str:
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def pictures(slide) -> int:
    return sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)


@pytest.fixture
def conference():
    """A public playlist: a title slide, then a case with two ready images and a discussion."""
    case = make_named_case(images=2, discussion_en="Why it calcifies.", teaching_points_en="Look.")
    for image in case.studies.get().images.all():
        with_pixels(image)
    playlist = make_playlist(owner=make_teacher(username="teacher"), visibility="public")
    PlaylistItem.objects.create(playlist=playlist, position=1, title="Welcome", text="Rules")
    PlaylistItem.objects.create(playlist=playlist, position=2, case=case, notes="Ask the room")
    return playlist, case


def deck(client, playlist):
    response = client.get(reverse("playlists:pptx", args=[playlist.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.pptx"')
    return Presentation(io.BytesIO(response.content))


def test_the_deck_has_one_slide_per_stage_with_the_images_and_the_answer_after_the_question(
    client, conference
):
    playlist, case = conference
    slides = list(deck(client, playlist).slides)
    titles = [slide.shapes.title.text for slide in slides]
    # cover, title slide, history, two images, question, answer, teaching points
    assert len(slides) == 8
    assert titles[1] == "Welcome"
    assert [pictures(slide) for slide in slides] == [0, 0, 0, 1, 1, 0, 0, 0]
    assert titles[5] == "Case 1: What is the diagnosis?"
    assert titles[6] == "Case 1: Answer" and "Zebracalcinosis" in texts(slides[6])
    assert "Why it calcifies." in texts(slides[7])
    assert slides[2].notes_slide.notes_text_frame.text == "Ask the room"


def test_no_slide_before_the_answer_names_the_diagnosis_but_the_question_lists_the_choices(
    client, conference
):
    playlist, case = conference
    slides = list(deck(client, playlist).slides)
    answer = next(i for i, slide in enumerate(slides) if slide.shapes.title.text.endswith("Answer"))
    before = " ".join(
        texts(slide) for slide in slides[:answer] if "diagnosis?" not in slide.shapes.title.text
    )
    assert "Zebracalcinosis" not in before and case.slug not in before
    assert "Caption." not in before  # the full caption waits; the neutral one is shown
    question = slides[answer - 1]
    assert "Zebracalcinosis" in texts(question) and "Other thing" in texts(question)


def test_the_stages_a_teacher_left_out_are_not_exported(client, conference):
    playlist, _case = conference
    playlist.items.filter(case__isnull=False).update(stages=["history"], question="none")
    titles = [slide.shapes.title.text for slide in deck(client, playlist).slides]
    assert titles == [playlist.title, "Welcome", "Case 1", "Case 1: Answer"]


def test_a_private_playlist_exports_only_to_its_teacher(client):
    playlist = make_playlist(owner=make_teacher(username="teacher"), cases=[make_case()])
    assert client.get(reverse("playlists:pptx", args=[playlist.code])).status_code == 404
    client.force_login(playlist.owner)
    assert client.get(reverse("playlists:pptx", args=[playlist.code])).status_code == 200


def test_the_handout_puts_every_unknown_before_every_answer(client, conference):
    playlist, case = conference
    second = make_named_case()
    PlaylistItem.objects.create(playlist=playlist, position=3, case=second)
    body = client.get(reverse("playlists:handout", args=[playlist.code])).content.decode()
    # The question's choices name the diagnosis among others; nothing else before the answers.
    body = re.sub(r'<ol class="handout__choices".*?</ol>', "", body, flags=re.S)
    answers = body.index('id="answers-heading"')
    assert body.index("Zebracalcinosis") > answers
    assert body.count("Case 2") == 2 and body.index("Case 2") < answers
    assert "print.css" in body and body.count("<img") == 2


def test_the_deck_takes_its_images_from_object_storage(s3_media, client):
    case = make_named_case(images=2)
    for image in case.studies.get().images.all():
        with_pixels(image)
    playlist = make_playlist(owner=make_teacher(username="teacher"), visibility="public")
    PlaylistItem.objects.create(playlist=playlist, position=1, case=case)
    assert len(s3_media.keys("renditions/")) == 2, "the renditions are in the bucket"

    slides = list(deck(client, playlist).slides)

    assert sum(pictures(slide) for slide in slides) == 2


@pytest.fixture
def bilingual(conference):
    """The conference with every playlist text in Spanish too."""
    playlist, case = conference
    Playlist.objects.filter(pk=playlist.pk).update(
        title_en="Monday", title_es="Lunes", description_en="Four.", description_es="Cuatro."
    )
    playlist.items.filter(position=1).update(title_es="Bienvenida", text_es="Las normas")
    playlist.items.filter(position=2).update(notes_es="Pregunte a la sala")
    return playlist, case


def runs(slide):
    frames = [shape.text_frame for shape in slide.shapes if shape.has_text_frame]
    if slide.has_notes_slide:
        frames.append(slide.notes_slide.notes_text_frame)
    return [run for frame in frames for paragraph in frame.paragraphs for run in paragraph.runs]


def test_a_deck_asked_for_in_spanish_is_in_spanish_its_fixed_words_too(client, bilingual):
    playlist, _case = bilingual
    response = client.get(f"/es/playlists/{playlist.code}/slides.pptx")
    assert response["Content-Disposition"] == 'attachment; filename="lunes.pptx"'
    presentation = Presentation(io.BytesIO(response.content))
    slides = list(presentation.slides)
    titles = [slide.shapes.title.text for slide in slides]
    assert titles[:3] == ["Lunes", "Bienvenida", "Caso 1"]
    assert "Cuatro." in texts(slides[0]) and "Las normas" in texts(slides[1])
    assert "Una historia." in texts(slides[2])
    assert titles[5:] == [
        "Caso 1: ¿Cuál es el diagnóstico?",
        "Caso 1: Respuesta",
        "Caso 1: Puntos clave",
    ]
    assert slides[2].notes_slide.notes_text_frame.text == "Pregunte a la sala"
    # PowerPoint checks the spelling in Spanish, and python-pptx's own words are gone.
    assert {run.font.language_id for slide in slides for run in runs(slide)} == {
        MSO_LANGUAGE_ID.SPANISH_MODERN_SORT
    }
    properties = presentation.core_properties
    assert (properties.title, properties.language) == ("Lunes", "es-ES")
    assert (properties.author, properties.last_modified_by, properties.comments) == ("", "", "")


def test_the_same_deck_from_an_english_page_is_in_english(client, bilingual):
    playlist, _case = bilingual
    presentation = Presentation(
        io.BytesIO(client.get(f"/en/playlists/{playlist.code}/slides.pptx").content)
    )
    titles = [slide.shapes.title.text for slide in presentation.slides]
    assert titles[:3] == ["Monday", "Welcome", "Case 1"]
    assert presentation.core_properties.language == "en-GB"
    languages = {run.font.language_id for slide in presentation.slides for run in runs(slide)}
    assert languages == {MSO_LANGUAGE_ID.ENGLISH_UK}


def test_a_title_slide_without_a_text_has_no_empty_placeholder_to_fill(client, bilingual):
    # An empty subtitle shows PowerPoint's "Click to add subtitle", in English, while editing.
    playlist, _case = bilingual
    playlist.items.filter(position=1).update(text_en="", text_es="")
    Playlist.objects.filter(pk=playlist.pk).update(description_en="", description_es="")
    slides = list(deck(client, playlist).slides)
    for slide in slides[:2]:
        assert [shape.text_frame.text for shape in slide.placeholders] == [slide.shapes.title.text]


def test_the_handout_asked_for_in_spanish_is_in_spanish(client, bilingual):
    playlist, _case = bilingual
    body = client.get(f"/es/playlists/{playlist.code}/handout/").content.decode()
    assert "<h1>Lunes</h1>" in body and "<p>Cuatro.</p>" in body
    assert "<h3>Bienvenida</h3><p>Las normas</p>" in body
    assert "Casos problema" in body and "Una historia." in body
    for english in ("Monday", "Welcome", "Rules", "A history."):
        assert english not in body
