"""The image viewer page, figures on the case page and card thumbnails, as the server renders
them: the state lives in the address, so a page without JavaScript shows exactly the same."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import Case, Image
from tests.builders import make_case

pytestmark = pytest.mark.django_db

ARROW = {"type": "arrow", "frame": None, "x1": 0.1, "y1": 0.2, "x2": 0.5, "y2": 0.5}


def ready(image: Image, **fields) -> Image:
    values = {
        "pixels": Image.Pixels.READY,
        "frame_count": 5,
        "width": 512,
        "height": 256,
        "modality": "CT",
        "renditions": {"thumb": 320, "display": 512},
    }
    values.update(fields)
    for name, value in values.items():
        setattr(image, name, value)
    image.save()
    return image


def first_image(case: Case) -> Image:
    return Image.objects.filter(study__case=case).order_by("study__order", "order").first()


def viewer_url(image: Image, case: Case | None = None) -> str:
    case = case or image.study.case
    return reverse("cases:image", args=[case.code, image.key])


def test_viewer_shows_the_frame_and_window_named_in_the_address(client):
    image = ready(first_image(make_case()))
    response = client.get(viewer_url(image), {"frame": "3", "preset": "bone", "ann": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    # Frames count from 1 on screen and in the address, from 0 in media addresses.
    assert f'src="/img/{image.key}/2/display-bone.webp"' in body
    assert "frame 3 / 5" in body
    assert re.search(r'data-preset="bone"[^>]*aria-current="true"', body)


def test_viewer_opens_on_the_first_frame_in_the_default_window_annotations_off(client):
    image = ready(first_image(make_case()), annotations=[ARROW])
    body = client.get(viewer_url(image)).content.decode()
    assert f'src="/img/{image.key}/0/display.webp"' in body
    assert "frame 1 / 5" in body
    # Read as an unknown, the arrow would point at the answer: off, and not even sent.
    assert "Show annotations" in body
    assert "data-overlay" not in body and "<line" not in body
    assert re.search(r'data-preset="file"[^>]*aria-current="true"', body)


def test_a_revealed_case_opens_the_viewer_with_annotations_on(client):
    image = ready(first_image(make_case()), annotations=[ARROW])
    body = client.get(viewer_url(image), {"reveal": "1"}).content.decode()
    assert "Hide annotations" in body
    assert re.search(r"<svg[^>]*data-overlay>", body)


def test_the_reader_may_turn_annotations_on_before_reveal(client):
    label = {"type": "label", "frame": None, "x1": 0.5, "y1": 0.5, "text": "Tophus"}
    image = ready(first_image(make_case()), annotations=[label])
    assert "Tophus" not in client.get(viewer_url(image)).content.decode()
    body = client.get(viewer_url(image), {"ann": "1"}).content.decode()
    assert ">Tophus</text>" in body
    assert '<a href="?frame=1&amp;preset=file&amp;ann=0" data-annotations' in body


def test_a_frame_past_either_end_shows_the_nearest_frame(client):
    image = ready(first_image(make_case()))
    late = client.get(viewer_url(image), {"frame": "99"})
    early = client.get(viewer_url(image), {"frame": "0"})
    assert late.status_code == early.status_code == 200
    assert "frame 5 / 5" in late.content.decode()
    assert "frame 1 / 5" in early.content.decode()


def test_a_frame_that_is_not_a_number_is_a_400_that_says_so(client):
    image = ready(first_image(make_case()))
    response = client.get(viewer_url(image), {"frame": "ten"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The frame must be a whole number from 1 to 5." in body
    assert "frame 1 / 5" in body  # the viewer still shows the image


def test_an_unknown_window_is_a_400_that_names_the_windows_on_offer(client):
    image = ready(first_image(make_case()))
    response = client.get(viewer_url(image), {"preset": "liver"})
    assert response.status_code == 400
    assert (
        "This image has no window called “liver”. "
        "It offers: Default, Soft tissue, Bone, Lung, Brain." in response.content.decode()
    )


def test_an_mr_image_offers_no_ct_windows(client):
    image = ready(first_image(make_case()), modality="MR")
    response = client.get(viewer_url(image), {"preset": "bone"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "display-bone" not in body
    assert 'data-preset="soft-tissue"' not in body


def test_annotations_switch_other_than_0_or_1_is_a_400(client):
    image = ready(first_image(make_case()), annotations=[ARROW])
    response = client.get(viewer_url(image), {"ann": "banana"})
    assert response.status_code == 400
    assert "Annotations can be shown (ann=1) or hidden (ann=0)." in response.content.decode()


def test_hidden_annotations_are_not_drawn_and_the_link_offers_to_show_them(client):
    image = ready(first_image(make_case()), annotations=[ARROW])
    params = {"frame": "2", "ann": "0", "reveal": "1"}
    body = client.get(viewer_url(image), params).content.decode()
    assert re.search(r"<svg[^>]*data-overlay display=\"none\"", body)
    assert '<a href="?frame=2&amp;preset=file&amp;ann=1&amp;reveal=1" data-annotations' in body
    assert "Show annotations" in body


def test_overlay_is_drawn_in_the_image_pixels_so_it_stays_on_the_finding(client):
    image = ready(first_image(make_case()), annotations=[ARROW])
    body = client.get(viewer_url(image), {"ann": "1"}).content.decode()
    assert 'viewBox="0 0 512 256"' in body
    assert '<line x1="51.2" y1="51.2" x2="256.0" y2="128.0"' in body


def test_overlay_numbers_keep_their_decimal_point_in_spanish(client):
    image = ready(first_image(make_case()), annotations=[ARROW])
    with translation.override("es"):
        url = viewer_url(image)
    body = client.get(url, {"ann": "1"}).content.decode()
    assert url.startswith("/es/")
    assert 'x1="51.2"' in body
    assert "51,2" not in body


def test_annotation_for_another_frame_waits_for_its_frame(client):
    label = {"type": "label", "frame": 3, "x1": 0.5, "y1": 0.5, "text": "Tophus"}
    image = ready(first_image(make_case()), annotations=[label])
    elsewhere = client.get(viewer_url(image), {"frame": "1", "reveal": "1"}).content.decode()
    there = client.get(viewer_url(image), {"frame": "4", "reveal": "1"}).content.decode()
    assert re.search(r'<g data-shape data-frame="3" display="none">', elsewhere)
    assert re.search(r'<g data-shape data-frame="3">', there)
    assert ">Tophus</text>" in there


def test_stored_annotations_that_break_the_schema_are_left_out_not_a_500(client):
    image = ready(first_image(make_case()), annotations=[{"type": "arrow", "x1": "left"}])
    response = client.get(viewer_url(image))
    assert response.status_code == 200
    assert "data-overlay" not in response.content.decode()


def test_without_javascript_step_links_keep_the_window_and_the_annotations(client):
    image = ready(first_image(make_case()))
    body = client.get(viewer_url(image), {"frame": "3", "preset": "lung", "ann": "0"}).content
    body = body.decode()
    assert 'href="?frame=2&amp;preset=lung&amp;ann=0" data-go="previous"' in body
    assert 'href="?frame=4&amp;preset=lung&amp;ann=0" data-go="next"' in body
    assert '<input type="hidden" name="preset" value="lung">' in body
    assert 'href="?frame=3&amp;preset=bone&amp;ann=0" data-preset="bone"' in body


def test_a_single_frame_image_has_no_frame_controls(client):
    image = ready(first_image(make_case()), frame_count=1)
    body = client.get(viewer_url(image)).content.decode()
    assert "data-frame-form" not in body
    assert "frame 1 / 1" not in body


def test_anonymous_reader_gets_a_404_for_an_image_of_a_draft_case(client):
    image = ready(first_image(make_case(status=Case.Status.DRAFT)))
    response = client.get(viewer_url(image))
    assert response.status_code == 404
    assert "No published image has this address." in response.content.decode()


def test_resident_gets_a_404_for_an_image_held_for_review(client, resident):
    image = ready(first_image(make_case()), pixels=Image.Pixels.HELD)
    client.force_login(resident)
    assert client.get(viewer_url(image)).status_code == 404


def test_staff_see_why_an_image_failed_and_no_picture(client, editor):
    image = ready(
        first_image(make_case(status=Case.Status.DRAFT)),
        pixels=Image.Pixels.FAILED,
        pixels_reason="unsupported compression: JPEG 2000",
    )
    client.force_login(editor)
    response = client.get(viewer_url(image))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Failed" in body and "unsupported compression: JPEG 2000" in body
    assert "data-image" not in body
    assert "Draft: only staff can see this case." in body


def test_an_image_under_another_case_address_is_a_404(client):
    image = ready(first_image(make_case()))
    other = make_case()
    assert client.get(viewer_url(image, other)).status_code == 404


def test_viewer_lists_the_other_panels_of_the_case_readers_may_see(client):
    case = make_case(images=3)
    images = list(Image.objects.filter(study__case=case).order_by("order"))
    ready(images[0])
    ready(images[1])  # images[2] has no pixels: a reader is not offered it
    body = client.get(viewer_url(images[0])).content.decode()
    assert viewer_url(images[1]) in body
    assert viewer_url(images[2]) not in body
    assert f'href="{viewer_url(images[0])}" aria-current="page"' in body


def test_viewer_query_count_is_fixed(client, django_assert_num_queries):
    case = make_case(studies=2, images=4)
    for image in Image.objects.filter(study__case=case):
        ready(image, annotations=[ARROW, ARROW])
    ready(first_image(make_case(images=3)))
    url = viewer_url(first_image(case))
    # 1 the image with its study and case, 2 the case's images for the panel strip.
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(response.context["panels"]) == 8


# -- figures on the case page ---------------------------------------------------------------------


def test_a_ready_figure_is_a_lazy_responsive_picture_linking_to_the_viewer(client):
    case = make_case()
    image = ready(first_image(case))
    body = client.get(case.get_absolute_url(), {"stage": "images"}).content.decode()
    assert f'href="{viewer_url(image)}"' in body
    assert (
        f'srcset="/img/{image.key}/0/thumb.webp 320w, /img/{image.key}/0/display.webp 512w"' in body
    )
    assert 'loading="lazy" decoding="async" width="512" height="256" alt="Alt."' in body
    assert "5 frames" in body


def test_a_synthetic_figure_is_labelled_on_the_picture(client):
    case = make_case()
    ready(first_image(case), is_synthetic=True)
    body = client.get(case.get_absolute_url(), {"stage": "images"}).content.decode()
    assert '<span class="figure__synthetic">Synthetic illustration</span>' in body


def test_readers_see_a_placeholder_for_an_image_held_for_review(client):
    case = make_case()
    ready(first_image(case), pixels=Image.Pixels.HELD, pixels_reason="burned-in text")
    body = client.get(case.get_absolute_url(), {"stage": "images"}).content.decode()
    assert "Image not yet available" in body
    assert "burned-in text" not in body
    assert "/img/" not in body


def test_staff_see_the_status_and_reason_of_an_image_not_ready(client, editor):
    case = make_case()
    ready(first_image(case), pixels=Image.Pixels.PROCESSING, progress=40)
    client.force_login(editor)
    body = client.get(case.get_absolute_url(), {"stage": "images"}).content.decode()
    assert "Processing (40%)" in body


# -- thumbnails on case cards ----------------------------------------------------------------------


def test_a_case_card_shows_the_first_ready_image_with_its_alt_text(client):
    case = make_case(images=2)
    images = list(Image.objects.filter(study__case=case).order_by("order"))
    ready(images[1], alt_text_en="Second panel.")
    body = client.get(reverse("cases:list")).content.decode()
    assert f'<img src="/img/{images[1].key}/0/thumb.webp" alt="Second panel."' in body


def test_a_case_card_without_ready_images_keeps_the_modality_placeholder(client):
    make_case()
    body = client.get(reverse("cases:list")).content.decode()
    assert '<div class="case-card__thumb" aria-hidden="true"><span>CT</span></div>' in body
    assert "/img/" not in body


def test_card_alt_text_is_spanish_on_spanish_pages_and_falls_back_to_english(client):
    first = make_case(presentation_en="first")
    second = make_case(presentation_en="second")
    ready(first_image(first), alt_text_en="Forearm.", alt_text_es="Antebrazo.")
    ready(first_image(second), alt_text_en="Only English.", alt_text_es="")
    body = client.get("/es/cases/").content.decode()
    assert 'alt="Antebrazo."' in body
    assert 'alt="Only English."' in body
