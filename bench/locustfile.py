"""Residents browsing the atlas while authors upload images and save cases; run by load_test.py.

Readers walk the site as a resident does, following the links and facets each page shows, in
English or Spanish. Authors log in to the admin, add a synthetic 512x512 CT slice to a study
and resave a case with its own values, posting the change forms back as a browser would.
Request names are page kinds, so the report groups by kind and not by URL.

Every request carries X-Forwarded-Proto: https, as the TLS-terminating proxy in front of
gunicorn sends it; the authors send back the Secure session and CSRF cookies themselves,
because requests (rightly) keeps Secure cookies for https URLs and ours are plain http.
"""

import io
import json
import os
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import numpy as np
import pydicom
from load_test import READER_PAGES
from locust import HttpUser, between, events, task
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

LANGUAGES = ("en", "es")
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
WAIT_MIN = float(os.environ.get("LOAD_WAIT_MIN", "1"))
WAIT_MAX = float(os.environ.get("LOAD_WAIT_MAX", "5"))


# locust puts this file's folder on sys.path, so the runner's list of page kinds is shared.
READER_NAMES = set(READER_PAGES)
_reader_times: list[float] = []


@events.request.add_listener
def _record_reader_time(name: str, response_time: float, **kwargs) -> None:
    # locust keeps percentiles per name only; the reader target is over all reader pages.
    if name in READER_NAMES:
        _reader_times.append(response_time)


@events.quitting.add_listener
def _write_reader_times(environment, **kwargs) -> None:
    path = os.environ.get("LOAD_READER_TIMES")
    if path:
        with open(path, "w") as handle:
            json.dump(_reader_times, handle)


