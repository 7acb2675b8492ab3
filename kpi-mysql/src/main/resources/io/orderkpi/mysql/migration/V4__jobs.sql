-- The job store (MySqlJobStore): jobs waiting or running, the failed list, per-queue flags and
-- counters, and the bounded bookkeeping of throughput and waits.

-- Pending and running jobs. seq orders the jobs due at the same time: a job that becomes due
-- again (released, reclaimed, retried) is inserted anew and so goes behind the jobs already due.
CREATE TABLE jobs (
  seq               BIGINT       NOT NULL AUTO_INCREMENT,
  id                CHAR(36)     NOT NULL,
  queue             VARCHAR(64)  NOT NULL,
  type              VARCHAR(255) NOT NULL,
  payload           MEDIUMTEXT   NOT NULL,
  subject           VARCHAR(200) NOT NULL,
  dedup_key         TEXT         NULL,
  -- SHA-256 of dedup_key while the job holds it (NULL when it does not): one holder per key.
  dedup_hash        BINARY(32)   NULL,
  enqueued_at       DATETIME(6)  NOT NULL,
  due_at            DATETIME(6)  NOT NULL,
  attempts          INT          NOT NULL,
  running           BOOLEAN      NOT NULL,
  consumer          VARCHAR(191) NULL,
  -- Grows with every claim of the job: what fences a consumer whose lease was taken back.
  token             BIGINT       NOT NULL,
  lease_until       DATETIME(6)  NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uq_jobs_id (id),
  UNIQUE KEY uq_jobs_dedup (dedup_hash),
  KEY ix_jobs_due (queue, running, due_at, seq),
  KEY ix_jobs_lease (queue, running, lease_until)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The failed list; failed_key grows with every failure: the key pages go by.
CREATE TABLE failed_jobs (
  failed_key        BIGINT       NOT NULL AUTO_INCREMENT,
  id                CHAR(36)     NOT NULL,
  queue             VARCHAR(64)  NOT NULL,
  type              VARCHAR(255) NOT NULL,
  payload           MEDIUMTEXT   NOT NULL,
  subject           VARCHAR(200) NOT NULL,
  dedup_key         TEXT         NULL,
  token             BIGINT       NOT NULL,
  attempts          INT          NOT NULL,
  last_error        TEXT         NOT NULL,
  enqueued_at       DATETIME(6)  NOT NULL,
  failed_at         DATETIME(6)  NOT NULL,
  PRIMARY KEY (failed_key),
  UNIQUE KEY uq_failed_jobs_id (id),
  KEY ix_failed_jobs_queue (queue, failed_key),
  KEY ix_failed_jobs_failed_at (failed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every queue that has had a job, a claim or a pause: its pause flag and completions.
CREATE TABLE job_queues (
  queue             VARCHAR(64)  NOT NULL,
  paused            BOOLEAN      NOT NULL,
  completed         BIGINT       NOT NULL,
  PRIMARY KEY (queue)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Acks per queue and second; rows older than two minutes are trimmed.
CREATE TABLE job_throughput (
  queue             VARCHAR(64)  NOT NULL,
  second_at         DATETIME     NOT NULL,
  acks              BIGINT       NOT NULL,
  PRIMARY KEY (queue, second_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The waits (due to claim) of recent claims; each queue keeps its newest 1,000.
CREATE TABLE job_waits (
  id                BIGINT       NOT NULL AUTO_INCREMENT,
  queue             VARCHAR(64)  NOT NULL,
  wait_millis       BIGINT       NOT NULL,
  PRIMARY KEY (id),
  KEY ix_job_waits_queue (queue, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
