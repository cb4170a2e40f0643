-- The consent log. `seq` is given by the service, one after another with no
-- gap, so that a missing row shows; each row's `hash` chains it to the row
-- before (src/receipts/receipt.rs, link_hash).
CREATE TABLE receipts (
  seq INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  consent_id TEXT NOT NULL,
  receipt TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX receipts_by_consent ON receipts (consent_id, seq);
CREATE INDEX receipts_by_time ON receipts (received_at);

-- Each purge: the last row it removed and that row's hash, where the chain
-- of the rows kept starts.
CREATE TABLE purges (
  through_seq INTEGER PRIMARY KEY,
  through_hash TEXT NOT NULL,
  older_than INTEGER NOT NULL,
  purged_at INTEGER NOT NULL
);

-- Append-only: rows change never, and leave only through a purge.
CREATE TRIGGER receipts_never_change BEFORE UPDATE ON receipts
BEGIN SELECT RAISE(ABORT, 'the consent log is append-only'); END;
CREATE TRIGGER receipts_leave_only_by_purge BEFORE DELETE ON receipts
WHEN OLD.seq > COALESCE((SELECT MAX(through_seq) FROM purges), 0)
BEGIN SELECT RAISE(ABORT, 'receipts leave the consent log only through biscoito receipts purge'); END;
CREATE TRIGGER purges_never_change BEFORE UPDATE ON purges
BEGIN SELECT RAISE(ABORT, 'the purge log is append-only'); END;
CREATE TRIGGER purges_never_leave BEFORE DELETE ON purges
BEGIN SELECT RAISE(ABORT, 'the purge log is append-only'); END;
