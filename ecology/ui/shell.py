"""The page shell every page calls first: page config, navigation, shared sidebar.

The place and theme pickers are bound to the URL (``?place=…&theme=…``), so a
copied link reopens the same view and the choice follows the user between pages.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st

from ecology import links, settings, taxonomy, text
from ecology.maps import leaflet
from ecology.places import geography
from ecology.register import store
from ecology.sources import catalogue
from ecology.site import APP_NAME, PAGES, PageInfo
from ecology.ui import loaders, url_state

ALL_THEMES = "all"
_LOG = logging.getLogger(__name__)
# Set by the test suite, so a page test or browser test sees a page's exception as Streamlit shows it.
RAISE_ENV = "ECOLOGY_RAISE_PAGE_ERRORS"


@dataclass(frozen=True)
class PageContext:
    tree: geography.PlaceTree
    place_code: str
    theme: str  # a health_focus term id, or ALL_THEMES
    page: PageInfo | None = None
    # The sidebar container the share block is drawn into once the page's own widgets exist.
    share_slot: Any = field(default=None, compare=False, repr=False)

    @property
    def place_label(self) -> str:
        return self.tree.label(self.place_code)

    @property
    def theme_label(self) -> str:
        return "All themes" if self.theme == ALL_THEMES else taxonomy.label_of("health_focus", self.theme)


def _page(file: str) -> PageInfo:
    return next(p for p in PAGES if p.file == file)


def link_params(context: PageContext) -> dict[str, str] | None:
    """Return the query parameters that carry place and theme to another page (None if defaults)."""
    # Carried explicitly, so links work whatever Streamlit does with bound
    # parameters on a page switch.
    return links.view_params(context.place_label, context.theme_label) or None


def _navigation(context: PageContext) -> None:
    for page in PAGES:
        st.page_link(page.file, label=page.title, icon=page.icon, query_params=link_params(context))


def setup(file: str) -> PageContext:
    """Configure the page, draw navigation and the sidebar, and return the choices.

    ``file`` is the page's path relative to the project root (e.g. "pages/1_Assets.py").
    Stops the page with a clear message when the data build is missing.
    """
    page = _page(file)
    st.set_page_config(page_title=f"{page.title} · {APP_NAME}", page_icon="🎨",
                       layout="wide", initial_sidebar_state="auto")
    leaflet.use_local_assets()
    try:
        tree = loaders.place_tree()
    except geography.BuildMissing as error:
        st.error(f"The data has not been built yet. {error}")
        st.stop()

    with st.sidebar:
        st.markdown(f"**{APP_NAME}**")
        navigation = st.container()
        st.divider()
        place_code = st.selectbox(
            "Place", tree.places.index.tolist(), format_func=tree.label, key="place",
            bind="query-params",
            help="England, an NHS region, an integrated care board or a local authority. Type to search.",
        )
        theme_ids = [ALL_THEMES] + [term.id for term in taxonomy.terms("health_focus")]
        theme = st.selectbox(
            "Theme", theme_ids, key="theme", bind="query-params",
            format_func=lambda t: "All themes" if t == ALL_THEMES else taxonomy.label_of("health_focus", t),
            help="A health focus. Pages that list assets or gaps narrow to it.",
        )
        # Here, not with the link: a style-only block goes to the page's event container, and made at
        # the end of the run it would take the place of a toast raised just before a rerun.
        st.html("<style>.st-key-share-link a{word-break:break-all}</style>")
        share_slot = st.container()
    context = PageContext(tree, place_code or geography.ENGLAND_CODE, theme or ALL_THEMES, page, share_slot)
    with navigation:
        _navigation(context)
    return context


@contextlib.contextmanager
def page_body(context: PageContext):
    """Run a page's body with its errors reported (``errors_reported``), then draw the sidebar's
    share block. The block comes last because its link is read from the page's URL-bound
    settings (``url_state``), and a setting's binding and value for this run exist only once its
    widget has been made."""
    with errors_reported():
        yield
    if context.share_slot is not None and context.page is not None:
        with context.share_slot:
            share_panel(context, context.page)


def _origin() -> str:
    """Return scheme://host:port of the app as the browser sees it (the configured default outside one)."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else links.public_base()


def current_link(page: PageInfo) -> str:
    """Return the link that reopens this page as it is now: place, theme and every page setting in the URL."""
    address = _origin() + "/" + page.url_path
    query = urlencode(url_state.current_params(), doseq=True)
    return address + ("?" + query if query else "")


