"""Builders shared by the cases tests."""

import io


def study_form(study, files, images=()) -> dict:
    """The study change form as the browser posts it: `files` as (name, bytes) to add, and
    the inline rows of `images` as they stand."""
    uploads = []
    for name, data in files:
        handle = io.BytesIO(data)
        handle.name = name
        uploads.append(handle)
    data = {
        "case": study.case_id,
        "order": study.order,
        "modality": study.modality,
        "description_en": "CT",
        "description_es": "TC",
        "images-TOTAL_FORMS": len(images),
        "images-INITIAL_FORMS": len(images),
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
        "upload_images": uploads,
    }
    for n, image in enumerate(images):
        prefix = f"images-{n}-"
        data.update(
            {
                prefix + "id": image.pk,
                prefix + "study": study.pk,
                prefix + "order": image.order,
                prefix + "panel": image.panel,
                prefix + "caption_en": image.caption_en,
                prefix + "caption_es": image.caption_es or "",
                prefix + "alt_text_en": image.alt_text_en,
                prefix + "alt_text_es": image.alt_text_es or "",
            }
        )
    return data
