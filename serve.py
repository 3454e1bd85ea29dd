"""The app served with compression, preload hints and a warm start: ``streamlit run serve.py`` (what
``make run`` does).

It serves ``app.py`` and ``pages/`` exactly as ``streamlit run app.py`` would, plus what
``ecology/ui/serving.py`` and ``ecology/ui/preload.py`` add: static files compressed once and kept,
the root page naming the scripts every page needs so the browser fetches them early, and the
imports and data of the Overview warmed in the background from the moment the server starts.
"""

import streamlit as st
from starlette.middleware import Middleware

from ecology.ui import preload, serving

# The first middleware is the outermost: the hints are added before the page is compressed.
app = st.App("app.py", lifespan=serving.lifespan,
             middleware=[Middleware(serving.CompressOnce), Middleware(preload.PreloadHints)])
