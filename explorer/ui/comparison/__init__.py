"""The comparison room: the treatment catalog, the side-by-side table and its cells, the
detail dialog, references and glossary words."""