class Page(HTMLParser):
    """The links and forms of one page, with the fields a browser would submit."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.forms: list[dict] = []
        self._link: list | None = None
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: list | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value"), "selected" in a))
        elif tag == "a" and "href" in a:
            self._link = [a["href"], ""]
        elif tag == "form":
            self._form = {"attrs": a, "fields": [], "radios": [], "submits": []}
            self.forms.append(self._form)
        elif self._form is None or "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "submit":
                self._form["submits"].append(a["name"])
            elif kind == "radio":
                self._form["radios"].append((a["name"], a.get("value", "on"), "checked" in a))
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind == "checkbox":
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "button", "reset", "image"):
                self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[1] += data
        if self._textarea is not None:
            self._textarea[1] += data
        if self._select is not None and self._select["options"]:
            value, selected = self._select["options"][-1]
            if value is None:  # an <option> without value submits its text
                self._select["options"][-1] = (data.strip(), selected)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            # Browsers drop the newline that follows <textarea>, as Django's widget writes one.
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            options = self._select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and not self._select["multiple"] and options:
                chosen = [options[0][0]]
            self._form["fields"].extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._form = None

    def hrefs(self, pattern: str) -> list[str]:
        return sorted({href for href, _ in self.links if re.fullmatch(pattern, href)})

    def form(self, **attrs: str) -> dict | None:
        for form in self.forms:
            if all(form["attrs"].get(key) == value for key, value in attrs.items()):
                return form
        return None


class Reader(HttpUser):
    """A resident: home, cases (sometimes filtered), a case and its answer, glossary, wizard."""

    weight = 1
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        self.client.headers.update(PROXY_HEADERS)

    @task
    def browse(self) -> None:
        lang = random.choice(LANGUAGES)
        home = self._get(f"/{lang}/", "home")
        if home is None:
            return
        self.wait()
        cases = self._get(f"/{lang}/cases/", "case list")
        if cases is None:
            return
        case_pattern = rf"/{lang}/cases/[\w-]+/"
        case_links = cases.hrefs(case_pattern)
        filters = cases.form(id="filters")
        if filters and random.random() < 0.5:
            facets = [(name, value) for name, value, _ in filters["radios"] if value]
            chosen = dict(random.sample(facets, k=min(len(facets), random.choice((1, 2)))))
            self.wait()
            filtered = self._get(f"/{lang}/cases/?{urlencode(chosen)}", "case list, filtered")
            if filtered is not None and filtered.hrefs(case_pattern):
                case_links = filtered.hrefs(case_pattern)
        if case_links:
            case_url = random.choice(case_links)
            self.wait()
            self._get(case_url, "case page")
            self.wait()
            self._get(f"{case_url}?reveal=1", "case page, revealed")
        self.wait()
        glossary = self._get(f"/{lang}/glossary/", "glossary")
        words = []
        if glossary is not None:
            entities = [
                href
                for href in glossary.hrefs(rf"/{lang}/glossary/[\w-]+/")
                if not href.endswith("/classification/")
            ]
            words = [
                word
                for href, text in glossary.links
                if href in entities
                for word in re.findall(r"\w{5,}", text)
            ]
            if entities:
                self.wait()
                self._get(random.choice(entities), "entity page")
        self._wizard(lang)
        if words:
            self.wait()
            self._get(f"/{lang}/search/?{urlencode({'q': random.choice(words).lower()})}", "search")

    def _wizard(self, lang: str) -> None:
        """Two to four steps of the wizard, answering one to three questions on each."""
        answers: list[str] = []
        url = f"/{lang}/wizard/"
        for _ in range(random.randint(2, 4)):
            self.wait()
            page = self._get(url, "wizard step")
            form = page.form(id="wizard-form") if page is not None else None
            if form is None:
                return
            options = [
                value for name, value, _ in form["radios"] if name.startswith("q-") and value
            ]
            answers += random.sample(options, k=min(len(options), random.randint(1, 3)))
            steps = [
                href.split("step=")[1] for href in page.hrefs(rf"/{lang}/wizard/\?step=[\w-]+")
            ]
            query = [("f", code) for code in dict.fromkeys(answers)]
            if steps:
                query.append(("step", random.choice(steps)))
            url = f"/{lang}/wizard/?{urlencode(query)}"

    def _get(self, url: str, name: str) -> Page | None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {urlsplit(url).path}")
                return None
            return Page(response.text)


class Author(HttpUser):
    """An author in the admin: adds a DICOM slice to a study, resaves a case unchanged."""

    weight = 0
    fixed_count = int(os.environ.get("LOAD_AUTHORS", "0"))
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        self.client.headers.update(PROXY_HEADERS)
        self.origin = "https://" + urlsplit(self.host).netloc
        self.study_ids: list[str] = []
        self.case_ids: list[str] = []
        self._log_in()

    @task(3)
    def upload(self) -> None:
        if not self.study_ids:
            self.study_ids = self._ids("/en/admin/cases/study/", "study")
        if not self.study_ids:
            return
        url = f"/en/admin/cases/study/{random.choice(self.study_ids)}/change/"
        form = self._change_form(url, "study change page")
        if form is None:
            return
        self.wait()
        name = f"load-{generate_uid().rsplit('.', 1)[-1]}.dcm"
        files = {"upload_images": (name, ct_slice(), "application/dicom")}
        self._save(url, form, "upload", files=files)

    @task(1)
    def save(self) -> None:
        if not self.case_ids:
            self.case_ids = self._ids("/en/admin/cases/case/", "case")
        if not self.case_ids:
            return
        url = f"/en/admin/cases/case/{random.choice(self.case_ids)}/change/"
        form = self._change_form(url, "case change page")
        if form is None:
            return
        self.wait()
        self._save(url, form, "save")

    def _log_in(self) -> None:
        url = "/en/admin/login/"
        with self.client.get(url, name="admin login page", catch_response=True) as response:
            form = Page(response.text).form(id="login-form")
            if response.status_code != 200 or form is None:
                response.failure(f"login page: HTTP {response.status_code}, form missing")
                return
        data = dict(form["fields"])
        data["username"] = os.environ["LOAD_AUTHOR_USERNAME"]
        data["password"] = os.environ["LOAD_AUTHOR_PASSWORD"]
        with self.client.post(
            url,
            data=data,
            headers=self._browser_headers(url),
            name="admin login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"login refused: HTTP {response.status_code}{_why(response)}")

    def _ids(self, changelist: str, name: str) -> list[str]:
        with self.client.get(
            changelist,
            headers=self._browser_headers(),
            name="admin changelist",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return []
            links = Page(response.text).hrefs(rf"{changelist}(\d+)/change/(\?.*)?")
        return sorted({re.search(r"/(\d+)/change/", href).group(1) for href in links})

    def _change_form(self, url: str, name: str) -> dict | None:
        with self.client.get(
            url,
            headers=self._browser_headers(),
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/login/" in response.headers.get("Location", ""):
                response.failure("sent to the login page: the session was not kept")
                self._log_in()
                return None
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            page = Page(response.text)
            form = next(
                (
                    f
                    for f in page.forms
                    if f["attrs"].get("method", "").lower() == "post"
                    and f["attrs"].get("id", "").endswith("_form")
                ),
                None,
            )
            if form is None:
                response.failure("no change form on the page")
            return form

    def _save(self, url: str, form: dict, name: str, files: dict | None = None) -> None:
        data = [*form["fields"], ("_save", "Save")]
        with self.client.post(
            url,
            data=data,
            files=files,
            headers=self._browser_headers(url),
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/login/" in location:
                response.failure(f"not saved: HTTP {response.status_code}{_why(response)}")

    def _browser_headers(self, referer_path: str | None = None) -> dict:
        """What a browser on the https site sends: its Secure cookies, Origin and Referer."""
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        headers = {"Cookie": cookies} if cookies else {}
        if referer_path is not None:
            headers["Origin"] = self.origin
            headers["Referer"] = urljoin(self.origin, referer_path)
        return headers


def _why(response) -> str:
    """The admin's error note and field errors, or the start of the body."""
    text = response.text or ""
    found = re.findall(
        r'class="errornote">(.*?)</p>|<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', text, re.S
    )
    if found:
        reasons = [re.sub(r"<[^>]+>", " ", a or b) for a, b in found]
        return ": " + " | ".join(" ".join(reason.split()) for reason in reasons)[:300]
    if response.status_code >= 400 or response.status_code == 200:
        return ": " + " ".join(re.sub(r"<[^>]+>", " ", text).split())[:200]
    return ""


_PIXELS = ((np.arange(512 * 512, dtype=np.int32).reshape(512, 512) % 2000) - 1000).astype(np.int16)


def ct_slice() -> bytes:
    """A 512x512 axial CT slice as a Part 10 file, with new UIDs and noise so each is unique."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.FrameOfReferenceUID = generate_uid()
    ds.Modality = "CT"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.PatientName = "Load^Test"
    ds.PatientID = "LOAD-0001"
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = "20200101"
    ds.StudyTime = ds.ContentTime = "120000"
    ds.SeriesNumber, ds.InstanceNumber = "1", "1"
    ds.ImagePositionPatient = [0, 0, 0]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [0.7, 0.7]
    ds.SliceThickness = "1"
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = "0", "1", "HU"
    ds.WindowCenter, ds.WindowWidth = "40", "400"
    pixels = _PIXELS + np.random.randint(0, 20, _PIXELS.shape, dtype=np.int16)
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 1
    ds.PixelData = pixels.tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    buffer = io.BytesIO()
    pydicom.dcmwrite(buffer, ds, enforce_file_format=True)
    return buffer.getvalue()
