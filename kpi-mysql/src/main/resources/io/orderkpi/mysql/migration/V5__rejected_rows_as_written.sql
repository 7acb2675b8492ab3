-- Rejected rows as they were in the file (SPEC §3): the report a user fixes and imports again is
-- the file's header and each rejected record, with line and reason appended. Both are kept as one
-- RFC 4180 record (io.orderkpi.core.imports.CsvLine); '' when not known (a row over the 64 KiB
-- limit, which is not kept), NULL in runs and rows stored before this version.
ALTER TABLE imports
  ADD COLUMN header_csv MEDIUMTEXT NULL;

ALTER TABLE import_rejected_rows
  ADD COLUMN row_csv MEDIUMTEXT NULL;
