-- Leases for work one process at a time does (the relay's outbox:<subscriber>), with fencing
-- tokens. A row is never deleted: a released or expired lease keeps its last token, so the next
-- one is greater. Names are compared byte for byte (VARBINARY: no PAD SPACE collisions).
CREATE TABLE leases (
  name              VARBINARY(256) NOT NULL,
  holder            VARCHAR(128) NOT NULL,
  token             BIGINT       NOT NULL,
  -- UTC, from the server's UTC_TIMESTAMP(6): durations are measured by the database, never by a caller.
  expires_at        DATETIME(6)  NOT NULL,
  PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
