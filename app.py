"""Dasbor zonasi KDKMP: the entry point only sets the page up and routes."""

from pathlib import Path

import streamlit as st

from kdkmp import ui

HALAMAN = Path(__file__).parent / "pages"

st.set_page_config(page_title="Dasbor Zonasi KDKMP", page_icon=":material/storefront:", layout="wide")
ui.siapkan_basis_data()

st.navigation([
    st.Page(HALAMAN / "ringkasan.py", title="Ringkasan nasional", icon=":material/dashboard:", default=True),
]).run()
