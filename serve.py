"""The app served with compression and a warm start: ``streamlit run serve.py`` (what ``make run`` does).

It serves ``app.py`` and ``pages/`` exactly as ``streamlit run app.py`` would, plus what
``ecology/ui/serving.py`` adds: static files compressed once and kept, and the imports and data of
the Overview warmed in the background from the moment the server starts.
"""

import streamlit as st
from starlette.middleware import Middleware

from ecology.ui import serving

app = st.App("app.py", lifespan=serving.lifespan, middleware=[Middleware(serving.CompressOnce)])
