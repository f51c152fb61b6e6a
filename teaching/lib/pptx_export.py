"""A slide deck as PowerPoint bytes, from plain data: no database, no request.

Each slide is a Slide: a title, lines of text, optional PNG bytes with a caption, and
presenter notes. The deck is 16:9; an image takes the largest size that fits under the title.

The deck is in one language, the reader's: every run of text is marked with it, so PowerPoint
checks the spelling in that language, and python-pptx's own words are left out (its template
names an author and says "generated using python-pptx"; an empty placeholder shows "Click to
add subtitle" while the deck is edited).
"""

import io
from dataclasses import dataclass, field

from PIL import Image as PILImage
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.util import Emu, Inches, Pt

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TITLE_HEIGHT = Inches(1.1)
CAPTION_HEIGHT = Inches(0.6)
# The site's languages as PowerPoint names them; the atlas writes British English.
LANGUAGE_IDS = {"en": MSO_LANGUAGE_ID.ENGLISH_UK, "es": MSO_LANGUAGE_ID.SPANISH_MODERN_SORT}


@dataclass
class Slide:
    title: str
    lines: list[str] = field(default_factory=list)
    image: bytes | None = None  # PNG
    caption: str = ""
    notes: str = ""
    section: bool = False  # a title or section slide: big centred title


def deck_bytes(slides: list[Slide], *, title: str = "", language: str = "en") -> bytes:
    """The .pptx file of `slides`, in order, its text in `language` (a site language code)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    properties = deck.core_properties
    properties.title, properties.language = title, LANGUAGE_IDS[language].xml_value
    properties.author = properties.last_modified_by = properties.comments = ""
    for slide in slides:
        _add(deck, slide)
    for page in deck.slides:
        _mark_language(page, LANGUAGE_IDS[language])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _mark_language(page, language_id) -> None:
    frames = [shape.text_frame for shape in page.shapes if shape.has_text_frame]
    if page.has_notes_slide:
        frames.append(page.notes_slide.notes_text_frame)
    for frame in frames:
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.language_id = language_id


def _add(deck, slide: Slide) -> None:
    layout = deck.slide_layouts[0 if slide.section else 5]  # "Title Slide", "Title Only"
    page = deck.slides.add_slide(layout)
    page.shapes.title.text = slide.title
    if slide.section:
        subtitle = page.placeholders[1]
        text = "\n".join(line for line in slide.lines if line)
        if text:
            subtitle.text = text
        else:
            subtitle.element.getparent().remove(subtitle.element)
    else:
        page.shapes.title.left, page.shapes.title.top = MARGIN, Inches(0.2)
        page.shapes.title.width, page.shapes.title.height = WIDTH - 2 * MARGIN, TITLE_HEIGHT
        if slide.image:
            _picture(page, slide)
        elif slide.lines:
            _text(
                page,
                slide.lines,
                top=TITLE_HEIGHT + Inches(0.3),
                height=HEIGHT - TITLE_HEIGHT - Inches(0.8),
            )
    if slide.notes:
        page.notes_slide.notes_text_frame.text = slide.notes


def _text(page, lines: list[str], *, top, height, size: int = 24) -> None:
    box = page.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.color.rgb = RGBColor(0x20, 0x20, 0x20)


def _picture(page, slide: Slide) -> None:
    with PILImage.open(io.BytesIO(slide.image)) as picture:
        width, height = picture.size
    top = TITLE_HEIGHT + Inches(0.2)
    room_w = WIDTH - 2 * MARGIN
    room_h = HEIGHT - top - CAPTION_HEIGHT - Inches(0.2)
    scale = min(room_w / width, room_h / height)
    shown_w, shown_h = int(width * scale), int(height * scale)
    left = int((WIDTH - shown_w) / 2)
    page.shapes.add_picture(
        io.BytesIO(slide.image), Emu(left), Emu(top), Emu(shown_w), Emu(shown_h)
    )
    if slide.caption:
        _text(
            page, [slide.caption], top=top + shown_h + Inches(0.1), height=CAPTION_HEIGHT, size=18
        )


def png_of(data: bytes) -> bytes:
    """Any image Pillow reads (the atlas's WebP renditions) as PNG, which PowerPoint shows."""
    with PILImage.open(io.BytesIO(data)) as picture:
        out = io.BytesIO()
        picture.convert("RGB" if picture.mode not in ("L", "RGB") else picture.mode).save(
            out, "PNG"
        )
    return out.getvalue()
