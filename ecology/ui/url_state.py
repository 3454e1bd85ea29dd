"""The query string a page's settings stand for now, read from the settings themselves.

A setting bound to the URL (``bind="query-params"``) is written to the address bar by the
browser when the user changes it, but the rerun that change starts can carry the address from
before the change: Streamlit's frontend reads its query string from React state that is updated
after the rerun is sent. ``st.query_params`` is then one change behind for that whole run. A link
made from the bound widgets' own values does not depend on that ordering.

This reads Streamlit's binding registry, which is not public API (streamlit is pinned in
pyproject.toml); if its shape changes, ``current_params`` falls back to ``st.query_params``.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state.query_params import _coerce_value_for_query_url

_LOG = logging.getLogger(__name__)

ParamValue = str | list[str]


def _bound_values() -> dict[str, ParamValue | None]:
    """Return each bound setting's key and its value as Streamlit writes it into the URL, or
    None for a setting at its default (Streamlit leaves those out of the address)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return {}
    safe_state = ctx.session_state
    state = safe_state._state
    with safe_state.query_params() as params:
        bindings = dict(params._bindings_by_param)
    values: dict[str, ParamValue | None] = {}
    for key, binding in bindings.items():
        metadata = state._new_widget_state.widget_metadata.get(binding.widget_id)
        if metadata is None or binding.widget_id not in state:
            continue  # bound on an earlier run, not drawn on this one
        value = state[binding.widget_id]
        if value == metadata.deserializer(None):
            values[key] = None
        else:
            values[key] = _coerce_value_for_query_url(metadata.serializer(value), metadata.value_type)
    return values


def current_params() -> dict[str, ParamValue]:
    """Return the page's query parameters as they stand at this point of the run: those in
    ``st.query_params``, with every bound setting made so far at its own current value."""
    params: dict[str, ParamValue] = {}
    for key in st.query_params:
        values = st.query_params.get_all(key)
        params[key] = values[-1] if len(values) == 1 else values
    try:
        bound = _bound_values()
    except Exception:  # noqa: BLE001 - a changed internal must not break the page, only this refinement
        _LOG.warning("bound settings not read; the share link uses st.query_params", exc_info=True)
        return params
    for key, value in bound.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params
