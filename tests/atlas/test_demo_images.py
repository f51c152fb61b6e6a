"""The committed demo images: what generate_images.py writes, at sizes that project well."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "calcifications"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_images", FOLDER / "generate_images.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _generator()
PICTURES = {picture.name: picture for picture in generator.PICTURES}
COMMITTED = sorted((FOLDER / "images").glob("*/*.dcm"))

# One picture of each kind the generator draws: a slice of every modality, the non-square
# radiograph, a sonogram whose shadows depend on the scale, and the two colour pictures.
ONE_OF_EACH = [
    "tophaceous-gout-forearm/2-a",  # CT
    "tumoral-calcinosis-elbow/1-d",  # MR
    "calciphylaxis-lupus/1-1",  # CR, 1280x1024
    "chronic-venous-thrombosis-ankle/2-1",  # XA
    "myositis-ossificans-haemophilia/4-1",  # US with acoustic shadows
    "tophaceous-gout-forearm/1-2",  # colour Doppler
    "tophaceous-gout-forearm/2-e",  # volume rendering
]


@pytest.mark.parametrize("name", ONE_OF_EACH)
def test_the_generator_writes_the_committed_bytes_again(name):
    picture = PICTURES[name]
    committed = (FOLDER / "images" / picture.case.slug / picture.filename).read_bytes()
    assert generator.written(generator.finished(picture)) == committed


@pytest.mark.parametrize("name", ["tophaceous-gout-forearm/2-a", "tophaceous-gout-forearm/1-2"])
def test_the_committed_file_keeps_every_drawn_pixel(name, tmp_path):
    picture = PICTURES[name]
    drawn = generator.finished(picture).pixel_array
    path = tmp_path / "picture.dcm"
    path.write_bytes(generator.written(generator.finished(picture)))
    assert np.array_equal(dcmread(path).pixel_array, drawn)


def test_every_demo_image_is_large_enough_to_project():
    sizes = {}
    for path in COMMITTED:
        ds = dcmread(path, stop_before_pixels=True)
        sizes[f"{path.parent.name}/{path.name}"] = (ds.Modality, ds.Rows, ds.Columns)
    assert len(sizes) == 37
    for name, (modality, rows, columns) in sizes.items():
        if modality in ("CT", "MR"):
            assert (rows, columns) == (512, 512), name
        else:  # radiographs, the phlebography and the sonograms
            assert max(rows, columns) >= 1024, name


def test_every_demo_image_says_it_is_a_synthetic_illustration():
    for path in COMMITTED:
        ds = dcmread(path, stop_before_pixels=True)
        assert ds.PatientName == "SYNTHETIC^ILLUSTRATION", path
        assert ds.ImageComments == "Synthetic illustration, not patient data", path
        assert ds.BurnedInAnnotation == "NO", path


def test_pixel_spacing_follows_the_scale_so_the_field_of_view_is_unchanged():
    # The gout slices were drawn 0.5 mm per unit of the 256-unit layout: 128 mm across.
    ds = dcmread(FOLDER / "images/tophaceous-gout-forearm/2-a.dcm", stop_before_pixels=True)
    assert ds.Columns * float(ds.PixelSpacing[1]) == pytest.approx(128)
    radiograph = dcmread(
        FOLDER / "images/tumoral-calcinosis-elbow/2-1.dcm", stop_before_pixels=True
    )
    assert radiograph.Columns * float(radiograph.ImagerPixelSpacing[1]) == pytest.approx(153.6)
