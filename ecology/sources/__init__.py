"""The build: the real-data manifest, one module per build target, venues and generated samples."""
