-- The record store (docs/mysql.md). Runs on MySQL 8.0 and MariaDB 10.11 alike.
-- Money is BIGINT cents; text is utf8mb4 with a binary collation (stored and compared verbatim);
-- instants are DATETIME(6) written and read as UTC by the store, so the session time zone never
-- applies (TIMESTAMP would convert through it). Unique business keys are VARBINARY holding the
-- UTF-8 bytes: both servers' binary collations pad with spaces, so 'A-1' and 'A-1 ' would collide
-- in a VARCHAR unique key; bytes compare exactly (64 characters take at most 256 bytes).

CREATE TABLE orders (
  id                BIGINT       NOT NULL AUTO_INCREMENT,
  order_number      VARBINARY(256) NOT NULL,
  customer_id       VARCHAR(64)  NOT NULL,
  customer_name     VARCHAR(255) NOT NULL,
  customer_email    VARCHAR(255) NOT NULL,
  status            VARCHAR(32)  NOT NULL,
  total_cents       BIGINT       NOT NULL,
  currency          CHAR(3)      NOT NULL,
  placed_at         DATETIME(6)  NOT NULL,
  reserved_at       DATETIME(6)  NULL,
  paid_at           DATETIME(6)  NULL,
  failed_at         DATETIME(6)  NULL,
  failure_reason    TEXT         NULL,
  payment_reference VARCHAR(255) NULL,
  -- Which import chunk stored the order (NULL when inserted one by one): provenance.
  import_id         VARCHAR(64)  NULL,
  import_chunk      BIGINT       NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_orders_order_number (order_number),
  KEY ix_orders_customer (customer_id, id),
  KEY ix_orders_status (status, id),
  KEY ix_orders_placed_at (placed_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE order_items (
  order_id          BIGINT       NOT NULL,
  line_no           INT          NOT NULL,
  product_id        VARCHAR(64)  NOT NULL,
  product_name      VARCHAR(255) NOT NULL,
  sku               VARCHAR(64)  NOT NULL,
  quantity          INT          NOT NULL,
  unit_price_cents  BIGINT       NOT NULL,
  PRIMARY KEY (order_id, line_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE imports (
  import_id         VARCHAR(64)  NOT NULL,
  -- Creation order, the tie-breaker of runs created in the same microsecond.
  insertion         BIGINT       NOT NULL AUTO_INCREMENT,
  source_name       TEXT         NOT NULL,
  sha256            CHAR(64)     NOT NULL,
  state             VARCHAR(16)  NOT NULL,
  dry_run           BOOLEAN      NOT NULL,
  process_orders    BOOLEAN      NOT NULL,
  chunk_size        INT          NOT NULL,
  started_at        DATETIME(6)  NOT NULL,
  rows_read         BIGINT       NOT NULL,
  imported          BIGINT       NOT NULL,
  skipped_existing  BIGINT       NOT NULL,
  rejected          BIGINT       NOT NULL,
  chunks_applied    BIGINT       NOT NULL,
  chunks_total      BIGINT       NOT NULL,
  source            TEXT         NULL,
  error             TEXT         NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  finished_at       DATETIME(6)  NULL,
  PRIMARY KEY (import_id),
  UNIQUE KEY uq_imports_insertion (insertion),
  KEY ix_imports_sha256 (sha256, created_at),
  KEY ix_imports_created (created_at, insertion),
  KEY ix_imports_state (state, created_at),
  KEY ix_imports_finished (finished_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE import_rejected_rows (
  import_id         VARCHAR(64)  NOT NULL,
  -- 0, 1, 2 ... in file order: rejectedRows(offset, limit) is a range of the primary key.
  row_no            BIGINT       NOT NULL,
  line              BIGINT       NOT NULL,
  order_number      TEXT         NOT NULL,
  reason            TEXT         NOT NULL,
  PRIMARY KEY (import_id, row_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE refunds (
  -- Insertion order: the keyset of list pages.
  refund_key        BIGINT       NOT NULL AUTO_INCREMENT,
  refund_id         VARBINARY(256) NOT NULL,
  order_id          BIGINT       NOT NULL,
  customer_id       VARCHAR(64)  NOT NULL,
  type              VARCHAR(16)  NOT NULL,
  amount_cents      BIGINT       NOT NULL,
  reason            TEXT         NULL,
  status            VARCHAR(16)  NOT NULL,
  failure_reason    TEXT         NULL,
  payment_reference TEXT         NULL,
  processed_at      DATETIME(6)  NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  PRIMARY KEY (refund_key),
  UNIQUE KEY uq_refunds_refund_id (refund_id),
  KEY ix_refunds_order (order_id, refund_key),
  KEY ix_refunds_customer (customer_id, refund_key),
  KEY ix_refunds_status (status, refund_key),
  KEY ix_refunds_processed (processed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE notifications (
  id                BIGINT       NOT NULL AUTO_INCREMENT,
  unique_key        VARBINARY(1024) NOT NULL,
  order_id          BIGINT       NOT NULL,
  refund_id         VARCHAR(64)  NULL,
  customer_id       VARCHAR(64)  NOT NULL,
  order_status      VARCHAR(32)  NOT NULL,
  total_cents       BIGINT       NOT NULL,
  type              VARCHAR(32)  NOT NULL,
  channel           VARCHAR(64)  NOT NULL,
  state             VARCHAR(16)  NOT NULL,
  message           TEXT         NOT NULL,
  error_message     TEXT         NULL,
  attempts          INT          NOT NULL,
  sent_at           DATETIME(6)  NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_notifications_key (unique_key),
  KEY ix_notifications_order (order_id, id),
  KEY ix_notifications_customer (customer_id, id),
  KEY ix_notifications_state (state, id),
  KEY ix_notifications_updated (updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE outbox_events (
  sequence          BIGINT       NOT NULL AUTO_INCREMENT,
  order_id          BIGINT       NOT NULL,
  type              VARCHAR(64)  NOT NULL,
  data              MEDIUMTEXT   NOT NULL,
  recorded_at       DATETIME(6)  NOT NULL,
  PRIMARY KEY (sequence),
  KEY ix_outbox_order (order_id, sequence),
  KEY ix_outbox_recorded (recorded_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row. Every transaction that appends events share-locks it before it takes a sequence; a
-- fence pass locks it exclusively, so when it holds the lock no sequence is in flight and every
-- sequence up to MAX(sequence) is settled (committed, or rolled back for good). safe_upto is the
-- highest sequence known settled: delivery checkpoints never pass it (docs/mysql.md).
CREATE TABLE outbox_fence (
  id                TINYINT      NOT NULL,
  safe_upto         BIGINT       NOT NULL,
  passed_at         DATETIME(6)  NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB;

INSERT INTO outbox_fence (id, safe_upto, passed_at) VALUES (1, 0, '1970-01-01 00:00:00');

-- Per subscriber: every event up to delivered_upto is delivered (or dead-lettered) ...
CREATE TABLE outbox_checkpoints (
  subscriber        VARCHAR(191) NOT NULL,
  delivered_upto    BIGINT       NOT NULL,
  PRIMARY KEY (subscriber)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- ... and so is each event listed here above it.
CREATE TABLE outbox_delivered (
  subscriber        VARCHAR(191) NOT NULL,
  sequence          BIGINT       NOT NULL,
  PRIMARY KEY (subscriber, sequence)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE outbox_dead_letters (
  subscriber        VARCHAR(191) NOT NULL,
  sequence          BIGINT       NOT NULL,
  error             TEXT         NOT NULL,
  dead_at           DATETIME(6)  NOT NULL,
  PRIMARY KEY (subscriber, sequence),
  KEY ix_dead_letters_dead_at (dead_at, sequence)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
