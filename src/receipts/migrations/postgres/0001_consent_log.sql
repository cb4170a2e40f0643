-- The consent log. `seq` is given by the service, one after another with no
-- gap, so that a missing row shows; each row's `hash` chains it to the row
-- before (src/receipts/receipt.rs, link_hash).
CREATE TABLE receipts (
  seq BIGINT PRIMARY KEY,
  received_at BIGINT NOT NULL,
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
  through_seq BIGINT PRIMARY KEY,
  through_hash TEXT NOT NULL,
  older_than BIGINT NOT NULL,
  purged_at BIGINT NOT NULL
);

-- Append-only: rows change never, and leave only through a purge.
CREATE FUNCTION biscoito_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the consent log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
CREATE FUNCTION biscoito_leave_only_by_purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.seq > COALESCE((SELECT MAX(through_seq) FROM purges), 0) THEN
    RAISE EXCEPTION 'receipt % leaves the consent log only through biscoito receipts purge', OLD.seq;
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER receipts_never_change BEFORE UPDATE ON receipts
  FOR EACH ROW EXECUTE FUNCTION biscoito_append_only();
CREATE TRIGGER receipts_leave_only_by_purge BEFORE DELETE ON receipts
  FOR EACH ROW EXECUTE FUNCTION biscoito_leave_only_by_purge();
CREATE TRIGGER receipts_never_truncated BEFORE TRUNCATE ON receipts
  FOR EACH STATEMENT EXECUTE FUNCTION biscoito_append_only();
CREATE TRIGGER purges_never_change BEFORE UPDATE OR DELETE ON purges
  FOR EACH ROW EXECUTE FUNCTION biscoito_append_only();
CREATE TRIGGER purges_never_truncated BEFORE TRUNCATE ON purges
  FOR EACH STATEMENT EXECUTE FUNCTION biscoito_append_only();
