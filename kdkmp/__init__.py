"""KDKMP zoning dashboard: domain package (importable without Streamlit)."""
