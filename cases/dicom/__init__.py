"""The DICOM pipeline: safe reading, de-identification, rendering and derivatives.

Pure functions over bytes, pydicom datasets and numpy arrays; nothing here touches the ORM,
so every step can be tested directly.
"""