def share_panel(context: PageContext, page: PageInfo) -> None:
    """Draw the sidebar's "share" block: the link to this view (to copy) and the place
    briefing as HTML or PDF, made on the click."""
    st.divider()
    st.markdown("**Share this view**")
    # A plain link, not st.code: its copy button made every page fetch a 1.5 MB syntax highlighter.
    shared = current_link(page)
    with st.container(key="share-link"):
        st.markdown(f"[{text.escape_markdown(shared)}]({shared})")
    st.caption("Copy this link (right-click it, or press and hold on a phone): it opens this page with the same "
               "place, theme and settings.")
    theme = None if context.theme == ALL_THEMES else context.theme
    stem = f"briefing-{context.place_code}" + (f"-{theme}" if theme else "")
    link = shared  # made now: inside the deferred download, the browser's address is not known
    st.download_button("Place briefing (HTML)", width="stretch", icon=":material/description:", key="briefing-html",
                       data=lambda: _briefing_download(context, theme, link, "html"),
                         file_name=f"{stem}.html", mime="text/html", on_click="ignore",
                         help=f"{context.place_label}, {context.theme_label}: figures, map, comparisons, maturity "
                              "evidence, gaps and assets in one file that works offline.")
    st.download_button("Place briefing (PDF)", width="stretch", icon=":material/picture_as_pdf:", key="briefing-pdf",
                          data=lambda: _briefing_download(context, theme, link, "pdf"),
                          file_name=f"{stem}.pdf", mime="application/pdf", on_click="ignore",
                          help="The same briefing, printed to A4.")


def _briefing_download(context: PageContext, theme: str | None, link: str, fmt: str) -> bytes:
    """Return the briefing made on the click; with the register out of reach, a one-page note that
    says so (a deferred download cannot show a message on the page)."""
    try:
        return loaders.briefing_file(context.place_code, theme, link, fmt)
    except Exception as error:
        if not store.unavailable(error):
            raise
        _LOG.warning("briefing not made, register unavailable: %s", " ".join(str(error).split())[:300])
        from ecology.reports import briefing

        note = briefing.unavailable_html(context.place_label, link)
        return briefing.to_pdf(note) if fmt == "pdf" else note.encode("utf-8")


def attribution(dataset_ids: list[str]) -> None:
    """Show the attribution and vintage of each dataset a page uses."""
    manifest = {item.id: item for item in catalogue.load_manifest()}
    lines = [f"**{manifest[i].title}** ({manifest[i].vintage}). {manifest[i].attribution} Licence: "
             f"{manifest[i].licence}." for i in dataset_ids]
    st.divider()
    st.caption("Data used on this page:  \n" + "  \n".join(lines))


@contextlib.contextmanager
def errors_reported():
    """Run a page's body; an error in it is logged in full under a short id and the viewer sees
    only that it happened and the id to quote (never a traceback). A register that cannot be
    reached (its server gone, the file locked or full) or opened (another schema) is not a bug:
    the viewer is told so in plain words, and the next rerun tries again. Streamlit's own stop and
    rerun signals are not errors and pass through."""
    try:
        yield
    except store.UnknownSchema as error:  # a newer or foreign database: nothing in it was touched
        _LOG.error("register not opened: %s", error)
        st.error(f"The register could not be opened. {error}", icon=":material/database:")
    except Exception as error:  # st.stop() and st.rerun() raise BaseExceptions, so they are not caught here
        error_id = uuid.uuid4().hex[:8]
        if store.unavailable(error):
            _LOG.warning("register unavailable (%s): %s", error_id, " ".join(str(error).split())[:300])
            register_unavailable(error_id)
            return
        if settings.current().raise_page_errors:  # the test suite wants the exception itself
            raise
        _LOG.exception("page error %s", error_id)
        st.error(f"Something went wrong on this page, and it has been logged as error **{error_id}**. "
                 "Try again, or choose another place or setting; if it happens again, quote that id to "
                 "whoever runs this app.", icon=":material/error:")


def register_unavailable(error_id: str) -> None:
    """Say that the register cannot be reached just now, that nothing was lost, and offer a retry."""
    st.error("The register's database cannot be reached just now (its server is down or restarting, or the "
             "file is busy), so this page cannot show its records. Nothing was changed or lost: anything "
             "being saved was rolled back. The page tries again at your next click, or press Try again. "
             f"If it lasts, quote **{error_id}** to whoever runs this app.", icon=":material/cloud_off:")
    st.button("Try again", key="register-retry", icon=":material/refresh:")
