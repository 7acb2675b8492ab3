-- The SPIs for many processes (issue 7): import owners, registered and fenced outbox subscribers,
-- dead letters that hold back their order, outbox positions.

-- Imports: the node that owns a run and its last sign of life.
ALTER TABLE imports
  ADD COLUMN owner        VARCHAR(191) NULL,
  ADD COLUMN heartbeat_at DATETIME(6)  NULL;

-- Sequences become visible in order (Outbox Javadoc): each appending transaction takes its
-- sequences from this row, which stays locked until it commits, instead of an AUTO_INCREMENT
-- (whose values commit out of order). The fence of V1 is not needed any more.
CREATE TABLE outbox_sequence (
  id                TINYINT      NOT NULL,
  last_sequence     BIGINT       NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB;

INSERT INTO outbox_sequence (id, last_sequence)
SELECT 1, GREATEST(
  (SELECT COALESCE(MAX(sequence), 0) FROM outbox_events),
  (SELECT COALESCE(MAX(delivered_upto), 0) FROM outbox_checkpoints),
  (SELECT COALESCE(MAX(sequence), 0) FROM outbox_delivered),
  (SELECT COALESCE(MAX(sequence), 0) FROM outbox_dead_letters));

ALTER TABLE outbox_events MODIFY sequence BIGINT NOT NULL;

DROP TABLE outbox_fence;

-- A row of outbox_checkpoints is a registered subscriber; fence is the greatest lease token seen.
ALTER TABLE outbox_checkpoints ADD COLUMN fence BIGINT NOT NULL DEFAULT 0;

-- A dead letter is no longer counted delivered: it (and the later events of its order) is held
-- out of pending by the dead letter itself, and is pending again once redelivered.
DELETE d FROM outbox_delivered d
  JOIN outbox_dead_letters x ON x.subscriber = d.subscriber AND x.sequence = d.sequence;

ALTER TABLE outbox_dead_letters
  ADD COLUMN id       BIGINT NOT NULL AUTO_INCREMENT FIRST,
  ADD COLUMN order_id BIGINT NOT NULL DEFAULT 0,
  ADD UNIQUE KEY uq_dead_letters_id (id),
  ADD KEY ix_dead_letters_order (subscriber, order_id, sequence),
  DROP KEY ix_dead_letters_dead_at;

UPDATE outbox_dead_letters x JOIN outbox_events e ON e.sequence = x.sequence SET x.order_id = e.order_id;
